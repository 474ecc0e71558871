//! The training programmes for everyone (`/programmes`): each published programme with its
//! description and its editions (term, dates, application window, places), each with its
//! apply link (`/editions/<id>/apply`).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use super::{Page, api_error, render};
use crate::PortalState;
use crate::operations::{ProgrammeList, programme_list};
use crate::session::Visit;

/// One edition of a programme.
pub struct EditionRow {
    /// Its id (the apply link's).
    pub id: String,
    /// Its term (e.g. `2026-1`).
    pub term: String,
    /// First and last day.
    pub dates: String,
    /// When applications are taken.
    pub window: String,
    /// Places.
    pub capacity: i64,
}

/// One programme.
pub struct ProgrammeRow {
    /// Its id (the heading's anchor).
    pub id: String,
    /// Title in the page's language.
    pub title: String,
    /// Description.
    pub description: String,
    /// Its published editions.
    pub editions: Vec<EditionRow>,
}

/// The programmes page.
#[derive(Template)]
#[template(path = "programmes.html")]
pub struct ProgrammesView {
    /// The frame.
    pub page: Page,
    /// The programmes.
    pub rows: Vec<ProgrammeRow>,
}

/// `a – b` of two dates (either may be missing); one date when both are the same.
pub(crate) fn span(a: Option<String>, b: Option<String>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) => a,
        (None, Some(b)) => format!("– {b}"),
        (None, None) => String::new(),
    }
}

/// `GET /programmes`: anyone.
pub async fn list(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
) -> Response {
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    let data = match state
        .api
        .run::<ProgrammeList>(token, visit.lang, programme_list::Variables)
        .await
    {
        Ok(d) => d,
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let rows = data
        .programmes
        .edges
        .into_iter()
        .map(|e| {
            let p = e.node;
            ProgrammeRow {
                id: p.id,
                title: p.title,
                description: p.description,
                editions: p
                    .editions
                    .into_iter()
                    .map(|ed| EditionRow {
                        id: ed.id,
                        term: ed.term,
                        dates: span(ed.starts_on, ed.ends_on),
                        window: span(ed.applications_open_on, ed.applications_close_on),
                        capacity: ed.capacity,
                    })
                    .collect(),
            }
        })
        .collect();
    render(
        StatusCode::OK,
        &ProgrammesView {
            page: Page::new(&visit, &uri, "programmes-title"),
            rows,
        },
    )
}
