//! The library of foreign best practices for everyone (`/practices`, `/practices/<id>`, where
//! the Atom feed's entries link): a search over the published practices in the page's
//! language, and a practice's page. GET forms and plain links: no JavaScript needed.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Page, api_error, render, url_encode};
use crate::PortalState;
use crate::api::ApiError;
use crate::operations::{Library, PracticePage, library, practice_page};
use crate::session::Visit;
use crate::time::kst;

/// The longest search the form passes on (the API refuses longer ones).
const MAX_SEARCH_CHARS: usize = 200;

/// `?search=&after=`.
#[derive(Debug, Default, Deserialize)]
pub struct LibraryQuery {
    /// Words to look for (any language).
    #[serde(default)]
    pub search: String,
    /// The cursor of the page before.
    #[serde(default)]
    pub after: String,
}

/// One practice in the list.
pub struct PracticeRow {
    /// Its id.
    pub id: String,
    /// Title in the page's language.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Where and when: city, country, year, area.
    pub facts: String,
}

/// The library's search page.
#[derive(Template)]
#[template(path = "library.html")]
pub struct LibraryView {
    /// The frame.
    pub page: Page,
    /// The search as typed.
    pub search: String,
    /// How many practices match.
    pub total: i64,
    /// This page of them.
    pub rows: Vec<PracticeRow>,
    /// The next page's link.
    pub next: Option<String>,
}

/// One practice's page.
#[derive(Template)]
#[template(path = "practice.html")]
pub struct PracticeView {
    /// The frame (its heading is the practice's title).
    pub page: Page,
    /// Summary.
    pub summary: String,
    /// The text, paragraph by paragraph.
    pub paragraphs: Vec<String>,
    /// City, country, year.
    pub place: String,
    /// Research area.
    pub area: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Links (title, URL).
    pub links: Vec<(String, String)>,
    /// Published (KST).
    pub published: String,
    /// Why it was withdrawn, when it was.
    pub withdrawn: Option<String>,
}

fn facts(city: Option<&str>, country: &str, year: i64, area: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    match city.filter(|c| !c.is_empty()) {
        Some(city) => parts.push(format!("{city}, {country}")),
        None => parts.push(country.to_owned()),
    }
    parts.push(year.to_string());
    parts.extend(area.map(str::to_owned));
    parts.join(" · ")
}

/// `GET /practices[?search=…][&after=…]`: anyone.
pub async fn list(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Query(query): Query<LibraryQuery>,
) -> Response {
    let search: String = query
        .search
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SEARCH_CHARS)
        .collect();
    let after = query.after.trim().to_owned();
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    let data = match state
        .api
        .run::<Library>(
            token,
            visit.lang,
            library::Variables {
                search: (!search.is_empty()).then(|| search.clone()),
                after: (!after.is_empty()).then_some(after),
            },
        )
        .await
    {
        Ok(d) => d,
        // A cursor from elsewhere: start over from the first page.
        Err(ApiError::BadInput { .. }) => {
            return axum::response::Redirect::to(&format!(
                "/practices?search={}",
                url_encode(&search)
            ))
            .into_response();
        }
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let p = data.practices;
    let rows = p
        .edges
        .into_iter()
        .map(|e| {
            let n = e.node;
            PracticeRow {
                facts: facts(
                    n.city.as_deref(),
                    &n.country,
                    n.year,
                    n.area.as_ref().map(|a| a.label.as_str()),
                ),
                id: n.id,
                title: n.title,
                summary: n.summary,
            }
        })
        .collect();
    let next = p
        .page_info
        .end_cursor
        .filter(|_| p.page_info.has_next_page)
        .map(|c| {
            format!(
                "/practices?search={}&after={}",
                url_encode(&search),
                url_encode(&c)
            )
        });
    render(
        StatusCode::OK,
        &LibraryView {
            page: Page::new(&visit, &uri, "library-title"),
            search,
            total: p.total_count,
            rows,
            next,
        },
    )
}

/// `GET /practices/{id}`: anyone may read a published practice (and a withdrawn one's
/// tombstone).
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    let p = match state
        .api
        .run::<PracticePage>(
            token,
            visit.lang,
            practice_page::Variables { id: id.clone() },
        )
        .await
    {
        Ok(d) => d.practice,
        // A malformed id names no practice.
        Err(ApiError::BadInput { .. }) => {
            return api_error(&visit, &uri, &ApiError::NotFound(id));
        }
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let mut page = Page::new(&visit, &uri, "library-title");
    page.title = p.title;
    render(
        StatusCode::OK,
        &PracticeView {
            page,
            summary: p.summary,
            paragraphs: p
                .body
                .split("\n\n")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            place: facts(p.city.as_deref(), &p.country, p.year, None),
            area: p.area.map(|a| a.label).unwrap_or_default(),
            tags: p.tags,
            links: p.links.into_iter().map(|l| (l.title, l.url)).collect(),
            published: p.published_at.as_deref().map(kst).unwrap_or_default(),
            withdrawn: p.tombstone.then(|| p.withdrawal_reason.unwrap_or_default()),
        },
    )
}
