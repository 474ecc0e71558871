//! Applying to a programme's edition (`/editions/<id>/apply`): who may apply (the edition's
//! eligibility), the signed-in person's applications to it, and the application form. A
//! submitted form is first checked against the edition's rules (`checkEligibility`): each
//! failed rule is shown with the API's reason next to its field and nothing is sent; an
//! eligible profile is submitted (`submitApplication`), and a refusal then is shown the same
//! way. A fellowship's form (K2H, ADR 0051) also asks for the applicant's local government
//! in the partner network, so the bureau sees its relationships; "not listed" sends none
//! and the application is held until staff confirm a relationship.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::programmes::span;
use super::requests::{opt, parse_enum, text};
use super::{Page, api_error, render};
use crate::PortalState;
use crate::api::ApiError;
use crate::i18n::Words;
use crate::operations::{
    ApplyPage, CheckEligibility, FellowshipPartners, MyApplications, SubmitApplication, apply_page,
    check_eligibility, fellowship_partners, my_applications, submit_application,
};
use crate::session::{Person, Visit};

/// The form's fields, as typed (or as first offered).
#[derive(Debug, Clone, Default)]
pub struct ApplyForm {
    /// A fresh idempotency key per form.
    pub key: String,
    /// `OFFICIAL` or `LOCAL_GOVERNMENT`.
    pub kind: String,
    /// Full name.
    pub full_name: String,
    /// ISO 3166-1 alpha-2.
    pub nationality: String,
    /// `KOREAN_LOCAL_GOVERNMENT`, `FOREIGN_LOCAL_GOVERNMENT` or `OTHER`.
    pub organisation_type: String,
    /// Organisation.
    pub organisation: String,
    /// Grade 1–9, or empty.
    pub grade: String,
    /// ISO 639-1 codes, comma-separated.
    pub languages: String,
    /// The division (a language of the edition's divisions), when it has divisions.
    pub division: String,
    /// A fellowship's partner organisation (its id; empty: not listed).
    pub partner_organisation: String,
    /// Why they apply.
    pub answer: String,
}

/// One refusal: the form field it concerns (empty: the whole form) and what the API said.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The form field (`grade`, `nationality`…), or empty.
    pub field: String,
    /// The message, in the page's language.
    pub message: String,
}

/// One of the person's applications to the edition.
pub struct MyApplication {
    /// Its state in the page's language.
    pub state: String,
    /// Its place on the waitlist.
    pub waitlist: Option<i64>,
}

/// A choice of a select.
pub struct Choice {
    /// The value sent.
    pub value: &'static str,
    /// What a person reads.
    pub label: String,
}

/// The apply page.
#[derive(Template)]
#[template(path = "apply.html")]
pub struct ApplyView {
    /// The frame.
    pub page: Page,
    /// The edition's id (the form's target).
    pub edition_id: String,
    /// First and last day.
    pub dates: String,
    /// The application window.
    pub window: String,
    /// Who may apply, one line per rule.
    pub rules: Vec<String>,
    /// The person's applications to this edition.
    pub mine: Vec<MyApplication>,
    /// Whether the form is shown (no active application yet).
    pub can_apply: bool,
    /// The form as typed.
    pub form: ApplyForm,
    /// The API's refusals.
    pub errors: Vec<FieldError>,
    /// What the last action did (after a redirect).
    pub notice: Option<String>,
    /// The kinds of applicant.
    pub kinds: Vec<Choice>,
    /// The kinds of organisation.
    pub organisation_types: Vec<Choice>,
    /// The edition's divisions to choose one of (empty: it has none).
    pub divisions: Vec<Division>,
    /// A fellowship's foreign local governments of the partner network to choose from
    /// (`None`: the edition is not a fellowship and the form does not ask).
    pub partners: Option<Vec<Division>>,
}

/// A division of the edition: its language code and name.
pub struct Division {
    /// The code sent (`en`).
    pub value: String,
    /// Its name in the page's language (the code when the portal has no name for it).
    pub label: String,
}

impl ApplyView {
    /// The refusal of `field`, if any.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// The refusals not tied to a field of the form.
    pub fn general_errors(&self) -> Vec<&str> {
        const FIELDS: [&str; 10] = [
            "division",
            "partner_organisation",
            "kind",
            "full_name",
            "nationality",
            "organisation_type",
            "organisation",
            "grade",
            "languages",
            "answer",
        ];
        self.errors
            .iter()
            .filter(|e| !FIELDS.contains(&e.field.as_str()))
            .map(|e| e.message.as_str())
            .collect()
    }
}

