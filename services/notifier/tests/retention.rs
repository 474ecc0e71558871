//! The notifier's retention of personal data (ADR 0038) on real databases, PostgreSQL and
//! SQLite: notices older than the period go with their deliveries (the e-mail addresses they
//! went to) once their e-mail is settled; newer ones and one still being delivered stay.

use chrono::{Duration, Utc};
use glocal_notifier::domain::Language;
use glocal_notifier::domain::select::ChangeEvent;
use glocal_notifier::{Config, Notifier};
use sea_orm::{ConnectionTrait, DatabaseConnection};
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

    async fn count(&self, table: &str) -> i64 {
        glocal_kit::testing::count_rows(&self.db, table).await
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
                "action": "register",
                "requester": requester,
                "number": format!("OB-2026-{id}"),
                "title": "Interpretation",
                "state": "REGISTERED",
            }),
        };
        assert_eq!(self.notifier.ingest(&event, None).await.unwrap(), 1);
    }
}

async fn old_notices_go_with_their_delivery_addresses(env: Env) {
    // Kim has an e-mail address (a notice and a delivery); Lee reads the inbox only.
    env.notifier
        .seed_contact("official-kim", "kim@example.org", Language::Ko)
        .await
        .unwrap();
    env.registered("000001", "official-kim").await;
    env.registered("000002", "official-lee").await;
    assert_eq!(
        (env.count("notice").await, env.count("delivery").await),
        (2, 1)
    );

    // Within the period nothing goes.
    let now = Utc::now();
    assert_eq!(
        env.notifier
            .expire_notices(365, now + Duration::days(300))
            .await
            .unwrap(),
        0
    );
    // Past it, Lee's notice goes; Kim's waits while its e-mail is still being delivered.
    let later = now + Duration::days(400);
    assert_eq!(env.notifier.expire_notices(365, later).await.unwrap(), 1);
    assert_eq!(
        (env.count("notice").await, env.count("delivery").await),
        (1, 1)
    );
    // Once sent, it goes with its delivery, the address with it.
    env.db
        .execute_unprepared("UPDATE notice SET email_status = 'SENT'")
        .await
        .unwrap();
    env.db
        .execute_unprepared("UPDATE delivery SET state = 'SENT'")
        .await
        .unwrap();
    assert_eq!(env.notifier.expire_notices(365, later).await.unwrap(), 1);
    assert_eq!(
        (env.count("notice").await, env.count("delivery").await),
        (0, 0)
    );
    // A second run finds nothing; a new notice is kept by a run today.
    assert_eq!(env.notifier.expire_notices(365, later).await.unwrap(), 0);
    env.registered("000003", "official-lee").await;
    assert_eq!(
        env.notifier.expire_notices(365, Utc::now()).await.unwrap(),
        0
    );
    assert_eq!(env.count("notice").await, 1);
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [old_notices_go_with_their_delivery_addresses]
);
