//! Merges and links on real databases (PostgreSQL and SQLite; ADR 0024): a duplicate
//! merged into its original ends MERGED with its clocks stopped, both requesters keep
//! reading what they filed, staff of the original read the duplicate's messages, the
//! rules refuse with stable reasons and write nothing, repeats change nothing, and links
//! are one level deep with history on both sides.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_requests::domain::relations::{
    LINK_HAS_PARENT, LINK_NESTED, MERGE_ALREADY_MERGED, MERGE_DUPLICATE_CLOSED, MERGE_INTO_CLOSED,
    MERGE_INTO_ITSELF, MERGE_INTO_MERGED, MERGE_LINKED, OTHER_LOCAL_GOVERNMENT,
};
use glocal_requests::domain::{
    DetailsDraft, InquiryDraft, InterpretationDraft, MessageBody, Reason, RequestState,
    RequestType, SubmitDraft, TranslationModeKind,
};
use glocal_requests::service::ServiceRequest;
use glocal_requests::{Config, OnlineBureau, RequestsError};
use sea_orm::DatabaseConnection;

struct Env {
    db: DatabaseConnection,
    bureau: OnlineBureau,
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_requests::migrate(&db).await.unwrap();
        assert!(glocal_requests::demo::seed_directory(&db).await.unwrap());
        let now = Arc::new(Mutex::new(
            DateTime::parse_from_rfc3339("2026-12-01T01:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        ));
        let clock = now.clone();
        let bureau = OnlineBureau::new(db.clone(), Config::default())
            .with_clock(Arc::new(move || *clock.lock().unwrap()));
        Env { db, bureau, now }
    }

    fn advance(&self, by: Duration) {
        *self.now.lock().unwrap() += by;
    }

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
    }

    async fn submit_as(&self, who: &Caller, draft: SubmitDraft) -> ServiceRequest {
        self.bureau
            .submit(Some(who), draft.parse().unwrap())
            .await
            .unwrap()
    }

    async fn get(&self, who: &Caller, r: &ServiceRequest) -> Result<ServiceRequest, RequestsError> {
        self.bureau.get(Some(who), r.id).await
    }

    async fn merge(
        &self,
        who: &Caller,
        duplicate: &ServiceRequest,
        original: &ServiceRequest,
    ) -> Result<ServiceRequest, RequestsError> {
        self.bureau
            .merge(
                Some(who),
                duplicate.id,
                duplicate.version,
                original.id,
                Some(Reason::parse("Same interpreter booking").unwrap()),
            )
            .await
    }
}

fn seoul() -> Caller {
    Caller::new("official-seoul", "김민지", "11000", [Role::LocalOfficial])
}

fn seoul_colleague() -> Caller {
    Caller::new("official-seoul-2", "박서준", "11000", [Role::LocalOfficial])
}

fn busan() -> Caller {
    Caller::new("official-busan", "최유나", "26000", [Role::LocalOfficial])
}

fn staff(subject: &str) -> Caller {
    Caller::new(subject, subject, "GAOK", [Role::BureauStaff])
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

/// Staff of the INTERPRETATION department, where translations are routed.
fn interpreter() -> Caller {
    staff("staff-interp-kim")
}

fn translation(key: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::InterpretationTranslation),
        title: format!("Translate {key}"),
        description: "A brochure".into(),
        details: Some(DetailsDraft::InterpretationTranslation(
            InterpretationDraft {
                mode: Some(TranslationModeKind::Translation),
                source_language: "ko".into(),
                target_language: "en".into(),
                document_pages: 10,
                ..InterpretationDraft::default()
            },
        )),
        local_government_code: String::new(),
    }
}

fn inquiry(key: &str) -> SubmitDraft {
    SubmitDraft {
        idempotency_key: key.into(),
        request_type: Some(RequestType::GeneralInquiry),
        title: format!("Question {key}"),
        description: "Who do we ask?".into(),
        details: Some(DetailsDraft::GeneralInquiry(InquiryDraft {
            topic: "Anything".into(),
        })),
        local_government_code: String::new(),
    }
}

fn body(s: &str) -> MessageBody {
    MessageBody::parse(s).unwrap()
}

/// The error's code and stable reason.
fn refused<T: std::fmt::Debug>(r: Result<T, RequestsError>) -> (ErrorCode, Option<String>) {
    let e = r.unwrap_err();
    (e.code(), e.reason().map(str::to_owned))
}

