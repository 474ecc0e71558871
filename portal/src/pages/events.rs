//! The events for everyone: the list of those not yet over (`/events`) and an event's page
//! (`/events/<id>`, where the events feed's links point): what, where, when in the event's own
//! time zone, whether seats are open, and its iCalendar file; a signed-in person registers
//! one attendee or a delegation, sees their registration's state and cancels it.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::{Page, api_error, render};
use crate::PortalState;
use crate::api::ApiError;
use crate::i18n::Words;
use crate::operations::{
    CancelRegistration, EventList as EventListQuery, EventPage, MyEventRegistrations,
    RegisterForEvent, cancel_registration, event_list, event_page, my_event_registrations,
    register_for_event,
};
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
    /// The event's iCalendar file (absolute, on the gateway).
    pub calendar: String,
    /// The event's id (the form's target).
    pub page_id: String,
    /// The signed-in person's registrations for it.
    pub mine: Vec<MyRegistration>,
    /// Whether the registration form is shown: signed in, open, not yet registered.
    pub can_register: bool,
    /// The form's fields: a fresh idempotency key and the attendee (the person's name).
    pub key: String,
    /// The registration form as typed (or as first offered).
    pub form: RegistrationForm,
    /// The API's refusal of the registration: the form field it names (empty: the whole
    /// form) and its message.
    pub refusal: Option<(String, String)>,
    /// What the last action did (after a redirect).
    pub notice: Option<String>,
}

/// The registration form: one attendee, or a delegation with its head and members.
#[derive(Debug, Clone, Default)]
pub struct RegistrationForm {
    /// `INDIVIDUAL` or `DELEGATION`.
    pub kind: String,
    /// The attendee (an individual).
    pub attendee: String,
    /// The delegation's country (ISO 3166-1 alpha-2).
    pub country: String,
    /// The delegation's organisation.
    pub organization: String,
    /// Its head.
    pub head: String,
    /// The other members, one per line.
    pub members: String,
}

impl EventView {
    /// The refusal's message when it names `field`.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.refusal
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The refusal's message when it names no field of the form.
    pub fn general_error(&self) -> Option<&str> {
        const FIELDS: [&str; 5] = ["attendee", "country", "organization", "head", "members"];
        self.refusal
            .as_ref()
            .filter(|(f, _)| !FIELDS.contains(&f.as_str()))
            .map(|(_, m)| m.as_str())
    }
}

/// The form field an API input path names (`input.headOfDelegation` → `head`); empty for
/// none of them.
fn form_field(api_field: Option<&str>) -> String {
    match api_field
        .unwrap_or_default()
        .rsplit('.')
        .next()
        .unwrap_or_default()
    {
        "attendeeName" => "attendee",
        "country" => "country",
        "organization" => "organization",
        "headOfDelegation" => "head",
        "members" => "members",
        _ => "",
    }
    .to_owned()
}

/// One of the signed-in person's registrations for the event.
pub struct MyRegistration {
    /// Its id (the cancel form's).
    pub id: String,
    /// Its version (the cancel form's).
    pub version: i64,
    /// Its state (`CONFIRMED`, …).
    pub state: String,
    /// The state in the page's language.
    pub label: String,
    /// Who attends.
    pub attendee: String,
    /// Its place on the waitlist.
    pub waitlist: Option<i64>,
}

/// One event in the list.
pub struct EventRow {
    /// Its id.
    pub id: String,
    /// Title in the page's language.
    pub title: String,
    /// First and last day.
    pub dates: String,
    /// City and country.
    pub place: String,
    /// Whether registration is open now.
    pub open: bool,
}

/// The list of events not yet over.
#[derive(Template)]
#[template(path = "events.html")]
pub struct EventList {
    /// The frame.
    pub page: Page,
    /// How many.
    pub total: i64,
    /// This page of them.
    pub rows: Vec<EventRow>,
    /// The next page's link.
    pub next: Option<String>,
}

/// `a – b`, or `a` alone when the event lasts a day.
fn dates(start: Option<String>, end: Option<String>) -> String {
    match (start, end) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) => a,
        _ => String::new(),
    }
}

/// `?after=`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    /// The cursor of the page before.
    #[serde(default)]
    pub after: String,
}