const KINDS: [&str; 2] = ["OFFICIAL", "LOCAL_GOVERNMENT"];
const ORGANISATION_TYPES: [&str; 3] = [
    "KOREAN_LOCAL_GOVERNMENT",
    "FOREIGN_LOCAL_GOVERNMENT",
    "OTHER",
];

fn choices(w: Words, prefix: &str, values: &[&'static str]) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: v,
            label: w.t(&format!("{prefix}-{v}")),
        })
        .collect()
}

/// The form field an API input path names (`profile.grade` → `grade`).
fn form_field(api_field: &str) -> String {
    let last = api_field.rsplit('.').next().unwrap_or_default();
    match last {
        "fullName" => "full_name".into(),
        "organisationType" => "organisation_type".into(),
        "answers" | "answer" => "answer".into(),
        "partnerOrganisationId" => "partner_organisation".into(),
        "kind" | "nationality" | "organisation" | "grade" | "languages" | "division" => last.into(),
        _ => String::new(),
    }
}

/// The edition's rules as sentences in the page's language.
fn rules(w: Words, e: &apply_page::ApplyPageEdition) -> Vec<String> {
    let mut lines = Vec::new();
    let el = &e.eligibility;
    if !el.applicant_kinds.is_empty() {
        let kinds: Vec<String> = el
            .applicant_kinds
            .iter()
            .map(|k| w.t(&format!("applicant-kind-{k:?}")))
            .collect();
        lines.push(format!("{}: {}", w.t("apply-rule-kinds"), kinds.join(", ")));
    }
    if !el.organisation_types.is_empty() {
        let types: Vec<String> = el
            .organisation_types
            .iter()
            .map(|t| w.t(&format!("organisation-type-{t:?}")))
            .collect();
        lines.push(format!(
            "{}: {}",
            w.t("apply-rule-organisations"),
            types.join(", ")
        ));
    }
    if let Some(n) = &el.nationality {
        lines.push(format!(
            "{}: {}",
            w.t("apply-rule-nationality"),
            w.t(&format!("nationality-rule-{n:?}"))
        ));
    }
    if el.min_grade.is_some() || el.max_grade.is_some() {
        let range = format!(
            "{} – {}",
            el.min_grade.unwrap_or(1),
            el.max_grade.unwrap_or(9)
        );
        lines.push(format!("{}: {range}", w.t("apply-rule-grades")));
    }
    if !e.languages.is_empty() {
        lines.push(format!(
            "{}: {}",
            w.t("apply-rule-languages"),
            e.languages.join(", ")
        ));
    }
    lines
}

/// The person's applications to edition `id` (none when they cannot be read: a partner's
/// token may not list applications; the page is shown all the same).
async fn my_applications(
    state: &PortalState,
    visit: &Visit,
    person: &Person,
    id: &str,
) -> Vec<(String, MyApplication)> {
    let w = Words(visit.lang);
    match state
        .api
        .run::<MyApplications>(
            Some(person.token.as_str()),
            visit.lang,
            my_applications::Variables {
                edition_id: id.to_owned(),
            },
        )
        .await
    {
        Ok(d) => d
            .applications
            .edges
            .into_iter()
            .map(|e| {
                let state = format!("{:?}", e.node.state);
                (
                    state.clone(),
                    MyApplication {
                        state: w.t(&format!("application-state-{state}")),
                        waitlist: e.node.waitlist_position,
                    },
                )
            })
            .collect(),
        Err(error) => {
            tracing::warn!(%error, "the person's applications could not be read");
            Vec::new()
        }
    }
}

/// The partner network's foreign local governments, by name (`Name (VN)`), for a
/// fellowship's form; none when they cannot be read (the form still offers "not listed").
async fn fellowship_partners(state: &PortalState, visit: &Visit, person: &Person) -> Vec<Division> {
    match state
        .api
        .run::<FellowshipPartners>(
            Some(person.token.as_str()),
            visit.lang,
            fellowship_partners::Variables,
        )
        .await
    {
        Ok(d) => {
            let mut partners: Vec<Division> = d
                .organisations
                .edges
                .into_iter()
                .map(|e| Division {
                    label: format!("{} ({})", e.node.name, e.node.country),
                    value: e.node.id,
                })
                .collect();
            partners.sort_by(|a, b| a.label.cmp(&b.label));
            partners
        }
        Err(error) => {
            tracing::warn!(%error, "the partner network's local governments could not be read");
            Vec::new()
        }
    }
}

/// What the apply page shows beside the edition: the form as typed (a fresh one when
/// `None`), the refusals next to its fields, and what the last action did.
#[derive(Default)]
struct Shown {
    form: Option<ApplyForm>,
    errors: Vec<FieldError>,
    notice: Option<String>,
}