fn reason(code: ErrorCode, reason: &str) -> (ErrorCode, Option<String>) {
    (code, Some(reason.to_owned()))
}

fn actions(r: &ServiceRequest) -> Vec<&str> {
    r.history.iter().map(|h| h.action.as_str()).collect()
}

async fn a_duplicate_merged_into_its_original_stays_readable_by_both_requesters(env: Env) {
    let original = env.submit_as(&seoul(), translation("orig")).await;
    let duplicate = env.submit_as(&seoul_colleague(), translation("dup")).await;
    // The colleague's reply on the duplicate: read later from the original.
    let duplicate = env
        .bureau
        .reply(
            Some(&seoul_colleague()),
            duplicate.id,
            body("The file follows."),
        )
        .await
        .unwrap();
    let outbox_before = env.count("outbox").await;

    // Officials may not merge; Busan does not even see the requests.
    assert_eq!(
        refused(env.merge(&seoul(), &duplicate, &original).await).0,
        ErrorCode::Forbidden
    );
    // Staff of another department see neither.
    assert_eq!(
        refused(
            env.merge(&staff("staff-general-seo"), &duplicate, &original)
                .await
        )
        .0,
        ErrorCode::NotFound
    );
    // A stale version changes nothing.
    let mut stale = duplicate.clone();
    stale.version = duplicate.version.next();
    assert_eq!(
        refused(env.merge(&interpreter(), &stale, &original).await).0,
        ErrorCode::Conflict
    );
    assert_eq!(env.count("request_relation").await, 0);
    assert_eq!(env.count("outbox").await, outbox_before);

    let merged = env
        .merge(&interpreter(), &duplicate, &original)
        .await
        .unwrap();
    assert_eq!(merged.state, RequestState::Merged);
    assert_eq!(merged.relations.merged_into, Some(original.id));
    assert_eq!(merged.version, duplicate.version.next());
    // The clocks stop: nothing owed, nothing overdue, no time left counted.
    assert!(!merged.overdue);
    assert_eq!(merged.sla.remaining_minutes, None);
    let last = merged.history.last().unwrap();
    assert_eq!(last.action, "merge");
    assert_eq!(last.to_state, RequestState::Merged);
    assert!(
        last.note.contains(&original.number.to_string()),
        "{}",
        last.note
    );
    // One event for each request, in the same transaction.
    assert_eq!(env.count("outbox").await, outbox_before + 2);

    // Days later the merged request is still not overdue and the scheduler marks nothing.
    env.advance(Duration::days(30));
    let run = env.bureau.run_sla_scheduler().await.unwrap();
    let after = env.get(&seoul_colleague(), &merged).await.unwrap();
    assert!(!after.overdue);
    assert!(after.sla.breached_at.is_none(), "{run:?}");

    // The original lists it and records the merge; its own state is unchanged.
    let seen = env.get(&seoul(), &original).await.unwrap();
    assert_eq!(seen.state, original.state);
    assert_eq!(seen.relations.merged, [duplicate.id]);
    let merge_in = seen
        .history
        .iter()
        .find(|h| h.action == "merge_in")
        .unwrap();
    assert!(
        merge_in.note.contains("Same interpreter booking"),
        "{}",
        merge_in.note
    );
    assert!(merge_in.note.contains(&duplicate.number.to_string()));
    // The original keeps its own clocks: thirty days on, the scheduler marked it breached.
    let staff_view = env.get(&admin(), &original).await.unwrap();
    assert!(
        actions(&staff_view).iter().any(|a| a.starts_with("sla_")),
        "{:?}",
        actions(&staff_view)
    );

    // Both requesters keep what they filed: the duplicate with its reply and where it went.
    let own = env.get(&seoul_colleague(), &duplicate).await.unwrap();
    assert_eq!(own.state, RequestState::Merged);
    assert_eq!(own.relations.merged_into, Some(original.id));
    assert!(own.messages.iter().any(|m| m.body == "The file follows."));
    // Busan sees neither.
    for r in [&original, &duplicate] {
        assert_eq!(refused(env.get(&busan(), r).await).0, ErrorCode::NotFound);
    }
    // Merging again into the same original changes nothing (even with the old version).
    let outbox_now = env.count("outbox").await;
    let again = env
        .merge(&interpreter(), &duplicate, &original)
        .await
        .unwrap();
    assert_eq!(again.version, merged.version);
    assert_eq!(env.count("outbox").await, outbox_now);
    assert_eq!(env.count("request_relation").await, 1);
    // A merged request takes no more workflow: no reply, no response.
    assert_eq!(
        refused(
            env.bureau
                .reply(Some(&seoul_colleague()), duplicate.id, body("Hello?"))
                .await
        )
        .0,
        ErrorCode::Conflict
    );
}