/// `GET /events[?after=…]`: anyone; the published events ending today (KST) or later.
pub async fn list(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    axum::extract::Query(query): axum::extract::Query<ListQuery>,
) -> Response {
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive()
        .to_string();
    let after = query.after.trim().to_owned();
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    let data = match state
        .api
        .run::<EventListQuery>(
            token,
            visit.lang,
            event_list::Variables {
                from: today,
                after: (!after.is_empty()).then_some(after),
            },
        )
        .await
    {
        Ok(d) => d,
        Err(ApiError::BadInput { .. }) => {
            return axum::response::Redirect::to("/events").into_response();
        }
        Err(e) => return api_error(&visit, &uri, &e),
    };
    let list = data.events;
    let rows = list
        .edges
        .into_iter()
        .map(|e| {
            let n = e.node;
            EventRow {
                id: n.id,
                title: n.title,
                dates: dates(n.start_date, n.end_date),
                place: format!("{} ({})", n.host_city, n.host_country),
                open: n.registration_open_now,
            }
        })
        .collect();
    let next = list
        .page_info
        .end_cursor
        .filter(|_| list.page_info.has_next_page)
        .map(|c| format!("/events?after={}", super::url_encode(&c)));
    render(
        StatusCode::OK,
        &EventList {
            page: Page::new(&visit, &uri, "events-title"),
            total: list.total_count,
            rows,
            next,
        },
    )
}

/// `?registered=1` after a registration, `?cancelled=1` after a cancellation.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    /// Set after a successful registration.
    #[serde(default)]
    pub registered: Option<String>,
    /// Set after a successful cancellation.
    #[serde(default)]
    pub cancelled: Option<String>,
}

/// `GET /events/{id}`: anyone may read a published event (signed in or not).
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Response {
    let w = Words(visit.lang);
    let notice = if query.registered.is_some() {
        Some(w.t("event-registered"))
    } else {
        query.cancelled.is_some().then(|| w.t("event-cancelled"))
    };
    event_page_with(&state, &visit, &uri, id, None, notice).await
}

