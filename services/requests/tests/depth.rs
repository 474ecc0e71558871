//! Issue 17's depth of the Online Bureau on real databases (PostgreSQL and SQLite): the
//! satisfaction survey (who may rate when, the window, the statistics and their scope).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_requests::domain::survey::{Rating, SurveyComment};
use glocal_requests::domain::{
    DetailsDraft, InquiryDraft, InterpretationDraft, MessageBody, RequestType, SubmitDraft,
    TranslationModeKind,
};
use glocal_requests::service::ServiceRequest;
use glocal_requests::{Config, OnlineBureau, RequestsError};
use sea_orm::DatabaseConnection;

struct Env {
    db: DatabaseConnection,
    bureau: OnlineBureau,
    now: Arc<Mutex<DateTime<Utc>>>,
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_requests::migrate(&db).await.unwrap();
        assert!(glocal_requests::demo::seed_directory(&db).await.unwrap());
        let now = Arc::new(Mutex::new(at("2026-12-01T01:00:00Z")));
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

    /// Submitted by `who` and answered in full by an admin.
    async fn answered(&self, who: &Caller, draft: SubmitDraft) -> ServiceRequest {
        let r = self.submit_as(who, draft).await;
        self.bureau
            .send_final_response(Some(&admin()), r.id, r.version, body("Here it is."))
            .await
            .unwrap()
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

fn stars(n: i64) -> Rating {
    Rating::parse(n).unwrap()
}

fn comment(s: &str) -> Option<SurveyComment> {
    SurveyComment::parse_optional(s).unwrap()
}

/// The error's code and stable reason.
fn refused<T: std::fmt::Debug>(r: Result<T, RequestsError>) -> (ErrorCode, Option<String>) {
    let e = r.unwrap_err();
    (e.code(), e.reason().map(str::to_owned))
}

fn reason(code: ErrorCode, reason: &str) -> (ErrorCode, Option<String>) {
    (code, Some(reason.to_owned()))
}

async fn the_requester_rates_the_answer_once_and_may_change_it_within_the_window(env: Env) {
    let r = env.submit_as(&seoul(), translation("t1")).await;
    // Not answered yet.
    assert_eq!(
        refused(env.bureau.rate(Some(&seoul()), r.id, stars(4), None).await),
        reason(ErrorCode::Conflict, "SURVEY_NOT_ANSWERED")
    );
    let r = env
        .bureau
        .send_final_response(Some(&admin()), r.id, r.version, body("Done."))
        .await
        .unwrap();
    assert_eq!(r.survey, None);
    // Not theirs: staff, an admin, a colleague of the same local government; another
    // local government does not even see it.
    for who in [staff("staff-interp-kim"), admin(), seoul_colleague()] {
        assert_eq!(
            refused(env.bureau.rate(Some(&who), r.id, stars(4), None).await),
            reason(ErrorCode::Forbidden, "SURVEY_NOT_REQUESTER"),
            "{}",
            who.subject
        );
    }
    assert_eq!(
        refused(env.bureau.rate(Some(&busan()), r.id, stars(4), None).await),
        (ErrorCode::NotFound, None)
    );
    assert_eq!(env.count("request_survey").await, 0);

    let rated = env
        .bureau
        .rate(
            Some(&seoul()),
            r.id,
            stars(4),
            comment("빠른 답변 감사합니다"),
        )
        .await
        .unwrap();
    let survey = rated.survey.clone().unwrap();
    assert_eq!(survey.rating.get(), 4);
    assert_eq!(survey.comment.as_deref(), Some("빠른 답변 감사합니다"));
    assert_eq!(survey.respondent_subject, "official-seoul");
    let first_at = survey.submitted_at;
    // The requester sees the rating in the history; the version does not move.
    assert_eq!(rated.version, r.version);
    let entry = rated.history.iter().find(|h| h.action == "rate").unwrap();
    // A keyed message, said in the reader's language.
    assert_eq!(
        glocal_kit::i18n::Stored::parse(&entry.note),
        glocal_kit::i18n::Stored::Message(
            glocal_kit::i18n::Message::new("history-rated").arg("rating", 4)
        )
    );
    assert_eq!(
        glocal_kit::i18n::Stored::parse(&entry.note).render(glocal_kit::i18n::Lang::En),
        "rating 4"
    );

    // Staff of the department read it, and the colleague of the same local government too.
    for who in [staff("staff-interp-kim"), seoul_colleague()] {
        let seen = env.bureau.get(Some(&who), r.id).await.unwrap();
        assert_eq!(seen.survey.unwrap().rating.get(), 4);
    }

    // Changed within the window (after closing it, too).
    env.advance(Duration::days(3));
    let closed = env
        .bureau
        .close(Some(&seoul()), r.id, rated.version)
        .await
        .unwrap();
    let changed = env
        .bureau
        .rate(Some(&seoul()), r.id, stars(5), None)
        .await
        .unwrap();
    let survey = changed.survey.unwrap();
    assert_eq!((survey.rating.get(), survey.comment), (5, None));
    assert_eq!(survey.submitted_at, first_at);
    assert!(survey.updated_at > first_at);
    assert_eq!(changed.state, closed.state);
    assert!(changed.history.iter().any(|h| {
        glocal_kit::i18n::Stored::parse(&h.note).render(glocal_kit::i18n::Lang::En)
            == "rating 4 → 5"
    }));
    assert_eq!(env.count("request_survey").await, 1);

    // Past the reopen window (14 days after the final response) it stands.
    env.advance(Duration::days(12));
    assert_eq!(
        refused(env.bureau.rate(Some(&seoul()), r.id, stars(1), None).await),
        reason(ErrorCode::Conflict, "SURVEY_WINDOW_CLOSED")
    );
    let after = env.bureau.get(Some(&seoul()), r.id).await.unwrap();
    assert_eq!(after.survey.unwrap().rating.get(), 5);
    assert_eq!(
        after.history.iter().filter(|h| h.action == "rate").count(),
        2
    );
}

async fn the_statistics_group_by_department_type_and_month_within_scope(env: Env) {
    // Two translations (INTERPRETATION) rated 5 and 2 in December, an inquiry (GENERAL)
    // rated 3 in January (KST).
    let t1 = env.answered(&seoul(), translation("t1")).await;
    let t2 = env.answered(&seoul(), translation("t2")).await;
    let q1 = env.answered(&seoul(), inquiry("q1")).await;
    env.bureau
        .rate(Some(&seoul()), t1.id, stars(5), None)
        .await
        .unwrap();
    env.bureau
        .rate(Some(&seoul()), t2.id, stars(2), None)
        .await
        .unwrap();
    *env.now.lock().unwrap() = at("2026-12-31T15:30:00Z"); // 1 January 00:30 KST
    env.bureau
        .rate(Some(&seoul()), q1.id, stars(3), None)
        .await
        .unwrap();
    let (from, to) = (at("2026-11-01T00:00:00Z"), at("2027-02-01T00:00:00Z"));

    let all = env
        .bureau
        .survey_statistics(Some(&admin()), from, to, None)
        .await
        .unwrap();
    let rows: Vec<_> = all
        .iter()
        .map(|f| {
            (
                f.department_code.clone().unwrap_or_default(),
                f.request_type,
                f.month.clone(),
                f.count,
                f.average,
                f.distribution,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "GENERAL".to_owned(),
                RequestType::GeneralInquiry,
                "2027-01".to_owned(),
                1,
                3.0,
                [0, 0, 1, 0, 0]
            ),
            (
                "INTERPRETATION".to_owned(),
                RequestType::InterpretationTranslation,
                "2026-12".to_owned(),
                2,
                3.5,
                [0, 1, 0, 0, 1]
            ),
        ]
    );
    // Staff see their own department only; a narrower department filter narrows.
    let general = env
        .bureau
        .survey_statistics(Some(&staff("staff-general-seo")), from, to, None)
        .await
        .unwrap();
    assert_eq!(general.len(), 1);
    assert_eq!(general[0].department_code.as_deref(), Some("GENERAL"));
    let one = env
        .bureau
        .survey_statistics(
            Some(&admin()),
            from,
            to,
            Some(glocal_requests::domain::DepartmentCode::parse("INTERPRETATION").unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    // A period without ratings is empty; officials may not read the figures at all.
    let december = env
        .bureau
        .survey_statistics(Some(&admin()), from, at("2026-12-31T15:00:00Z"), None)
        .await
        .unwrap();
    assert_eq!(december.len(), 1);
    assert_eq!(
        refused(
            env.bureau
                .survey_statistics(Some(&seoul()), from, to, None)
                .await
        )
        .0,
        ErrorCode::Forbidden
    );
    assert_eq!(
        refused(
            env.bureau
                .survey_statistics(Some(&admin()), to, from, None)
                .await
        )
        .0,
        ErrorCode::BadUserInput
    );
}

glocal_kit::on_both_backends!(
    the_requester_rates_the_answer_once_and_may_change_it_within_the_window,
    the_statistics_group_by_department_type_and_month_within_scope,
);
