//! The one stylesheet and the one script, embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;

/// `/static/portal.css`.
pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../static/portal.css"),
    )
}

/// `/static/portal.js`.
pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../static/portal.js"),
    )
}
