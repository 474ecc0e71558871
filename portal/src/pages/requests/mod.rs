//! The Online Bureau's pages: a local official submits a request, follows their local
//! government's requests and answers; bureau staff work their department's queue. Every
//! action is a plain form (POST, then a redirect to the request's page); an input error the
//! API reports is shown next to the field it names.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::{Page, api_error, render, signed_in, to_sign_in};
use crate::PortalState;
use crate::i18n::Words;
use crate::operations::*;
use crate::session::Visit;
use crate::time::kst_opt;

/// The request types, in the order the form offers them.
pub const TYPES: [&str; 5] = [
    "INTERPRETATION_TRANSLATION",
    "INTERNATIONAL_EXCHANGE",
    "OVERSEAS_VISIT",
    "INFORMATION_REQUEST",
    "GENERAL_INQUIRY",
];

/// Every state a request can be in.
pub const STATES: [&str; 12] = [
    "SUBMITTED",
    "REGISTERED",
    "DEPARTMENT_ASSIGNED",
    "STAFF_ASSIGNED",
    "MID_RESPONDED",
    "AWAITING_REQUESTER",
    "REOPENED",
    "FINAL_RESPONDED",
    "CLOSED",
    "WITHDRAWN",
    "REJECTED",
    "MERGED",
];

/// States in which the bureau still owes an answer.
const OPEN: [&str; 7] = [
    "SUBMITTED",
    "REGISTERED",
    "DEPARTMENT_ASSIGNED",
    "STAFF_ASSIGNED",
    "MID_RESPONDED",
    "AWAITING_REQUESTER",
    "REOPENED",
];

pub mod files;
pub mod new;
pub mod one;

pub use files::attach;
pub use new::{new_form, submit};
pub use one::{act, show};

/// The wire name of a generated enum value (`MID_RESPONDED`).
fn code<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A generated enum from its wire name.
pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// Where a request stands against its service level.
pub struct SlaView {
    /// `breached`, `paused`, `warning`, `on-track` or `done` (CSS class and catalogue key).
    pub state: &'static str,
    /// What a person reads.
    pub label: String,
}

fn sla_view(
    w: Words,
    breached: bool,
    paused: bool,
    warned: bool,
    remaining: Option<i64>,
) -> SlaView {
    let (state, label) = match remaining {
        _ if breached => ("breached", w.t("sla-breached")),
        Some(m) if m < 0 => ("breached", w.t("sla-breached")),
        Some(_) if paused => ("paused", w.t("sla-paused")),
        Some(m) => {
            let text = w.with(
                "sla-remaining",
                &[
                    ("hours", (m / 60).to_string()),
                    ("minutes", (m % 60).to_string()),
                ],
            );
            (if warned { "warning" } else { "on-track" }, text)
        }
        None => ("done", w.t("sla-done")),
    };
    SlaView { state, label }
}

/// One row of a list of requests.
pub struct Row {
    /// Request id.
    pub id: String,
    /// `OB-2026-000123`.
    pub number: String,
    /// The type, in words.
    pub kind: String,
    /// Title.
    pub title: String,
    /// The state's wire name (CSS).
    pub state: String,
    /// The state, in words.
    pub state_label: String,
    /// The local government.
    pub local_government: String,
    /// The department handling it.
    pub department: String,
    /// The assignee.
    pub assignee: String,
    /// When it was submitted (KST).
    pub created: String,
    /// When the resolution is due (KST).
    pub due: String,
    /// Its service level.
    pub sla: SlaView,
}

/// A choice of a select box.
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What a person reads.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

fn choices(w: Words, prefix: &str, values: &[&str], selected: &str) -> Vec<Choice> {
    let mut seen = std::collections::HashSet::new();
    values
        .iter()
        .filter(|v| seen.insert(**v))
        .map(|v| Choice {
            value: (*v).to_owned(),
            label: w.t(&format!("{prefix}-{v}")),
            selected: *v == selected,
        })
        .collect()
}

/// The list of requests (officials: their local government's; staff: their scope).
#[derive(Template)]
#[template(path = "requests.html")]
pub struct ListPage {
    /// The frame.
    pub page: Page,
    /// The requests of this page.
    pub rows: Vec<Row>,
    /// How many match in all.
    pub total: i64,
    /// The state filter's choices.
    pub states: Vec<Choice>,
    /// The type filter's choices.
    pub types: Vec<Choice>,
    /// The link to the next page, if any.
    pub next: Option<String>,
    /// Whether this is the staff queue.
    pub queue: bool,
}

/// The list's filters (query string).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    after: Option<String>,
}

