//! A person's own data (`/me`, ADR 0040): everything the bureau holds about the signed-in
//! person, as `myPersonalData` gathers it from every service (their contact, the requests
//! they submitted, their applications and registrations, how many notices they have), their
//! erasure requests with the bureau's decision, and a form that asks for erasure (a bureau
//! administrator decides).

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::requests::opt;
use super::{Page, api_error, render};
use crate::PortalState;
use crate::api::ApiError;
use crate::i18n::Words;
use crate::operations::{MyData, RequestErasure, my_data, request_erasure};
use crate::session::Visit;
use crate::time::kst;

/// One record in a list: its link (if it has a page), what it is, its state.
pub struct Held {
    /// Its page in the portal, if any.
    pub href: Option<String>,
    /// What it is.
    pub label: String,
    /// Its state in the page's language.
    pub state: String,
}

/// One kind of record: its heading's catalogue key, its id, how many, the newest.
pub struct Section {
    /// The heading's catalogue key.
    pub key: &'static str,
    /// The heading's id.
    pub id: &'static str,
    /// How many are held.
    pub count: i64,
    /// The newest of them.
    pub rows: Vec<Held>,
}

/// One erasure request.
pub struct Erasure {
    /// Its state in the page's language.
    pub state: String,
    /// When it was asked (KST).
    pub asked: String,
    /// The administrator's note, if any.
    pub note: Option<String>,
}

/// The page.
#[derive(Template)]
#[template(path = "my_data.html")]
pub struct MyDataView {
    /// The frame.
    pub page: Page,
    /// The token subject everything is held under.
    pub subject: String,
    /// The e-mail address notices go to (empty: none).
    pub email: String,
    /// Requests submitted, applications, event registrations.
    pub sections: Vec<Section>,
    /// Notices held.
    pub notices: i64,
    /// Erasure requests, newest first.
    pub erasures: Vec<Erasure>,
    /// Whether one is pending (no form then).
    pub pending: bool,
    /// The API's refusal of a request for erasure.
    pub error: Option<String>,
    /// What the last action did.
    pub notice: Option<String>,
}

/// `?asked=1` after a request for erasure.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    /// Set after the request was sent.
    #[serde(default)]
    pub asked: Option<String>,
}

async fn page_with(
    state: &PortalState,
    visit: &Visit,
    uri: &Uri,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let Some(person) = super::signed_in(visit) else {
        return super::to_sign_in();
    };
    let w = Words(visit.lang);
    let data = match state
        .api
        .run::<MyData>(Some(person.token.as_str()), visit.lang, my_data::Variables)
        .await
    {
        Ok(d) => d.my_personal_data,
        Err(e) => return api_error(visit, uri, &e),
    };
    let requests = data.service_requests.map_or((0, Vec::new()), |c| {
        let rows = c
            .edges
            .into_iter()
            .map(|e| Held {
                href: Some(format!("/requests/{}", e.node.id)),
                label: format!("{} {}", e.node.number, e.node.title),
                state: w.t(&format!("state-{:?}", e.node.state)),
            })
            .collect();
        (c.total_count, rows)
    });
    let applications = data.applications.map_or((0, Vec::new()), |c| {
        let rows = c
            .edges
            .into_iter()
            .map(|e| Held {
                href: Some(format!("/editions/{}/apply", e.node.edition_id)),
                label: format!("{} {}", e.node.programme_title, e.node.edition_term),
                state: w.t(&format!("application-state-{:?}", e.node.state)),
            })
            .collect();
        (c.total_count, rows)
    });
    let registrations = {
        let c = data.event_registrations;
        let rows = c
            .edges
            .into_iter()
            .map(|e| Held {
                href: e.node.event.as_ref().map(|ev| format!("/events/{}", ev.id)),
                label: e.node.event.map(|ev| ev.title).unwrap_or_default(),
                state: w.t(&format!("registration-state-{:?}", e.node.state)),
            })
            .collect();
        (c.total_count, rows)
    };
    let erasures: Vec<Erasure> = data
        .erasure_requests
        .edges
        .into_iter()
        .map(|e| Erasure {
            state: w.t(&format!("erasure-state-{:?}", e.node.state)),
            asked: e.node.requested_at.as_deref().map(kst).unwrap_or_default(),
            note: e.node.decision_note,
        })
        .collect();
    let pending = erasures
        .iter()
        .any(|e| e.state == w.t("erasure-state-PENDING"));
    render(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &MyDataView {
            page: Page::new(visit, uri, "my-data-title"),
            subject: data.subject,
            email: data.contact.email.unwrap_or_default(),
            sections: vec![
                Section {
                    key: "my-data-requests",
                    id: "held-requests",
                    count: requests.0,
                    rows: requests.1,
                },
                Section {
                    key: "my-data-applications",
                    id: "held-applications",
                    count: applications.0,
                    rows: applications.1,
                },
                Section {
                    key: "my-data-registrations",
                    id: "held-registrations",
                    count: registrations.0,
                    rows: registrations.1,
                },
            ],
            notices: data.notifications.total_count,
            erasures,
            pending,
            error,
            notice,
        },
    )
}

/// `GET /me`: the signed-in person.
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Response {
    let notice = query
        .asked
        .is_some()
        .then(|| Words(visit.lang).t("my-data-asked"));
    page_with(&state, &visit, &uri, None, notice).await
}

/// `POST /me/erasure`: asks the bureau to erase the person's data.
pub async fn ask_erasure(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    axum::Form(values): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(person) = super::signed_in(&visit).cloned() else {
        return super::to_sign_in();
    };
    let values: std::collections::HashMap<String, String> = values.into_iter().collect();
    let answer = state
        .api
        .run::<RequestErasure>(
            Some(person.token.as_str()),
            visit.lang,
            request_erasure::Variables {
                reason: opt(&values, "reason"),
            },
        )
        .await;
    match answer {
        Ok(_) => Redirect::to("/me?asked=1").into_response(),
        Err(ApiError::BadInput { message, .. } | ApiError::Conflict(message)) => {
            page_with(&state, &visit, &uri, Some(message), None).await
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
}
