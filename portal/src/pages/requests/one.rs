//! One request's page, with its history and responses, and every workflow action as a form
//! (POST, then a redirect back); an action's input error is shown next to its field.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{OPEN, SlaView, code, opt, parse_enum, sla_view, text};
use crate::PortalState;
use crate::api::ApiError;
use crate::i18n::Words;
use crate::operations::*;
use crate::pages::{Page, api_error, render, signed_in, to_sign_in, url_encode};
use crate::session::Visit;
use crate::time::{from_kst_input, kst_in_text, kst_opt};

/// One message on a request's page.
pub struct MessageView {
    /// The kind's wire name (CSS).
    pub kind: String,
    /// The kind, in words.
    pub kind_label: String,
    /// The text.
    pub body: String,
    /// Who wrote it.
    pub author: String,
    /// When (KST).
    pub at: String,
    /// A mid-response's expected completion (KST).
    pub expected: String,
}

/// One history entry.
pub struct HistoryView {
    /// What happened.
    pub action: String,
    /// The state after it, in words.
    pub to: String,
    /// Who acted.
    pub actor: String,
    /// When (KST).
    pub at: String,
    /// A note, if any.
    pub note: String,
}

/// A staff member to reassign to.
pub struct StaffChoice {
    /// Department code.
    pub department: String,
    /// Department name.
    pub department_name: String,
    /// Staff id.
    pub id: String,
    /// Staff name.
    pub name: String,
}

/// A file attached to the request.
pub struct AttachmentView {
    /// The file's name.
    pub name: String,
    /// Its size, in words ("12 KB").
    pub size: String,
    /// Who attached it.
    pub by: String,
    /// When (KST).
    pub at: String,
    /// Its signed download link.
    pub href: String,
}