/// `POST /events/{id}/register`: a signed-in person registers one attendee or a delegation.
pub async fn register(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(person) = super::signed_in(&visit).cloned() else {
        return super::to_sign_in();
    };
    let form: std::collections::HashMap<String, String> = form.into_iter().collect();
    let field = |name: &str| super::requests::text(&form, name);
    let typed = RegistrationForm {
        kind: field("kind"),
        attendee: field("attendee"),
        country: field("country").to_uppercase(),
        organization: field("organization"),
        head: field("head"),
        members: form.get("members").cloned().unwrap_or_default(),
    };
    let delegation = typed.kind == "DELEGATION";
    let given = |v: &str| Some(v.to_owned()).filter(|v| !v.is_empty());
    let input = if delegation {
        register_for_event::RegisterForEventInput {
            idempotency_key: field("idempotency_key"),
            event_id: id.clone(),
            kind: register_for_event::EventRegistrationKind::DELEGATION,
            attendee_name: None,
            country: given(&typed.country),
            organization: given(&typed.organization),
            head_of_delegation: given(&typed.head),
            members: typed
                .members
                .lines()
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    } else {
        register_for_event::RegisterForEventInput {
            idempotency_key: field("idempotency_key"),
            event_id: id.clone(),
            kind: register_for_event::EventRegistrationKind::INDIVIDUAL,
            attendee_name: given(&typed.attendee),
            country: None,
            organization: None,
            head_of_delegation: None,
            members: Vec::new(),
        }
    };
    let answer = state
        .api
        .run::<RegisterForEvent>(
            Some(person.token.as_str()),
            visit.lang,
            register_for_event::Variables { input },
        )
        .await;
    match answer {
        Ok(_) => {
            axum::response::Redirect::to(&format!("/events/{id}?registered=1")).into_response()
        }
        Err(ApiError::BadInput { field, message }) => {
            let mut at = form_field(field.as_deref());
            if at.is_empty() && !delegation {
                at = "attendee".into();
            }
            let refused = Some((typed, (at, message)));
            event_page_with(&state, &visit, &uri, id, refused, None).await
        }
        Err(ApiError::Conflict(message)) => {
            let refused = Some((typed, (String::new(), message)));
            event_page_with(&state, &visit, &uri, id, refused, None).await
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
}

/// `POST /events/{id}/cancel`: the signed-in person cancels one of their registrations.
pub async fn cancel(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(person) = super::signed_in(&visit).cloned() else {
        return super::to_sign_in();
    };
    let form: std::collections::HashMap<String, String> = form.into_iter().collect();
    let field = |name: &str| super::requests::text(&form, name);
    let answer = state
        .api
        .run::<CancelRegistration>(
            Some(person.token.as_str()),
            visit.lang,
            cancel_registration::Variables {
                input: cancel_registration::CancelRegistrationInput {
                    id: field("registration"),
                    version: field("version").parse().unwrap_or_default(),
                    reason: None,
                },
            },
        )
        .await;
    match answer {
        Ok(_) => axum::response::Redirect::to(&format!("/events/{id}?cancelled=1")).into_response(),
        // Changed meanwhile (or not cancellable any more): the page as it is now says so.
        Err(ApiError::Conflict(message) | ApiError::BadInput { message, .. }) => {
            event_page_with(&state, &visit, &uri, id, None, Some(message)).await
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
}

/// The signed-in person's registrations for event `id`; none when signed out (or when the
/// list cannot be read: the event's page is shown all the same).
async fn my_registrations(state: &PortalState, visit: &Visit, id: &str) -> Vec<MyRegistration> {
    let Some(person) = &visit.session.person else {
        return Vec::new();
    };
    let w = Words(visit.lang);
    match state
        .api
        .run::<MyEventRegistrations>(
            Some(person.token.as_str()),
            visit.lang,
            my_event_registrations::Variables {
                event_id: id.to_owned(),
            },
        )
        .await
    {
        Ok(d) => d
            .event_registrations
            .edges
            .into_iter()
            .map(|e| {
                let r = e.node;
                let state = format!("{:?}", r.state);
                MyRegistration {
                    id: r.id,
                    version: r.version,
                    label: w.t(&format!("registration-state-{state}")),
                    state,
                    attendee: r.attendee_name,
                    waitlist: r.waitlist_position,
                }
            })
            .collect(),
        Err(error) => {
            tracing::warn!(%error, "the person's registrations could not be read");
            Vec::new()
        }
    }
}

/// The event's page; `refused` is the form as typed and the API's refusal of it (the form
/// field it names and its message).
async fn event_page_with(
    state: &PortalState,
    visit: &Visit,
    uri: &Uri,
    id: String,
    refused: Option<(RegistrationForm, (String, String))>,
    notice: Option<String>,
) -> Response {
    let token = visit.session.person.as_ref().map(|p| p.token.as_str());
    // The event and the person's registrations for it, asked at the same time.
    let (data, mine) = tokio::join!(
        state
            .api
            .run::<EventPage>(token, visit.lang, event_page::Variables { id: id.clone() }),
        my_registrations(state, visit, &id),
    );
    let data = match data {
        Ok(d) => d,
        Err(e) => return api_error(visit, uri, &e),
    };
    let Some(e) = data.event else {
        return api_error(visit, uri, &ApiError::NotFound(id));
    };
    let person = visit.session.person.clone();
    let active = mine
        .iter()
        .any(|r| !matches!(r.state.as_str(), "CANCELLED" | "EXPIRED"));
    let can_register = person.is_some() && e.registration_open_now && !active;
    let (form, refusal) = match refused {
        Some((form, refusal)) => (form, Some(refusal)),
        None => (
            RegistrationForm {
                kind: "INDIVIDUAL".into(),
                attendee: person.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                ..RegistrationForm::default()
            },
            None,
        ),
    };
    let mut page = Page::new(visit, uri, "event-title");
    // The heading is the event's title, in the page's language (the API's fallback otherwise).
    page.title = e.title;
    let dates = dates(e.start_date, e.end_date);
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
            calendar: e.calendar_url,
            page_id: id,
            mine,
            can_register,
            key: uuid::Uuid::new_v4().to_string(),
            form,
            refusal,
            notice,
        },
    )
}
