//! Who gets which notice for one change event: pure rules over the event's type and JSON
//! payload. Fields are read as the services write them (the requests contract: `number`,
//! `title`, `state`, `action`, `requester`, `assignee`, `departmentLead`, `dueAt`,
//! `message`, and on service-level events `target`, `targetDueAt`; events'
//! `registrantSubject`, `offerExpiresAt`, `eventTitle`, and on guest registrations `guest`,
//! `token`, `expiresAt`; training's `applicantSubject`,
//! `programmeTitle`)
//! and every missing field is tolerated: a notice whose recipient is unknown is not made,
//! a missing detail is left out of the text.

use serde_json::{Map, Value};

use super::NoticeKind;

/// One change event as the notifier reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeEvent {
    /// The event's id (unique per change; the idempotency keys start with it).
    pub id: String,
    /// The service that wrote it.
    pub service: String,
    /// What happened (`ServiceRequestSubmitted`, …).
    pub event_type: String,
    /// The changed aggregate's id.
    pub aggregate_id: String,
    /// The details.
    pub payload: Value,
    /// When the service wrote the change (its outbox row's time, carried on the stream);
    /// `None` when the entry does not say.
    pub occurred_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The contact of the person who made the change, as their token stated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorContact {
    /// Their subject.
    pub subject: String,
    /// Their `email` claim.
    pub email: Option<String>,
    /// Their `locale` claim.
    pub locale: Option<String>,
}

/// A notice to make: for whom, of which kind, with which details, linking where.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The recipient's subject.
    pub recipient: String,
    /// The kind.
    pub kind: NoticeKind,
    /// Details the templates use (`number`, `title`, `dueAt`, `message`, `expiresAt`, `code`).
    pub vars: Map<String, Value>,
    /// Path in the portal (joined to `notifications.portal_url`).
    pub path: String,
}

impl ChangeEvent {
    fn text(&self, key: &str) -> Option<&str> {
        self.payload
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The acting caller's contact, when the event carries one (see kit's `outbox::actor`).
    pub fn actor(&self) -> Option<ActorContact> {
        self.contact("actor")
    }

    /// A guest's contact (ADR 0049): the events service's guest registrations carry
    /// `guest {subject, email, locale}`, as no token states them.
    pub fn guest(&self) -> Option<ActorContact> {
        self.contact("guest")
    }