async fn staff_of_the_original_read_a_duplicate_routed_elsewhere(env: Env) {
    // A duplicate filed under the wrong type lands in GENERAL; an admin merges it into the
    // translation, which INTERPRETATION handles.
    let original = env.submit_as(&seoul(), translation("orig")).await;
    let duplicate = env.submit_as(&seoul_colleague(), inquiry("dup")).await;
    let duplicate = env
        .bureau
        .reply(
            Some(&seoul_colleague()),
            duplicate.id,
            body("Brochure attached."),
        )
        .await
        .unwrap();
    assert_eq!(
        refused(env.get(&interpreter(), &duplicate).await).0,
        ErrorCode::NotFound
    );
    // A staff member who handles only one of the two may not merge them.
    assert_eq!(
        refused(env.merge(&interpreter(), &duplicate, &original).await).0,
        ErrorCode::NotFound
    );
    env.merge(&admin(), &duplicate, &original).await.unwrap();
    let read = env.get(&interpreter(), &duplicate).await.unwrap();
    assert_eq!(read.state, RequestState::Merged);
    assert!(read.messages.iter().any(|m| m.body == "Brochure attached."));
    let listed = env
        .bureau
        .batch_get(Some(&interpreter()), &[duplicate.id], true)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    // Staff of GENERAL still read their own request, and see where it went only if they
    // may see the original (they may not).
    let general = env
        .get(&staff("staff-general-seo"), &duplicate)
        .await
        .unwrap();
    assert_eq!(general.relations.merged_into, None);
    assert_eq!(general.state, RequestState::Merged);
}

async fn merge_rules_refuse_with_stable_reasons_and_write_nothing(env: Env) {
    let a = env.submit_as(&seoul(), translation("a")).await;
    let b = env.submit_as(&seoul(), translation("b")).await;
    let c = env.submit_as(&seoul(), translation("c")).await;
    let other_town = env.submit_as(&busan(), translation("busan")).await;
    let before = (
        env.count("request_relation").await,
        env.count("outbox").await,
    );
    use ErrorCode::{BadUserInput, Conflict};
    assert_eq!(
        refused(env.merge(&admin(), &a, &a).await),
        reason(BadUserInput, MERGE_INTO_ITSELF)
    );
    assert_eq!(
        refused(env.merge(&admin(), &a, &other_town).await),
        reason(BadUserInput, OTHER_LOCAL_GOVERNMENT)
    );
    assert_eq!(
        before,
        (
            env.count("request_relation").await,
            env.count("outbox").await
        )
    );

    // b into a; then nothing into b, b nowhere else, a nowhere (a chain).
    let b = env.merge(&admin(), &b, &a).await.unwrap();
    assert_eq!(
        refused(env.merge(&admin(), &c, &b).await),
        reason(Conflict, MERGE_INTO_MERGED)
    );
    assert_eq!(
        refused(env.merge(&admin(), &b, &c).await),
        reason(Conflict, MERGE_ALREADY_MERGED)
    );
    let a = env.get(&admin(), &a).await.unwrap();
    assert_eq!(
        refused(env.merge(&admin(), &a, &c).await).1.as_deref(),
        Some(glocal_requests::domain::relations::MERGE_HAS_DUPLICATES)
    );

    // Into a closed request, or an answered duplicate: refused.
    let answered = env
        .bureau
        .send_final_response(Some(&admin()), c.id, c.version, body("Done."))
        .await
        .unwrap();
    let d = env.submit_as(&seoul(), translation("d")).await;
    assert_eq!(
        refused(env.merge(&admin(), &answered, &d).await),
        reason(Conflict, MERGE_DUPLICATE_CLOSED)
    );
    let closed = env
        .bureau
        .close(Some(&admin()), answered.id, answered.version)
        .await
        .unwrap();
    assert_eq!(
        refused(env.merge(&admin(), &d, &closed).await),
        reason(Conflict, MERGE_INTO_CLOSED)
    );
    // The refusal speaks the four languages through the catalogue.
    let e = env.merge(&admin(), &d, &closed).await.unwrap_err();
    let said = e.catalogue_message().expect("a catalogue message");
    assert_eq!(said.key, "relation-merge-into-closed");

    // A linked request is unlinked before it is merged.
    let e1 = env.submit_as(&seoul(), translation("e")).await;
    env.bureau.link(Some(&admin()), e1.id, d.id).await.unwrap();
    let d = env.get(&admin(), &d).await.unwrap();
    assert_eq!(
        refused(env.merge(&admin(), &d, &e1).await),
        reason(Conflict, MERGE_LINKED)
    );
    assert_eq!(env.count("request_relation").await, 2);
}

