//! The routing rules, for bureau administrators (`/admin/routing`): which department each
//! type of request (and, for interpretation and translation, each target language) goes to,
//! lower priority first; a form that adds a rule and a button that deletes one. The API
//! decides who may: anyone else gets its refusal (shown as a page that is not there).

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::requests::{opt, parse_enum, text};
use super::{Page, api_error, render};
use crate::PortalState;
use crate::api::ApiError;
use crate::i18n::Words;
use crate::operations::{
    DeleteRoutingRule, RoutingPage, SetRoutingRule, delete_routing_rule, routing_page,
    set_routing_rule,
};
use crate::session::{Person, Visit};

/// The request types, as the API names them.
const TYPES: [&str; 5] = [
    "INTERPRETATION_TRANSLATION",
    "INTERNATIONAL_EXCHANGE",
    "OVERSEAS_VISIT",
    "INFORMATION_REQUEST",
    "GENERAL_INQUIRY",
];

/// One rule in the table.
pub struct RuleRow {
    /// Its id (the delete button's).
    pub id: String,
    /// The request type in the page's language.
    pub kind: String,
    /// The target language, or "any".
    pub language: String,
    /// The department's name.
    pub department: String,
    /// Its priority.
    pub priority: i64,
}

/// A choice of a select.
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What a person reads.
    pub label: String,
}

/// The form as typed.
#[derive(Debug, Clone, Default)]
pub struct RuleForm {
    /// The request type.
    pub kind: String,
    /// The language (may be empty).
    pub language: String,
    /// The department's code.
    pub department: String,
    /// The priority as typed.
    pub priority: String,
}

/// The routing rules page.
#[derive(Template)]
#[template(path = "routing.html")]
pub struct RoutingView {
    /// The frame.
    pub page: Page,
    /// The rules, in the API's order.
    pub rules: Vec<RuleRow>,
    /// The request types.
    pub types: Vec<Choice>,
    /// The departments.
    pub departments: Vec<Choice>,
    /// The form as typed.
    pub form: RuleForm,
    /// The API's refusal: the form field it names (empty: the whole form) and its message.
    pub refusal: Option<(String, String)>,
    /// What the last action did.
    pub notice: Option<String>,
}

impl RoutingView {
    /// The refusal's message when it names `field`.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.refusal
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The refusal's message when it names no field of the form.
    pub fn general_error(&self) -> Option<&str> {
        self.refusal
            .as_ref()
            .filter(|(f, _)| !["type", "language", "department", "priority"].contains(&f.as_str()))
            .map(|(_, m)| m.as_str())
    }
}

/// The form field an API input path names (`input.departmentCode` → `department`).
fn form_field(api_field: Option<&str>) -> String {
    match api_field
        .unwrap_or_default()
        .rsplit('.')
        .next()
        .unwrap_or_default()
    {
        "type" => "type",
        "language" => "language",
        "departmentCode" => "department",
        "priority" => "priority",
        _ => "",
    }
    .to_owned()
}

/// The page with `form` as typed, `refusal` beside it and `notice` above.
async fn page_with(
    state: &PortalState,
    visit: &Visit,
    uri: &Uri,
    person: &Person,
    form: RuleForm,
    refusal: Option<(String, String)>,
    notice: Option<String>,
) -> Response {
    let w = Words(visit.lang);
    let data = match state
        .api
        .run::<RoutingPage>(
            Some(person.token.as_str()),
            visit.lang,
            routing_page::Variables {},
        )
        .await
    {
        Ok(d) => d,
        Err(e) => return api_error(visit, uri, &e),
    };
    let rules = data
        .routing_rules
        .into_iter()
        .map(|r| RuleRow {
            kind: w.t(&format!("type-{:?}", r.type_)),
            language: r.language.unwrap_or_else(|| w.t("routing-any-language")),
            department: r.department.map_or(r.department_code, |d| d.name),
            priority: r.priority,
            id: r.id,
        })
        .collect();
    let status = if refusal.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &RoutingView {
            page: Page::new(visit, uri, "routing-title"),
            rules,
            types: TYPES
                .iter()
                .map(|t| Choice {
                    value: (*t).to_owned(),
                    label: w.t(&format!("type-{t}")),
                })
                .collect(),
            departments: data
                .departments
                .into_iter()
                .map(|d| Choice {
                    value: d.code,
                    label: d.name,
                })
                .collect(),
            form,
            refusal,
            notice,
        },
    )
}

/// `?saved=1` / `?deleted=1` after an action.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    /// Set after a rule was saved.
    #[serde(default)]
    pub saved: Option<String>,
    /// Set after a rule was deleted.
    #[serde(default)]
    pub deleted: Option<String>,
}

/// `GET /admin/routing`.
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Response {
    let Some(person) = super::signed_in(&visit).cloned() else {
        return super::to_sign_in();
    };
    let w = Words(visit.lang);
    let notice = if query.saved.is_some() {
        Some(w.t("routing-saved"))
    } else {
        query.deleted.is_some().then(|| w.t("routing-deleted"))
    };
    let form = RuleForm {
        priority: "100".into(),
        ..RuleForm::default()
    };
    page_with(&state, &visit, &uri, &person, form, None, notice).await
}

/// `POST /admin/routing`: adds a rule.
pub async fn add(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    axum::Form(values): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(person) = super::signed_in(&visit).cloned() else {
        return super::to_sign_in();
    };
    let w = Words(visit.lang);
    let values: HashMap<String, String> = values.into_iter().collect();
    let form = RuleForm {
        kind: text(&values, "type"),
        language: text(&values, "language"),
        department: text(&values, "department"),
        priority: text(&values, "priority"),
    };
    let refuse = |field: &str, message: String| Some((field.to_owned(), message));
    let Some(kind) = parse_enum::<set_routing_rule::ServiceRequestType>(&form.kind) else {
        let refusal = refuse("type", w.t("apply-choose"));
        return page_with(&state, &visit, &uri, &person, form, refusal, None).await;
    };
    let Ok(priority) = form.priority.parse::<i64>() else {
        let refusal = refuse("priority", w.t("routing-priority-number"));
        return page_with(&state, &visit, &uri, &person, form, refusal, None).await;
    };
    let answer = state
        .api
        .run::<SetRoutingRule>(
            Some(person.token.as_str()),
            visit.lang,
            set_routing_rule::Variables {
                input: set_routing_rule::SetRoutingRuleInput {
                    id: None,
                    type_: kind,
                    language: opt(&values, "language"),
                    department_code: form.department.clone(),
                    priority,
                },
            },
        )
        .await;
    match answer {
        Ok(_) => Redirect::to("/admin/routing?saved=1").into_response(),
        Err(ApiError::BadInput { field, message }) => {
            let refusal = Some((form_field(field.as_deref()), message));
            page_with(&state, &visit, &uri, &person, form, refusal, None).await
        }
        Err(ApiError::Conflict(message)) => {
            let refusal = Some((String::new(), message));
            page_with(&state, &visit, &uri, &person, form, refusal, None).await
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
}

/// `POST /admin/routing/{id}/delete`.
pub async fn delete(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
) -> Response {
    let Some(person) = super::signed_in(&visit).cloned() else {
        return super::to_sign_in();
    };
    match state
        .api
        .run::<DeleteRoutingRule>(
            Some(person.token.as_str()),
            visit.lang,
            delete_routing_rule::Variables { id },
        )
        .await
    {
        Ok(_) => Redirect::to("/admin/routing?deleted=1").into_response(),
        Err(e) => api_error(&visit, &uri, &e),
    }
}
