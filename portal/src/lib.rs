//! The portal: server-rendered pages for local officials and bureau staff (issue 20). It is a
//! client of the gateway's public `/graphql` like any local government's own portal could be:
//! every page is a handler that runs typed operations ([`operations`]) with the signed-in
//! person's token and renders a compiled template. Every flow works without JavaScript.
#![warn(missing_docs)]

pub mod api;
pub mod i18n;
mod live;
pub mod metrics;
pub mod oidc;
mod operations;
mod pages;
pub mod session;
pub mod time;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use axum_extra::extract::cookie::Key;
use glocal_kit::caller::DevTokens;
use glocal_kit::config::{ConfigError, Environment, Settings};
use glocal_kit::{Caller, Shutdown};

/// Signing in without an identity provider, in development: the people listed may be chosen
/// on the sign-in page, and the portal mints their token with the development secret.
#[derive(Clone)]
pub struct DevSignIn {
    /// The people offered (`glocal dev`'s demo people).
    pub people: Vec<Caller>,
    /// Mints their tokens.
    pub tokens: DevTokens,
}

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// Its settings are refused.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Its HTTP client could not be built.
    #[error("cannot build the gateway client: {0}")]
    Client(#[from] reqwest::Error),
    /// The OpenID Connect client could not be set up.
    #[error(transparent)]
    Oidc(#[from] oidc::OidcError),
    /// Serving failed.
    #[error("portal stopped: {0}")]
    Serve(#[from] std::io::Error),
}

/// What every handler shares.
#[derive(Clone)]
pub struct PortalState {
    pub(crate) api: api::Api,
    pub(crate) key: Key,
    pub(crate) secure_cookies: bool,
    pub(crate) dev_sign_in: Option<Arc<DevSignIn>>,
    pub(crate) oidc: Option<Arc<oidc::Oidc>>,
    pub(crate) client_ip_header: Option<http::HeaderName>,
    /// Set once shutdown began: `/readyz` answers 503 so load balancers stop sending.
    pub(crate) draining: Arc<std::sync::atomic::AtomicBool>,
}

impl PortalState {
    /// The state of a portal with `settings`, offering `dev_sign_in` (refused in production).
    pub fn new(settings: &Settings, dev_sign_in: Option<DevSignIn>) -> Result<Self, PortalError> {
        settings.check_portal()?;
        let production = settings.environment == Environment::Production;
        if production && dev_sign_in.is_some() {
            return Err(ConfigError::Refused(
                "the portal's development sign-in is refused in production",
            )
            .into());
        }
        Ok(PortalState {
            api: api::Api::new(
                &settings.portal.gateway_url,
                Duration::from_millis(settings.portal.gateway_timeout_ms),
            )?,
            key: session::cookie_key(settings.portal.cookie_key.expose()),
            secure_cookies: production || settings.portal.public_url.starts_with("https://"),
            dev_sign_in: dev_sign_in.map(Arc::new),
            oidc: oidc::Oidc::from_settings(settings)?.map(Arc::new),
            client_ip_header: Some(settings.portal.client_ip_header.trim())
                .filter(|h| !h.is_empty())
                .map(|h| {
                    http::HeaderName::from_bytes(h.to_ascii_lowercase().as_bytes()).map_err(|_| {
                        ConfigError::Refused("portal.client_ip_header must be an HTTP header name")
                    })
                })
                .transpose()?,
            draining: Arc::default(),
        })
    }
}

/// The portal's routes.
pub fn app(state: PortalState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route(
            "/sign-in",
            get(pages::auth::sign_in_page).post(pages::auth::sign_in),
        )
        .route("/sign-in/oidc", get(pages::auth::oidc_start))
        .route("/auth/callback", get(pages::auth::oidc_callback))
        .route("/sign-out", post(pages::auth::sign_out))
        .route("/lang/{code}", get(pages::auth::choose_language))
        .route(
            "/requests",
            get(pages::requests::list).post(pages::requests::submit),
        )
        .route("/requests/new", get(pages::requests::new_form))
        .route("/requests/{id}", get(pages::requests::show))
        .route("/requests/{id}/{action}", post(pages::requests::act))
        .route("/requests/{id}/live", get(live::request_live))
        .route("/requests/{id}/attach", post(pages::requests::attach))
        .route("/queue", get(pages::requests::queue))
        .route("/events", get(pages::events::list))
        .route("/events/{id}", get(pages::events::show))
        .route("/events/{id}/register", post(pages::events::register))
        .route("/events/{id}/cancel", post(pages::events::cancel))
        .route("/programmes", get(pages::programmes::list))
        .route("/notices", get(pages::notices::show))
        .route("/notices/read", post(pages::notices::mark_read))
        .route("/me", get(pages::my_data::show))
        .route("/me/erasure", post(pages::my_data::ask_erasure))
        .route(
            "/admin/routing",
            get(pages::routing::show).post(pages::routing::add),
        )
        .route("/admin/routing/{id}/delete", post(pages::routing::delete))
        .route(
            "/editions/{id}/apply",
            get(pages::apply::show).post(pages::apply::apply),
        )
        .route("/certificates/verify", get(pages::certificates::verify))
        .route("/practices", get(pages::library::list))
        .route("/practices/{id}", get(pages::library::show))
        .route("/static/portal.css", get(pages::assets::css))
        .route("/static/portal.js", get(pages::assets::js))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::layer,
        ))
        .layer(axum::middleware::map_response(pages::security_headers))
        .layer(axum::middleware::from_fn(metrics::record))
        .with_state(state)
}

/// `GET /readyz`: 200 while serving, 503 once shutdown began.
async fn readyz(
    axum::extract::State(state): axum::extract::State<PortalState>,
) -> (http::StatusCode, &'static str) {
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        (http::StatusCode::SERVICE_UNAVAILABLE, "shutting down")
    } else {
        (http::StatusCode::OK, "ok")
    }
}

/// Serves the portal on `listener` until `shutdown` resolves; then `/readyz` answers 503
/// for `grpc.shutdown_delay_ms` (so load balancers stop sending new visitors) before the
/// listener closes and in-flight requests finish, as the gateway does.
pub async fn run(
    settings: &Settings,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
    dev_sign_in: Option<DevSignIn>,
) -> Result<(), PortalError> {
    let state = PortalState::new(settings, dev_sign_in)?;
    serve(settings, state, listener, shutdown).await
}

/// Serves the portal of `state` (already checked by [`PortalState::new`]) as [`run`] does.
pub async fn serve(
    settings: &Settings,
    state: PortalState,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> Result<(), PortalError> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "portal listening");
    }
    let draining = state.draining.clone();
    let delay = Duration::from_millis(settings.grpc.shutdown_delay_ms);
    let stop = async move {
        shutdown.wait().await;
        draining.store(true, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(
            delay_ms = delay.as_millis() as u64,
            "portal shutting down: reporting not ready"
        );
        tokio::time::sleep(delay).await;
    };
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await?;
    Ok(())
}