/// The apply page of edition `id` with `shown`.
async fn page_with(
    state: &PortalState,
    visit: &Visit,
    uri: &Uri,
    person: &Person,
    id: String,
    shown: Shown,
) -> Response {
    let Shown {
        form,
        errors,
        notice,
    } = shown;
    let w = Words(visit.lang);
    let (data, mine) = tokio::join!(
        state.api.run::<ApplyPage>(
            Some(person.token.as_str()),
            visit.lang,
            apply_page::Variables { id: id.clone() }
        ),
        my_applications(state, visit, person, &id),
    );
    let data = match data {
        Ok(d) => d,
        Err(e) => return api_error(visit, uri, &e),
    };
    let Some(edition) = data.edition else {
        return api_error(visit, uri, &ApiError::NotFound(id));
    };
    let partners = if matches!(
        edition.programme_kind,
        Some(apply_page::ProgrammeKind::INVITATION_FELLOWSHIP)
    ) {
        Some(fellowship_partners(state, visit, person).await)
    } else {
        None
    };
    let active = mine
        .iter()
        .any(|(state, _)| !matches!(state.as_str(), "REJECTED" | "WITHDRAWN"));
    let form = form.unwrap_or_else(|| ApplyForm {
        key: uuid::Uuid::new_v4().to_string(),
        kind: "OFFICIAL".into(),
        full_name: person.name.clone(),
        ..ApplyForm::default()
    });
    let mut page = Page::new(visit, uri, "apply-title");
    page.title = format!("{} {}", edition.programme_title, edition.term);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(
        status,
        &ApplyView {
            page,
            dates: span(edition.starts_on.clone(), edition.ends_on.clone()),
            window: span(
                edition.applications_open_on.clone(),
                edition.applications_close_on.clone(),
            ),
            rules: rules(w, &edition),
            edition_id: id,
            mine: mine.into_iter().map(|(_, m)| m).collect(),
            can_apply: !active,
            form,
            errors,
            notice,
            kinds: choices(w, "applicant-kind", &KINDS),
            organisation_types: choices(w, "organisation-type", &ORGANISATION_TYPES),
            divisions: edition
                .divisions
                .iter()
                .map(|code| Division {
                    label: w
                        .get(&format!("language-{code}"))
                        .unwrap_or_else(|| code.to_uppercase()),
                    value: code.clone(),
                })
                .collect(),
            partners,
        },
    )
}

/// `?applied=1` after an application.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ShowQuery {
    /// Set after a successful application.
    #[serde(default)]
    pub applied: Option<String>,
}

/// `GET /editions/{id}/apply`: a signed-in person.
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<ShowQuery>,
) -> Response {
    let Some(person) = super::signed_in(&visit).cloned() else {
        return super::to_sign_in();
    };
    let notice = query
        .applied
        .is_some()
        .then(|| Words(visit.lang).t("apply-applied"));
    let shown = Shown {
        notice,
        ..Shown::default()
    };
    page_with(&state, &visit, &uri, &person, id, shown).await
}

fn form_of(values: &HashMap<String, String>) -> ApplyForm {
    ApplyForm {
        key: text(values, "idempotency_key"),
        kind: text(values, "kind"),
        full_name: text(values, "full_name"),
        nationality: text(values, "nationality").to_uppercase(),
        organisation_type: text(values, "organisation_type"),
        organisation: text(values, "organisation"),
        grade: text(values, "grade"),
        languages: text(values, "languages"),
        division: text(values, "division"),
        partner_organisation: text(values, "partner_organisation"),
        answer: text(values, "answer"),
    }
}

/// The profile of `form` as the API takes it; a field the form cannot turn into its type
/// is a refusal next to it.
fn profile_of(
    w: Words,
    form: &ApplyForm,
) -> Result<check_eligibility::ApplicantProfileInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut need = |field: &str, ok: bool| {
        if !ok {
            errors.push(FieldError {
                field: field.into(),
                message: w.t("apply-choose"),
            });
        }
    };
    let kind = parse_enum::<check_eligibility::ApplicantKind>(&form.kind);
    need("kind", kind.is_some());
    let organisation_type =
        parse_enum::<check_eligibility::OrganisationType>(&form.organisation_type);
    need("organisation_type", organisation_type.is_some());
    let grade = match opt(&HashMap::from([("g".to_owned(), form.grade.clone())]), "g") {
        None => None,
        Some(g) => match g.parse::<i64>() {
            Ok(g) => Some(g),
            Err(_) => {
                errors.push(FieldError {
                    field: "grade".into(),
                    message: w.t("apply-grade-number"),
                });
                None
            }
        },
    };
    let (Some(kind), Some(organisation_type)) = (kind, organisation_type) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(check_eligibility::ApplicantProfileInput {
        kind,
        full_name: form.full_name.clone(),
        nationality: form.nationality.clone(),
        organisation_type,
        organisation: form.organisation.clone(),
        grade,
        languages: form
            .languages
            .split([',', ' '])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_lowercase)
            .collect(),
    })
}