fn filter(
    states: Option<Vec<String>>,
    kind: Option<&str>,
    department: Option<String>,
) -> request_list::ServiceRequestFilter {
    request_list::ServiceRequestFilter {
        states: states.map(|s| s.iter().filter_map(|s| parse_enum(s)).collect()),
        types: kind.and_then(parse_enum).map(|t| vec![t]),
        department_code: department,
        assignee_id: None,
        local_government_code: None,
        created_from: None,
        created_to: None,
        overdue: None,
        breached: None,
        due_before: None,
        mine: false,
    }
}

async fn list_page(
    state: &PortalState,
    visit: &Visit,
    uri: &Uri,
    query: ListQuery,
    queue: bool,
) -> Response {
    let Some(person) = signed_in(visit) else {
        return to_sign_in();
    };
    let w = Words(visit.lang);
    let token = Some(person.token.as_str());
    let state_filter = query.state.clone().filter(|s| !s.is_empty());
    let kind_filter = query.kind.clone().filter(|s| !s.is_empty());
    let (states, department, order) = if queue {
        let me = match state
            .api
            .run::<Me>(token, visit.lang, me::Variables {})
            .await
        {
            Ok(m) => m,
            Err(e) => return api_error(visit, uri, &e),
        };
        let department = me.me.and_then(|m| m.department).map(|d| d.code);
        let states = match &state_filter {
            Some(s) => vec![s.clone()],
            None => OPEN.iter().map(|s| (*s).to_owned()).collect(),
        };
        (
            Some(states),
            department,
            request_list::ServiceRequestOrder::DUE_SOONEST,
        )
    } else {
        (
            state_filter.clone().map(|s| vec![s]),
            None,
            request_list::ServiceRequestOrder::NEWEST,
        )
    };
    let variables = request_list::Variables {
        filter: Some(filter(states, kind_filter.as_deref(), department)),
        order_by: order,
        first: Some(25),
        after: query.after.clone().filter(|a| !a.is_empty()),
    };
    let data = match state
        .api
        .run::<RequestList>(token, visit.lang, variables)
        .await
    {
        Ok(d) => d,
        Err(e) => return api_error(visit, uri, &e),
    };
    let connection = data.service_requests;
    let rows = connection
        .edges
        .into_iter()
        .map(|edge| {
            let n = edge.node;
            let state_code = code(&n.state);
            Row {
                kind: w.t(&format!("type-{}", code(&n.type_))),
                state_label: w.t(&format!("state-{state_code}")),
                state: state_code,
                local_government: n.local_government.map(|l| l.name).unwrap_or_default(),
                department: n.department.map(|d| d.name).unwrap_or_default(),
                assignee: n.assignee.map(|a| a.name).unwrap_or_default(),
                created: kst_opt(n.created_at.as_ref()),
                due: kst_opt(n.sla.resolution_due_at.as_ref()),
                sla: sla_view(
                    w,
                    n.sla.resolution_breached || n.sla.first_response_breached,
                    n.sla.paused_since.is_some(),
                    n.sla.warned_at.is_some(),
                    n.sla.remaining_minutes,
                ),
                id: n.id,
                number: n.number,
                title: n.title,
            }
        })
        .collect();
    let base = if queue { "/queue" } else { "/requests" };
    let next = connection
        .page_info
        .end_cursor
        .filter(|_| connection.page_info.has_next_page)
        .map(|cursor| {
            format!(
                "{base}?state={}&type={}&after={}",
                super::url_encode(state_filter.as_deref().unwrap_or_default()),
                super::url_encode(kind_filter.as_deref().unwrap_or_default()),
                super::url_encode(&cursor)
            )
        });
    render(
        StatusCode::OK,
        &ListPage {
            page: Page::new(
                visit,
                uri,
                if queue {
                    "queue-title"
                } else {
                    "requests-title"
                },
            ),
            rows,
            total: connection.total_count,
            states: choices(
                w,
                "state",
                &STATES,
                state_filter.as_deref().unwrap_or_default(),
            ),
            types: choices(
                w,
                "type",
                &TYPES,
                kind_filter.as_deref().unwrap_or_default(),
            ),
            next,
            queue,
        },
    )
}

/// `GET /requests`: the requests the person may see, newest first, with filters.
pub async fn list(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Response {
    list_page(&state, &visit, &uri, query, false).await
}

/// `GET /queue`: the open requests of the staff member's department, due soonest first.
pub async fn queue(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Response {
    list_page(&state, &visit, &uri, query, true).await
}

/// The trimmed value of `name`, if not empty.
pub(crate) fn opt(values: &HashMap<String, String>, name: &str) -> Option<String> {
    values
        .get(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The trimmed value of `name`, empty when absent.
pub(crate) fn text(values: &HashMap<String, String>, name: &str) -> String {
    opt(values, name).unwrap_or_default()
}