/// A size in bytes for people: bytes, KB or MB (1,024 each).
fn size_text(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", (b + 1023) / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Another request: its page, number and title.
pub struct RequestLink {
    /// Id (its page is `/requests/<id>`).
    pub id: String,
    /// Number.
    pub number: String,
    /// Title.
    pub title: String,
}

/// What an action form had typed and the errors it got, to show them again.
#[derive(Default)]
pub struct Forms {
    /// The action whose form was sent (`reply`).
    pub action: String,
    /// The values it had.
    pub values: HashMap<String, String>,
    /// Errors by field name.
    pub errors: HashMap<String, String>,
    /// An error of the whole action.
    pub general: Option<String>,
}

impl Forms {
    /// The error of `field` of form `action`.
    pub fn error(&self, action: &str, field: &str) -> Option<String> {
        (self.action == action)
            .then(|| self.errors.get(field).cloned())
            .flatten()
    }

    /// What was typed in `field` of form `action`.
    pub fn value(&self, action: &str, field: &str) -> String {
        if self.action == action {
            self.values.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}

/// A request's page.
#[derive(Template)]
#[template(path = "request.html")]
pub struct RequestPageView {
    /// The frame.
    pub page: Page,
    /// Id.
    pub id: String,
    /// Number.
    pub number: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Type, in words.
    pub kind: String,
    /// State's wire name.
    pub state: String,
    /// State, in words.
    pub state_label: String,
    /// Version (workflow forms send it back).
    pub version: i64,
    /// Requester's name.
    pub requester: String,
    /// Local government.
    pub local_government: String,
    /// Department.
    pub department: String,
    /// Assignee.
    pub assignee: String,
    /// Submitted (KST).
    pub created: String,
    /// Resolution due (KST).
    pub due: String,
    /// Expected completion (KST).
    pub expected: String,
    /// Why it was rejected.
    pub reject_reason: String,
    /// Its service level.
    pub sla: SlaView,
    /// Typed details: label and value.
    pub details: Vec<(String, String)>,
    /// Responses, replies, questions (and notes for staff), oldest first.
    pub messages: Vec<MessageView>,
    /// History, oldest first.
    pub history: Vec<HistoryView>,
    /// The rating, if given.
    pub rating: Option<i64>,
    /// The rating's comment.
    pub rating_comment: String,
    /// The actions the person may take now.
    pub actions: Vec<&'static str>,
    /// Staff to reassign to (staff only).
    pub staff: Vec<StaffChoice>,
    /// The open requests of the same local government this one may be merged into (staff).
    pub merge_candidates: Vec<RequestLink>,
    /// The original this request was merged into.
    pub merged_into: Option<RequestLink>,
    /// The duplicates merged into this request.
    pub merged_requests: Vec<RequestLink>,
    /// Files attached to it, oldest first.
    pub attachments: Vec<AttachmentView>,
    /// Whether files may still be attached (not closed, withdrawn, rejected or merged).
    pub can_attach: bool,
    /// What the last action said ("mid-response sent").
    pub done: Option<String>,
    /// The form to show again with its errors.
    pub forms: Forms,
}

impl RequestPageView {
    /// Whether the person may take `action` now.
    pub fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

fn actions(bureau: bool, state: &str) -> Vec<&'static str> {
    let open = OPEN.contains(&state);
    let mut a = Vec::new();
    if bureau {
        if open {
            a.extend([
                "mid-response",
                "final-response",
                "ask",
                "reassign",
                "reject",
                "merge",
            ]);
        }
        if state != "MERGED" {
            a.push("note");
        }
    } else {
        if open {
            a.extend(["reply", "withdraw"]);
        }
        if state == "FINAL_RESPONDED" {
            a.push("close");
        }
        if state == "FINAL_RESPONDED" || state == "CLOSED" {
            a.extend(["reopen", "rate"]);
        }
    }
    a
}

fn details_view(
    w: Words,
    d: Option<request_page::RequestPageServiceRequestDetails>,
) -> Vec<(String, String)> {
    use request_page::RequestPageServiceRequestDetails as D;
    let l = |k: &str| w.t(&format!("field-{k}"));
    let yes = |b: bool| w.t(if b { "yes" } else { "no" });
    let o = |v: Option<String>| v.unwrap_or_default();
    let mut rows = match d {
        Some(D::InterpretationTranslationDetails(x)) => vec![
            (
                l("mode"),
                x.mode
                    .map(|m| w.t(&format!("option-{}", code(&m))))
                    .unwrap_or_default(),
            ),
            (l("source_language"), x.source_language),
            (l("target_language"), x.target_language),
            (l("start_date"), o(x.start_date)),
            (l("end_date"), o(x.end_date)),
            (l("venue"), o(x.venue)),
            (l("online"), yes(x.online)),
            (
                l("document_pages"),
                x.document_pages.map(|p| p.to_string()).unwrap_or_default(),
            ),
        ],
        Some(D::InternationalExchangeDetails(x)) => vec![
            (l("partner_country"), x.partner_country),
            (l("partner_organization"), x.partner_organization),
            (
                l("exchange_kind"),
                w.t(&format!("option-{}", code(&x.exchange_kind))),
            ),
        ],
        Some(D::OverseasVisitDetails(x)) => vec![
            (
                l("destinations"),
                x.destinations
                    .into_iter()
                    .map(|d| format!("{} ({})", d.city, d.country))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            (l("departure_date"), o(x.departure_date)),
            (l("return_date"), o(x.return_date)),
            (l("delegation_size"), x.delegation_size.to_string()),
            (l("purpose"), x.purpose),
        ],
        Some(D::InformationRequestDetails(x)) => vec![
            (l("topic"), x.topic),
            (l("countries"), x.countries.join(", ")),
            (l("needed_by"), o(x.needed_by)),
        ],
        Some(D::GeneralInquiryDetails(x)) => vec![(l("topic"), x.topic)],
        None => vec![],
    };
    rows.retain(|(_, v)| !v.is_empty());
    rows
}

/// `?done=…` after an action.
#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// `GET /requests/{id}`.
pub async fn show(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let done = done
        .done
        .filter(|d| d.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(|d| Words(visit.lang).t(&format!("done-{d}")));
    request_page(
        &state,
        &visit,
        &uri,
        &id,
        StatusCode::OK,
        done,
        Forms::default(),
    )
    .await
}

pub(super) async fn request_page(
    state: &PortalState,
    visit: &Visit,
    uri: &Uri,
    id: &str,
    status: StatusCode,
    done: Option<String>,
    forms: Forms,
) -> Response {
    let Some(person) = signed_in(visit) else {
        return to_sign_in();
    };
    let w = Words(visit.lang);
    let token = Some(person.token.as_str());
    let data = match state
        .api
        .run::<RequestPage>(
            token,
            visit.lang,
            request_page::Variables { id: id.to_owned() },
        )
        .await
    {
        Ok(d) => d,
        Err(e) => return api_error(visit, uri, &e),
    };
    let Some(r) = data.service_request else {
        return api_error(visit, uri, &ApiError::NotFound(id.to_owned()));
    };
    let open = OPEN.contains(&code(&r.state).as_str());
    let (departments, candidates) = if person.bureau {
        let lg = r.local_government.as_ref().map(|l| l.code.clone());
        let candidates = async {
            match lg.filter(|_| open) {
                Some(lg) => state
                    .api
                    .run::<MergeCandidates>(
                        token,
                        visit.lang,
                        merge_candidates::Variables {
                            filter: Some(merge_candidates::ServiceRequestFilter {
                                local_government_code: Some(lg),
                                states: Some(OPEN.iter().filter_map(|s| parse_enum(s)).collect()),
                                types: None,
                                department_code: None,
                                assignee_id: None,
                                created_from: None,
                                created_to: None,
                                overdue: None,
                                breached: None,
                                due_before: None,
                                mine: false,
                            }),
                        },
                    )
                    .await
                    .map(Some),
                None => Ok(None),
            }
        };
        let (departments, candidates) = tokio::join!(
            state
                .api
                .run::<Departments>(token, visit.lang, departments::Variables {}),
            candidates
        );
        (Some(departments), candidates)
    } else {
        (None, Ok(None))
    };
    let merge_candidates = match candidates {
        Ok(c) => c
            .map(|c| c.service_requests.edges)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.node.id != r.id)
            .map(|e| RequestLink {
                id: e.node.id,
                number: e.node.number,
                title: e.node.title,
            })
            .collect(),
        Err(e) => return api_error(visit, uri, &e),
    };
    let staff = if let Some(departments) = departments {
        match departments {
            Ok(d) => d
                .departments
                .into_iter()
                .flat_map(|dep| {
                    let (code, name) = (dep.code, dep.name);
                    dep.staff
                        .into_iter()
                        .filter(|s| s.active)
                        .map(move |s| StaffChoice {
                            department: code.clone(),
                            department_name: name.clone(),
                            id: s.id,
                            name: s.name,
                        })
                })
                .collect(),
            Err(e) => return api_error(visit, uri, &e),
        }
    } else {
        Vec::new()
    };
    let state_code = code(&r.state);
    let view = RequestPageView {
        page: Page::new(visit, uri, "request-title"),
        kind: w.t(&format!("type-{}", code(&r.type_))),
        state_label: w.t(&format!("state-{state_code}")),
        actions: actions(person.bureau, &state_code),
        state: state_code,
        version: r.version,
        requester: r.requester.map(|p| p.name).unwrap_or_default(),
        local_government: r.local_government.map(|l| l.name).unwrap_or_default(),
        department: r.department.map(|d| d.name).unwrap_or_default(),
        assignee: r.assignee.map(|a| a.name).unwrap_or_default(),
        created: kst_opt(r.created_at.as_ref()),
        due: kst_opt(r.resolution_due_at.as_ref()),
        expected: kst_opt(r.expected_completion_at.as_ref()),
        reject_reason: r.reject_reason.unwrap_or_default(),
        sla: sla_view(
            w,
            r.sla.resolution_breached || r.sla.first_response_breached,
            r.sla.paused_since.is_some(),
            false,
            r.sla.remaining_minutes,
        ),
        details: details_view(w, r.details),
        messages: r
            .responses
            .into_iter()
            .map(|m| {
                let kind = code(&m.kind);
                MessageView {
                    kind_label: w.t(&format!("message-{kind}")),
                    kind,
                    body: m.body,
                    author: m.author.name,
                    at: kst_opt(m.created_at.as_ref()),
                    expected: kst_opt(m.expected_completion_at.as_ref()),
                }
            })
            .collect(),
        history: r
            .history
            .into_iter()
            .map(|h| HistoryView {
                action: w
                    .get(&format!("history-{}", h.action))
                    .unwrap_or_else(|| h.action.clone()),
                to: h
                    .to
                    .map(|s| w.t(&format!("state-{}", code(&s))))
                    .unwrap_or_default(),
                actor: h.actor.name,
                at: kst_opt(h.at.as_ref()),
                note: h.note.as_deref().map(kst_in_text).unwrap_or_default(),
            })
            .collect(),
        rating: r.survey.as_ref().map(|s| s.rating),
        rating_comment: r.survey.and_then(|s| s.comment).unwrap_or_default(),
        staff,
        merge_candidates,
        merged_into: r.merged_into.map(|m| RequestLink {
            id: m.id,
            number: m.number,
            title: m.title,
        }),
        attachments: r
            .attachments
            .into_iter()
            .map(|a| AttachmentView {
                size: size_text(a.size_bytes),
                by: a.uploaded_by.name,
                at: kst_opt(a.uploaded_at.as_ref()),
                href: a.download_url,
                name: a.file_name,
            })
            .collect(),
        can_attach: !matches!(
            code(&r.state).as_str(),
            "CLOSED" | "WITHDRAWN" | "REJECTED" | "MERGED"
        ),
        merged_requests: r
            .merged_requests
            .into_iter()
            .map(|m| RequestLink {
                id: m.id,
                number: m.number,
                title: m.title,
            })
            .collect(),
        done,
        forms,
        id: r.id,
        number: r.number,
        title: r.title,
        description: r.description,
    };
    render(status, &view)
}

/// The API field of an action's input → the form's field name.
fn action_field(api_field: &str) -> &str {
    match api_field.rsplit('.').next().unwrap_or(api_field) {
        "expectedCompletionAt" => "expected",
        "departmentCode" => "department",
        "staffId" => "staff",
        "originalId" | "duplicateId" => "original",
        other => other,
    }
}

/// `POST /requests/{id}/{action}`: one workflow action, then back to the request's page.
pub async fn act(
    State(state): State<PortalState>,
    Extension(visit): Extension<Visit>,
    uri: Uri,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Some(person) = signed_in(&visit).cloned() else {
        return to_sign_in();
    };
    let w = Words(visit.lang);
    let v: HashMap<String, String> = form.into_iter().collect();
    let version = text(&v, "version").parse::<i64>().unwrap_or_default();
    let body = text(&v, "body");
    let token = Some(person.token.as_str());
    let lang = visit.lang;
    let api = &state.api;
    let mut local_errors = HashMap::new();
    let result: Result<(), ApiError> = match action.as_str() {
        "mid-response" => match from_kst_input(&text(&v, "expected")) {
            Some(expected) => api
                .run::<SendMidResponse>(
                    token,
                    lang,
                    send_mid_response::Variables {
                        input: send_mid_response::SendMidResponseInput {
                            id: id.clone(),
                            version,
                            body,
                            expected_completion_at: expected,
                        },
                    },
                )
                .await
                .map(drop),
            None => {
                local_errors.insert("expected".to_owned(), w.t("error-date-time"));
                Ok(())
            }
        },
        "final-response" => api
            .run::<SendFinalResponse>(
                token,
                lang,
                send_final_response::Variables {
                    input: send_final_response::SendFinalResponseInput {
                        id: id.clone(),
                        version,
                        body,
                    },
                },
            )
            .await
            .map(drop),
        "note" => api
            .run::<AddNote>(
                token,
                lang,
                add_note::Variables {
                    input: add_note::AddRequestNoteInput {
                        id: id.clone(),
                        body,
                    },
                },
            )
            .await
            .map(drop),
        "reassign" => {
            let (department, staff) = match text(&v, "target").split_once('/') {
                Some((d, s)) => (d.to_owned(), Some(s.to_owned()).filter(|s| !s.is_empty())),
                None => (text(&v, "target"), None),
            };
            api.run::<Reassign>(
                token,
                lang,
                reassign::Variables {
                    input: reassign::ReassignServiceRequestInput {
                        id: id.clone(),
                        version,
                        department_code: department,
                        staff_id: staff,
                        note: opt(&v, "note"),
                    },
                },
            )
            .await
            .map(drop)
        }
        "reject" => api
            .run::<Reject>(
                token,
                lang,
                reject::Variables {
                    input: reject::RejectServiceRequestInput {
                        id: id.clone(),
                        version,
                        reason: text(&v, "reason"),
                    },
                },
            )
            .await
            .map(drop),
        "ask" => api
            .run::<AskRequester>(
                token,
                lang,
                ask_requester::Variables {
                    input: ask_requester::AskRequesterInput {
                        id: id.clone(),
                        version,
                        body,
                    },
                },
            )
            .await
            .map(drop),
        "reply" => api
            .run::<Reply>(
                token,
                lang,
                reply::Variables {
                    input: reply::ReplyToServiceRequestInput {
                        id: id.clone(),
                        body,
                    },
                },
            )
            .await
            .map(drop),
        "close" => api
            .run::<Close>(
                token,
                lang,
                close::Variables {
                    input: close::CloseServiceRequestInput {
                        id: id.clone(),
                        version,
                    },
                },
            )
            .await
            .map(drop),
        "reopen" => api
            .run::<Reopen>(
                token,
                lang,
                reopen::Variables {
                    input: reopen::ReopenServiceRequestInput {
                        id: id.clone(),
                        version,
                        reason: opt(&v, "reason"),
                    },
                },
            )
            .await
            .map(drop),
        "withdraw" => api
            .run::<Withdraw>(
                token,
                lang,
                withdraw::Variables {
                    input: withdraw::WithdrawServiceRequestInput {
                        id: id.clone(),
                        version,
                        reason: opt(&v, "reason"),
                    },
                },
            )
            .await
            .map(drop),
        "merge" => api
            .run::<Merge>(
                token,
                lang,
                merge::Variables {
                    input: merge::MergeServiceRequestInput {
                        duplicate_id: id.clone(),
                        version,
                        original_id: text(&v, "original"),
                        note: opt(&v, "note"),
                    },
                },
            )
            .await
            .map(drop),
        "rate" => match text(&v, "rating").parse::<i64>() {
            Ok(rating) => api
                .run::<Rate>(
                    token,
                    lang,
                    rate::Variables {
                        input: rate::RateServiceRequestInput {
                            id: id.clone(),
                            rating,
                            comment: opt(&v, "comment"),
                        },
                    },
                )
                .await
                .map(drop),
            Err(_) => {
                local_errors.insert("rating".to_owned(), w.t("error-choose-rating"));
                Ok(())
            }
        },
        _ => return crate::pages::not_found(Extension(visit), uri).await,
    };
    let mut forms = Forms {
        action: action.clone(),
        values: v,
        errors: local_errors,
        general: None,
    };
    match result {
        Ok(()) if forms.errors.is_empty() => {
            Redirect::to(&format!("/requests/{}?done={action}", url_encode(&id))).into_response()
        }
        Ok(()) => {
            request_page(
                &state,
                &visit,
                &uri,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                forms,
            )
            .await
        }
        Err(ApiError::BadInput { field, message }) => {
            match field {
                Some(f) => {
                    forms.errors.insert(action_field(&f).to_owned(), message);
                }
                // A merge's refusals are about the original chosen (into itself, another
                // local government's).
                None if action == "merge" => {
                    forms.errors.insert("original".to_owned(), message);
                }
                None => forms.general = Some(message),
            }
            request_page(
                &state,
                &visit,
                &uri,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                forms,
            )
            .await
        }
        Err(e @ (ApiError::Conflict(_) | ApiError::Other { .. })) => {
            forms.general = Some(e.message().to_owned());
            request_page(&state, &visit, &uri, &id, StatusCode::CONFLICT, None, forms).await
        }
        Err(e) => api_error(&visit, &uri, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officials_and_staff_get_their_own_actions() {
        assert!(actions(false, "FINAL_RESPONDED").contains(&"close"));
        assert!(!actions(false, "MID_RESPONDED").contains(&"close"));
        assert!(actions(true, "STAFF_ASSIGNED").contains(&"mid-response"));
        assert!(!actions(true, "CLOSED").contains(&"final-response"));
        assert!(actions(true, "REGISTERED").contains(&"merge"));
        assert!(!actions(true, "MERGED").contains(&"merge"));
        assert!(!actions(false, "REGISTERED").contains(&"merge"));
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(2048), "2 KB");
        assert_eq!(size_text(3 * 1024 * 1024 + 1024 * 1024 / 2), "3.5 MB");
    }

    #[test]
    fn action_errors_find_their_form_field() {
        assert_eq!(action_field("details.expectedCompletionAt"), "expected");
        assert_eq!(action_field("body"), "body");
    }
}