/// The same profile for the submission (the two operations have their own input types).
fn submitted(
    p: &check_eligibility::ApplicantProfileInput,
) -> submit_application::ApplicantProfileInput {
    submit_application::ApplicantProfileInput {
        kind: parse_enum(&format!("{:?}", p.kind))
            .unwrap_or(submit_application::ApplicantKind::OFFICIAL),
        full_name: p.full_name.clone(),
        nationality: p.nationality.clone(),
        organisation_type: parse_enum(&format!("{:?}", p.organisation_type))
            .unwrap_or(submit_application::OrganisationType::OTHER),
        organisation: p.organisation.clone(),
        grade: p.grade,
        languages: p.languages.clone(),
    }
}

/// `POST /editions/{id}/apply`: checks the profile against the edition's rules, then applies.
pub async fn apply(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
    axum::Form(values): axum::Form<Vec<(String, String)>>,
) -> Response {
    let Some(person) = super::signed_in(&visit).cloned() else {
        return super::to_sign_in();
    };
    let w = Words(visit.lang);
    let values: HashMap<String, String> = values.into_iter().collect();
    let form = form_of(&values);
    let refused = |errors: Vec<FieldError>| {
        let (state, visit, uri, person, id, form) =
            (&state, &visit, &uri, &person, id.clone(), form.clone());
        async move {
            let shown = Shown {
                form: Some(form),
                errors,
                notice: None,
            };
            page_with(state, visit, uri, person, id, shown).await
        }
    };
    let profile = match profile_of(w, &form) {
        Ok(p) => p,
        Err(errors) => return refused(errors).await,
    };
    let token = Some(person.token.as_str());
    let checked = state
        .api
        .run::<CheckEligibility>(
            token,
            visit.lang,
            check_eligibility::Variables {
                edition_id: id.clone(),
                profile: profile.clone(),
            },
        )
        .await;
    match checked {
        Ok(c) if !c.check_eligibility.eligible => {
            let errors = c
                .check_eligibility
                .failures
                .into_iter()
                .map(|f| FieldError {
                    field: form_field(&f.field),
                    message: f.reason,
                })
                .collect();
            return refused(errors).await;
        }
        Ok(_) => {}
        Err(ApiError::BadInput { field, message }) => {
            let field = form_field(field.as_deref().unwrap_or_default());
            return refused(vec![FieldError { field, message }]).await;
        }
        Err(e) => return api_error(&visit, &uri, &e),
    }
    let answers = if form.answer.is_empty() {
        Vec::new()
    } else {
        vec![submit_application::ApplicationAnswerInput {
            question: w.t("field-answer"),
            answer: form.answer.clone(),
        }]
    };
    let answer = state
        .api
        .run::<SubmitApplication>(
            token,
            visit.lang,
            submit_application::Variables {
                input: submit_application::SubmitApplicationInput {
                    idempotency_key: form.key.clone(),
                    edition_id: id.clone(),
                    profile: submitted(&profile),
                    answers,
                    attachments: Vec::new(),
                    division: (!form.division.is_empty()).then(|| form.division.clone()),
                    // Not listed: held until staff confirm a relationship (ADR 0051).
                    partner_organisation_id: (!form.partner_organisation.is_empty())
                        .then(|| form.partner_organisation.clone()),
                },
            },
        )
        .await;
    match answer {
        Ok(_) => Redirect::to(&format!("/editions/{id}/apply?applied=1")).into_response(),
        Err(ApiError::BadInput { field, message }) => {
            let field = form_field(field.as_deref().unwrap_or_default());
            refused(vec![FieldError { field, message }]).await
        }
        Err(ApiError::Conflict(message)) => {
            refused(vec![FieldError {
                field: String::new(),
                message,
            }])
            .await
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_names_its_fields_as_the_form_does() {
        assert_eq!(form_field("profile.grade"), "grade");
        assert_eq!(form_field("profile.fullName"), "full_name");
        assert_eq!(form_field("profile.organisationType"), "organisation_type");
        assert_eq!(form_field("partnerOrganisationId"), "partner_organisation");
        assert_eq!(form_field("editionId"), "");
    }
}