async fn links_are_one_level_deep_recorded_on_both_and_undone(env: Env) {
    let visit = env.submit_as(&seoul(), translation("visit")).await;
    let day1 = env.submit_as(&seoul(), translation("day1")).await;
    let day2 = env.submit_as(&seoul(), translation("day2")).await;
    let other = env.submit_as(&seoul(), translation("other")).await;
    let busan_one = env.submit_as(&busan(), translation("busan")).await;
    use ErrorCode::{BadUserInput, Conflict};

    // Officials may not link; other departments' staff do not see the requests.
    assert_eq!(
        refused(env.bureau.link(Some(&seoul()), visit.id, day1.id).await).0,
        ErrorCode::Forbidden
    );
    assert_eq!(
        refused(
            env.bureau
                .link(Some(&staff("staff-general-seo")), visit.id, day1.id)
                .await
        )
        .0,
        ErrorCode::NotFound
    );

    let parent = env
        .bureau
        .link(Some(&interpreter()), visit.id, day1.id)
        .await
        .unwrap();
    assert_eq!(parent.relations.children, [day1.id]);
    // The version does not move: a link makes no in-flight action stale.
    assert_eq!(parent.version, visit.version);
    let parent = env
        .bureau
        .link(Some(&interpreter()), visit.id, day2.id)
        .await
        .unwrap();
    assert_eq!(parent.relations.children, [day1.id, day2.id]);
    assert_eq!(
        actions(&parent)
            .iter()
            .filter(|a| **a == "link_child")
            .count(),
        2
    );
    let child = env.get(&seoul(), &day1).await.unwrap();
    assert_eq!(child.relations.parent, Some(visit.id));
    assert_eq!(actions(&child).last(), Some(&"link_parent"));

    // Repeating changes nothing; the rules hold.
    let rows = env.count("request_history").await;
    env.bureau
        .link(Some(&interpreter()), visit.id, day1.id)
        .await
        .unwrap();
    assert_eq!(env.count("request_history").await, rows);
    assert_eq!(
        refused(env.bureau.link(Some(&admin()), other.id, day1.id).await),
        reason(Conflict, LINK_HAS_PARENT)
    );
    assert_eq!(
        refused(env.bureau.link(Some(&admin()), day1.id, other.id).await),
        reason(Conflict, LINK_NESTED)
    );
    // The parent under its own child would be a cycle.
    assert_eq!(
        refused(env.bureau.link(Some(&admin()), day1.id, visit.id).await),
        reason(Conflict, LINK_NESTED)
    );
    assert_eq!(
        refused(
            env.bureau
                .link(Some(&admin()), visit.id, busan_one.id)
                .await
        ),
        reason(BadUserInput, OTHER_LOCAL_GOVERNMENT)
    );
    // Busan's official sees none of it.
    assert_eq!(
        refused(env.get(&busan(), &visit).await).0,
        ErrorCode::NotFound
    );

    let parent = env
        .bureau
        .unlink(Some(&interpreter()), visit.id, day1.id)
        .await
        .unwrap();
    assert_eq!(parent.relations.children, [day2.id]);
    assert_eq!(actions(&parent).last(), Some(&"unlink_child"));
    let child = env.get(&seoul(), &day1).await.unwrap();
    assert_eq!(child.relations.parent, None);
    assert_eq!(actions(&child).last(), Some(&"unlink_parent"));
    // Unlinking again changes nothing.
    let rows = env.count("request_history").await;
    env.bureau
        .unlink(Some(&interpreter()), visit.id, day1.id)
        .await
        .unwrap();
    assert_eq!(env.count("request_history").await, rows);
    assert_eq!(env.count("request_relation").await, 1);
}

glocal_kit::on_both_backends!(
    a_duplicate_merged_into_its_original_stays_readable_by_both_requesters,
    staff_of_the_original_read_a_duplicate_routed_elsewhere,
    merge_rules_refuse_with_stable_reasons_and_write_nothing,
    links_are_one_level_deep_recorded_on_both_and_undone,
);
