//! Erasure requests in the notifier (ADR 0040) on real databases, PostgreSQL and SQLite: a
//! person asks once at a time and sees only their own requests; only a bureau administrator
//! decides; approval deletes the person's contact, preferences and notices (not anyone
//! else's) and writes the `PersonErased` event in the same transaction; a decision is final;
//! an event published before the approval makes no notice for the erased person.

use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::paging::PageRequest;
use glocal_kit::{Caller, Role};
use glocal_notifier::domain::Language;
use glocal_notifier::domain::erasure::ErasureState;
use glocal_notifier::domain::select::ChangeEvent;
use glocal_notifier::service::StreamEntry;
use glocal_notifier::{Config, Notifier};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;

struct Env {
    db: DatabaseConnection,
    notifier: Notifier,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        glocal_notifier::migrate(&db).await.unwrap();
        let notifier = Notifier::new(
            db.clone(),
            Config {
                portal_url: "http://portal.test".into(),
                max_page_size: 50,
            },
        );
        Env { db, notifier }
    }

    async fn count(&self, sql: &str) -> i64 {
        let backend = self.db.get_database_backend();
        self.db
            .query_one_raw(Statement::from_string(backend, sql.to_owned()))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap()
    }

    /// A request of `requester` registered: one notice for them.
    async fn registered(&self, id: &str, requester: &str) {
        let event = ChangeEvent {
            occurred_at: None,
            id: format!("evt-{id}"),
            service: "requests".into(),
            event_type: "ServiceRequestStateChanged".into(),
            aggregate_id: id.into(),
            payload: json!({
                "action": "register", "requester": requester,
                "number": format!("OB-2026-{id}"), "title": "Interpretation",
                "state": "REGISTERED",
            }),
        };
        assert_eq!(self.notifier.ingest(&event, None).await.unwrap(), 1);
    }
}

fn person(subject: &str) -> Caller {
    Caller::new(
        subject,
        format!("Official {subject}"),
        "11000",
        [Role::LocalOfficial],
    )
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

async fn approval_erases_the_person_and_announces_it(env: Env) {
    let (kim, lee) = (person("official-kim"), person("official-lee"));
    env.notifier
        .seed_contact("official-kim", "kim@example.org", Language::Ko)
        .await
        .unwrap();
    env.registered("000001", "official-kim").await;
    env.registered("000002", "official-lee").await;

    let asked = env
        .notifier
        .ask_erasure(Some(&kim), "  I moved abroad. ")
        .await
        .unwrap();
    assert_eq!(
        (asked.state, asked.reason.as_str()),
        (ErasureState::Pending, "I moved abroad.")
    );
    let again = env.notifier.ask_erasure(Some(&kim), "").await.unwrap_err();
    assert_eq!(again.reason(), Some("ERASURE_ALREADY_PENDING"));
    env.notifier.ask_erasure(Some(&lee), "").await.unwrap();
    let page = PageRequest::default();
    let all = env
        .notifier
        .erasure_requests(Some(&admin()), None, &page)
        .await
        .unwrap();
    assert_eq!(all.total_count, 2);
    let own = env
        .notifier
        .erasure_requests(Some(&kim), None, &page)
        .await
        .unwrap();
    assert_eq!(own.total_count, 1);
    assert_eq!(own.items[0].subject, "official-kim");

    let id = asked.id.to_string();
    let refused = env
        .notifier
        .decide_erasure(Some(&kim), &id, true, "")
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    let outbox = env.count("SELECT COUNT(*) AS n FROM outbox").await;
    let decided = env
        .notifier
        .decide_erasure(Some(&admin()), &id, true, "")
        .await
        .unwrap();
    assert_eq!(decided.state, ErasureState::Approved);
    assert_eq!(decided.decided_by.as_deref(), Some("Admin"));
    for (sql, want) in [
        (
            "SELECT COUNT(*) AS n FROM contact WHERE subject = 'official-kim'",
            0,
        ),
        (
            "SELECT COUNT(*) AS n FROM notice WHERE recipient = 'official-kim'",
            0,
        ),
        (
            "SELECT COUNT(*) AS n FROM notice WHERE recipient = 'official-lee'",
            1,
        ),
        (
            "SELECT COUNT(*) AS n FROM outbox WHERE event_type = 'PersonErased'",
            1,
        ),
    ] {
        assert_eq!(env.count(sql).await, want, "{sql}");
    }
    assert_eq!(
        env.count("SELECT COUNT(*) AS n FROM outbox").await,
        outbox + 1
    );
    let twice = env
        .notifier
        .decide_erasure(Some(&admin()), &id, false, "no")
        .await
        .unwrap_err();
    assert_eq!(
        (twice.code(), twice.reason()),
        (ErrorCode::Conflict, Some("ERASURE_ALREADY_DECIDED"))
    );
    // An event published before the approval but handled after it makes nothing for her;
    // one published afterwards (she came back) does.
    let event = |id: &str| ChangeEvent {
        occurred_at: None,
        id: format!("evt-late-{id}"),
        service: "requests".into(),
        event_type: "ServiceRequestStateChanged".into(),
        aggregate_id: id.into(),
        payload: json!({
            "action": "register", "requester": "official-kim",
            "number": format!("OB-2026-{id}"), "title": "Interpretation", "state": "REGISTERED",
        }),
    };
    let decided_ms = decided.decided_at.unwrap().timestamp_millis();
    let before = format!("{}-0", decided_ms - 1_000);
    let in_flight = StreamEntry {
        stream: "test:events:requests",
        id: &before,
    };
    assert_eq!(
        env.notifier
            .ingest(&event("000003"), Some(in_flight))
            .await
            .unwrap(),
        0
    );
    let after = format!("{}-0", decided_ms + 1_000);
    let later = StreamEntry {
        stream: "test:events:requests",
        id: &after,
    };
    assert_eq!(
        env.notifier
            .ingest(&event("000004"), Some(later))
            .await
            .unwrap(),
        1
    );
    // A change she made before the approval, still in its service's outbox then and
    // published after: its own time decides, so it makes nothing for her.
    let relayed_late = StreamEntry {
        stream: "test:events:requests",
        id: &after,
    };
    let mut committed_before = event("000005");
    committed_before.occurred_at = Some(decided.decided_at.unwrap() - chrono::Duration::seconds(1));
    assert_eq!(
        env.notifier
            .ingest(&committed_before, Some(relayed_late))
            .await
            .unwrap(),
        0
    );
    let unknown = env
        .notifier
        .decide_erasure(Some(&admin()), "not-an-id", true, "")
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [approval_erases_the_person_and_announces_it]
);
