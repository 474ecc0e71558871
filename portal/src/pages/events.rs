//! An event's public page (`/events/<id>`, where the events feed's links point): what, where,
//! when in the event's own time zone, and whether seats are open. Registration is a later slice.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use super::{Page, api_error, render};
use crate::PortalState;
use crate::api::ApiError;
use crate::operations::{EventPage, event_page};
use crate::session::Visit;

/// The event's page.
#[derive(Template)]
#[template(path = "event.html")]
pub struct EventView {
    /// The frame.
    pub page: Page,
    /// Description.
    pub description: String,
    /// Host organisation, city and country.
    pub host: String,
    /// Venue.
    pub venue: String,
    /// First and last day.
    pub dates: String,
    /// Its time zone and offset.
    pub time_zone: String,
    /// Free seats of all.
    pub seats: String,
    /// Whether registration is open now.
    pub open: bool,
}

/// `GET /events/{id}`: anyone may read a published event (signed in or not).
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    let data = match state
        .api
        .run::<EventPage>(token, visit.lang, event_page::Variables { id: id.clone() })
        .await
    {
        Ok(d) => d,
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let Some(e) = data.event else {
        return api_error(&visit, &uri, &ApiError::NotFound(id));
    };
    let mut page = Page::new(&visit, &uri, "event-title");
    // The heading is the event's title, in the page's language (the API's fallback otherwise).
    page.title = e.title;
    let dates = match (e.start_date, e.end_date) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) => a,
        _ => String::new(),
    };
    render(
        StatusCode::OK,
        &EventView {
            page,
            description: e.description,
            host: format!(
                "{} · {} ({})",
                e.host_organization, e.host_city, e.host_country
            ),
            venue: e.venue,
            dates,
            time_zone: format!("{} (UTC{})", e.time_zone, e.utc_offset),
            seats: format!("{} / {}", e.seats_available, e.capacity),
            open: e.registration_open_now,
        },
    )
}