    fn contact(&self, key: &str) -> Option<ActorContact> {
        let actor = self.payload.get(key)?;
        let text = |k: &str| {
            actor
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Some(ActorContact {
            subject: text("subject")?,
            email: text("email"),
            locale: text("locale"),
        })
    }
}

/// The notices `event` calls for, at most one per recipient (the first rule wins).
pub fn select(event: &ChangeEvent) -> Vec<Planned> {
    let mut out: Vec<Planned> = Vec::new();
    let mut push =
        |recipient: Option<&str>, kind: NoticeKind, vars: &Map<String, Value>, path: &str| {
            if let Some(r) = recipient
                && !out.iter().any(|p| p.recipient == r)
            {
                out.push(Planned {
                    recipient: r.to_owned(),
                    kind,
                    vars: vars.clone(),
                    path: path.to_owned(),
                });
            }
        };
    match event.service.as_str() {
        "requests" => {
            let vars = pick(event, &["number", "title", "dueAt", "message", "state"]);
            let path = format!("/requests/{}", event.aggregate_id);
            // On submission the actor is the requester.
            let actor = event.actor().map(|a| a.subject);
            let requester = event.text("requester").or(match event.event_type.as_str() {
                "ServiceRequestSubmitted" => actor.as_deref(),
                _ => None,
            });
            let assignee = event.text("assignee");
            match (event.event_type.as_str(), event.text("action")) {
                ("ServiceRequestSubmitted", _) => {
                    if event.text("state") != Some("SUBMITTED") {
                        push(requester, NoticeKind::RequestRegistered, &vars, &path);
                    }
                    push(assignee, NoticeKind::RequestAssigned, &vars, &path);
                }
                ("ServiceRequestStateChanged", Some("register")) => {
                    push(requester, NoticeKind::RequestRegistered, &vars, &path);
                }
                ("ServiceRequestStateChanged", Some("assign_staff" | "reassign")) => {
                    push(assignee, NoticeKind::RequestAssigned, &vars, &path);
                }
                ("ServiceRequestStateChanged", Some("mid_response")) => {
                    push(requester, NoticeKind::RequestMidResponse, &vars, &path);
                }
                ("ServiceRequestStateChanged", Some("final_response")) => {
                    push(requester, NoticeKind::RequestFinalResponse, &vars, &path);
                }
                ("ServiceRequestQuestionAsked", _) => {
                    push(requester, NoticeKind::RequestQuestion, &vars, &path);
                }
                ("ServiceRequestMerged", _) => {
                    let mut vars = vars;
                    vars.extend(pick(event, &["originalNumber", "note"]));
                    vars.retain(|k, v| k != "note" || v.as_str().is_some_and(|s| !s.is_empty()));
                    let original = event
                        .payload
                        .get("mergedInto")
                        .and_then(|m| m.get("id"))
                        .and_then(Value::as_str);
                    let path = original.map_or(path.clone(), |id| format!("/requests/{id}"));
                    push(requester, NoticeKind::RequestMerged, &vars, &path);
                }
                ("ServiceRequestReplied", _) => {
                    push(assignee, NoticeKind::RequestReply, &vars, &path);
                }
                ("ServiceRequestSlaWarning", _) => {
                    let vars = sla_vars(event, vars);
                    push(assignee, NoticeKind::RequestSlaWarning, &vars, &path);
                }
                ("ServiceRequestSlaBreached", _) => {
                    let vars = sla_vars(event, vars);
                    push(assignee, NoticeKind::RequestSlaBreached, &vars, &path);
                    let lead = event.text("departmentLead");
                    push(lead, NoticeKind::RequestSlaBreached, &vars, &path);
                }
                _ => {}
            }
        }
        "events" => {
            let mut vars = pick(event, &["eventId", "seats"]);
            titled(&mut vars, event, "eventTitle");
            if let Some(t) = event.text("offerExpiresAt") {
                vars.insert("expiresAt".into(), Value::String(t.to_owned()));
            }
            let path = format!("/events/{}", event.text("eventId").unwrap_or_default());
            let registrant = event.text("registrantSubject");
            let state = event.text("state");
            match (event.event_type.as_str(), state) {
                ("RegistrationStateChanged", Some("OFFERED")) => {
                    push(registrant, NoticeKind::EventSeatOffered, &vars, &path);
                }
                ("GuestRegistrationRequested", _) => {
                    // Only the guest's e-mail reaches them (ADR 0049): the code and a link
                    // that carries it.
                    let mut vars = vars.clone();
                    vars.extend(pick(event, &["token", "expiresAt"]));
                    let token = event.text("token").unwrap_or_default();
                    let path = format!("{path}/guest-confirmation?token={token}");
                    let guest = event.guest().map(|g| g.subject);
                    let kind = NoticeKind::EventGuestConfirmation;
                    push(guest.as_deref(), kind, &vars, &path);
                }
                ("RegistrationStateChanged" | "RegistrationCreated", Some("CONFIRMED")) => {
                    push(
                        registrant,
                        NoticeKind::EventRegistrationConfirmed,
                        &vars,
                        &path,
                    );
                }
                _ => {}
            }
        }
        "training" => {
            let mut vars = pick(event, &["code", "editionId"]);
            titled(&mut vars, event, "programmeTitle");
            let applicant = event.text("applicantSubject");
            match (event.event_type.as_str(), event.text("state")) {
                ("ApplicationStateChanged", Some(state)) => {
                    let path = format!("/training/applications/{}", event.aggregate_id);
                    let kind = match state {
                        "ACCEPTED" => Some(NoticeKind::ApplicationAccepted),
                        "WAITLISTED" => Some(NoticeKind::ApplicationWaitlisted),
                        "REJECTED" => Some(NoticeKind::ApplicationRefused),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        push(applicant, kind, &vars, &path);
                    }
                }
                ("CertificateIssued", _) => {
                    let path = format!("/certificates/{}", event.text("code").unwrap_or_default());
                    push(applicant, NoticeKind::CertificateIssued, &vars, &path);
                }
                _ => {}
            }
        }
        _ => {}
    }
    out
}

/// A service-level notice's details: which target (`FIRST_RESPONSE` or `RESOLUTION`) and
/// that target's due time as `dueAt` (older events without `target` are about the
/// resolution, whose due time `dueAt` already is).
fn sla_vars(event: &ChangeEvent, mut vars: Map<String, Value>) -> Map<String, Value> {
    let target = event.text("target").unwrap_or("RESOLUTION");
    vars.insert("target".into(), Value::String(target.to_owned()));
    if let Some(due) = event.text("targetDueAt") {
        vars.insert("dueAt".into(), Value::String(due.to_owned()));
    }
    vars
}

/// Puts the payload's `key` (a title, in the four languages) in `vars` as `title`; the
/// renderer picks the recipient's language.
fn titled(vars: &mut Map<String, Value>, event: &ChangeEvent, key: &str) {
    if let Some(title) = event.payload.get(key).filter(|v| !v.is_null()) {
        vars.insert("title".into(), title.clone());
    }
}

/// The payload's `keys` that are present and not null.
fn pick(event: &ChangeEvent, keys: &[&str]) -> Map<String, Value> {
    keys.iter()
        .filter_map(|k| {
            event
                .payload
                .get(*k)
                .filter(|v| !v.is_null())
                .map(|v| ((*k).to_owned(), v.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(service: &str, event_type: &str, payload: Value) -> ChangeEvent {
        ChangeEvent {
            occurred_at: None,
            id: "e1".into(),
            service: service.into(),
            event_type: event_type.into(),
            aggregate_id: "r1".into(),
            payload,
        }
    }

    fn who(plans: &[Planned]) -> Vec<(&str, NoticeKind)> {
        plans
            .iter()
            .map(|p| (p.recipient.as_str(), p.kind))
            .collect()
    }

    #[test]
    fn a_submission_tells_the_requester_its_number_and_the_assignee_the_work() {
        let e = event(
            "requests",
            "ServiceRequestSubmitted",
            json!({ "number": "OB-2026-000001", "state": "STAFF_ASSIGNED", "requester": "kim",
                    "assignee": "staff-1", "dueAt": "2026-12-04T09:00:00Z", "assigneeId": "s1" }),
        );
        let plans = select(&e);
        assert_eq!(
            who(&plans),
            [
                ("kim", NoticeKind::RequestRegistered),
                ("staff-1", NoticeKind::RequestAssigned)
            ]
        );
        assert_eq!(plans[0].vars["number"], "OB-2026-000001");
        assert_eq!(plans[0].vars["dueAt"], "2026-12-04T09:00:00Z");
        assert_eq!(plans[0].path, "/requests/r1");
    }

    #[test]
    fn without_a_requester_field_the_submitter_is_the_requester() {
        let e = event(
            "requests",
            "ServiceRequestSubmitted",
            json!({ "number": "OB-1", "state": "STAFF_ASSIGNED", "actor": { "subject": "kim" } }),
        );
        assert_eq!(who(&select(&e)), [("kim", NoticeKind::RequestRegistered)]);
        let unregistered = event(
            "requests",
            "ServiceRequestSubmitted",
            json!({ "state": "SUBMITTED", "actor": { "subject": "kim" } }),
        );
        assert!(select(&unregistered).is_empty());
    }

    #[test]
    fn responses_go_to_the_requester_and_reassignments_to_the_new_assignee() {
        let base = json!({ "number": "OB-1", "requester": "kim", "assignee": "staff-2",
                           "actor": { "subject": "staff-1" } });
        let with = |action: &str| {
            let mut p = base.clone();
            p["action"] = json!(action);
            who(&select(&event("requests", "ServiceRequestStateChanged", p)))
                .into_iter()
                .map(|(r, k)| (r.to_owned(), k))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            with("mid_response"),
            [("kim".to_owned(), NoticeKind::RequestMidResponse)]
        );
        assert_eq!(
            with("final_response"),
            [("kim".to_owned(), NoticeKind::RequestFinalResponse)]
        );
        assert_eq!(
            with("reassign"),
            [("staff-2".to_owned(), NoticeKind::RequestAssigned)]
        );
        assert!(with("close").is_empty());
        assert!(with("withdraw").is_empty());
    }

    #[test]
    fn questions_replies_and_service_levels() {
        let p = json!({ "requester": "kim", "assignee": "staff-1", "departmentLead": "lead-1",
                        "messageKind": "QUESTION", "message": "Which date?" });
        let q = select(&event("requests", "ServiceRequestQuestionAsked", p.clone()));
        assert_eq!(who(&q), [("kim", NoticeKind::RequestQuestion)]);
        assert_eq!(q[0].vars["message"], "Which date?");
        assert_eq!(
            who(&select(&event(
                "requests",
                "ServiceRequestReplied",
                p.clone()
            ))),
            [("staff-1", NoticeKind::RequestReply)]
        );
        assert_eq!(
            who(&select(&event(
                "requests",
                "ServiceRequestSlaWarning",
                p.clone()
            ))),
            [("staff-1", NoticeKind::RequestSlaWarning)]
        );
        assert_eq!(
            who(&select(&event("requests", "ServiceRequestSlaBreached", p))),
            [
                ("staff-1", NoticeKind::RequestSlaBreached),
                ("lead-1", NoticeKind::RequestSlaBreached)
            ]
        );
        // The target and its due time reach the notice; without one it is the resolution.
        let first = json!({ "assignee": "staff-1", "departmentLead": "lead-1",
                            "target": "FIRST_RESPONSE", "dueAt": "2026-12-10T09:00:00Z",
                            "targetDueAt": "2026-12-04T13:00:00Z" });
        let plans = select(&event("requests", "ServiceRequestSlaBreached", first));
        assert_eq!(plans.len(), 2);
        assert_eq!(plans[1].vars["target"], "FIRST_RESPONSE");
        assert_eq!(plans[1].vars["dueAt"], "2026-12-04T13:00:00Z");
        let old = select(&event(
            "requests",
            "ServiceRequestSlaWarning",
            json!({ "assignee": "s" }),
        ));
        assert_eq!(old[0].vars["target"], "RESOLUTION");
        // No assignee yet: nobody to warn, nothing made.
        let none = json!({ "requester": "kim", "assignee": null });
        assert!(select(&event("requests", "ServiceRequestSlaWarning", none)).is_empty());
    }

    #[test]
    fn a_merge_tells_the_duplicates_requester_where_it_went() {
        let e = event(
            "requests",
            "ServiceRequestMerged",
            json!({ "number": "OB-2026-000002", "requester": "kim", "assignee": "staff-1",
                    "originalNumber": "OB-2026-000001", "note": "",
                    "mergedInto": { "id": "r0", "number": "OB-2026-000001" } }),
        );
        let plans = select(&e);
        assert_eq!(who(&plans), [("kim", NoticeKind::RequestMerged)]);
        assert_eq!(plans[0].vars["originalNumber"], "OB-2026-000001");
        assert!(!plans[0].vars.contains_key("note"));
        assert_eq!(plans[0].path, "/requests/r0");
        let relinked = event(
            "requests",
            "ServiceRequestRelationsChanged",
            json!({ "requester": "kim", "action": "merge_in" }),
        );
        assert!(select(&relinked).is_empty());
    }

    #[test]
    fn a_guest_gets_their_confirmation_code_by_its_own_contact() {
        let requested = event(
            "events",
            "GuestRegistrationRequested",
            json!({ "eventId": "ev1", "token": "abc123", "expiresAt": "2026-12-06T00:00:00Z",
                    "eventTitle": { "ko": "포럼", "en": "Forum", "zh": "", "ja": "" },
                    "guest": { "subject": "guest:1", "email": "p@uni.ac.kr", "locale": "ja" } }),
        );
        let g = requested.guest().unwrap();
        assert_eq!(
            (g.subject.as_str(), g.email.as_deref(), g.locale.as_deref()),
            ("guest:1", Some("p@uni.ac.kr"), Some("ja"))
        );
        let plans = select(&requested);
        assert_eq!(
            who(&plans),
            [("guest:1", NoticeKind::EventGuestConfirmation)]
        );
        assert_eq!(plans[0].vars["token"], "abc123");
        assert_eq!(plans[0].path, "/events/ev1/guest-confirmation?token=abc123");
        let nobody = event(
            "events",
            "GuestRegistrationRequested",
            json!({ "token": "x" }),
        );
        assert!(select(&nobody).is_empty());
        assert!(!super::super::Preference::default_for(NoticeKind::EventGuestConfirmation).inbox);
    }

    #[test]
    fn seats_registrations_applications_and_certificates() {
        let offered = event(
            "events",
            "RegistrationStateChanged",
            json!({ "state": "OFFERED", "eventId": "ev1", "registrantSubject": "lee",
                    "offerExpiresAt": "2026-12-05T00:00:00Z" }),
        );
        let plans = select(&offered);
        assert_eq!(who(&plans), [("lee", NoticeKind::EventSeatOffered)]);
        assert!(!plans[0].vars.contains_key("title"));
        let titled = event(
            "events",
            "RegistrationStateChanged",
            json!({ "state": "CONFIRMED", "registrantSubject": "lee",
                    "eventTitle": { "ko": "포럼", "en": "Forum", "zh": "", "ja": "" } }),
        );
        assert_eq!(select(&titled)[0].vars["title"]["en"], "Forum");
        assert_eq!(plans[0].vars["expiresAt"], "2026-12-05T00:00:00Z");
        assert_eq!(plans[0].path, "/events/ev1");
        let confirmed = event(
            "events",
            "RegistrationCreated",
            json!({ "state": "CONFIRMED", "eventId": "ev1", "registrantSubject": "lee" }),
        );
        assert_eq!(
            who(&select(&confirmed)),
            [("lee", NoticeKind::EventRegistrationConfirmed)]
        );
        let waitlisted = event(
            "events",
            "RegistrationCreated",
            json!({ "state": "WAITLISTED", "registrantSubject": "lee" }),
        );
        assert!(select(&waitlisted).is_empty());

        for (state, kind) in [
            ("ACCEPTED", NoticeKind::ApplicationAccepted),
            ("WAITLISTED", NoticeKind::ApplicationWaitlisted),
            ("REJECTED", NoticeKind::ApplicationRefused),
        ] {
            let e = event(
                "training",
                "ApplicationStateChanged",
                json!({ "state": state, "applicantSubject": "park" }),
            );
            assert_eq!(who(&select(&e)), [("park", kind)]);
        }
        let screening = event(
            "training",
            "ApplicationStateChanged",
            json!({ "state": "SCREENING", "applicantSubject": "park" }),
        );
        assert!(select(&screening).is_empty());
        let cert = event(
            "training",
            "CertificateIssued",
            json!({ "code": "K2H-2026-0001", "applicantSubject": "park",
                    "programmeTitle": { "en": "K2H" } }),
        );
        let plans = select(&cert);
        assert_eq!(plans[0].vars["title"]["en"], "K2H");
        assert_eq!(who(&plans), [("park", NoticeKind::CertificateIssued)]);
        assert_eq!(plans[0].path, "/certificates/K2H-2026-0001");
    }

    #[test]
    fn other_services_and_events_make_nothing() {
        assert!(select(&event("research", "PracticePublished", json!({}))).is_empty());
        assert!(
            select(&event(
                "requests",
                "Whatever",
                json!({ "requester": "kim" })
            ))
            .is_empty()
        );
    }

    #[test]
    fn the_actors_contact_is_read_from_the_payload() {
        let e = event(
            "requests",
            "ServiceRequestSubmitted",
            json!({ "actor": { "subject": "kim", "email": "kim@seoul.go.kr", "locale": "ko" } }),
        );
        assert_eq!(
            e.actor(),
            Some(ActorContact {
                subject: "kim".into(),
                email: Some("kim@seoul.go.kr".into()),
                locale: Some("ko".into())
            })
        );
        assert_eq!(event("requests", "X", json!({})).actor(), None);
    }
}
