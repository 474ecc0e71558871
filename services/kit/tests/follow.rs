//! Following another service's change events (ADR 0040) against the real Redis server, with
//! the position on PostgreSQL and on SQLite: only the kinds followed reach the handler, in
//! order; a handler that fails is retried and nothing after it is handled meanwhile; a
//! restarted follower resumes after the last entry it handled (nothing twice); a stream
//! trimmed past the position is counted as a gap.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use glocal_kit::config::{Secret, Settings};
use glocal_kit::outbox::follow::{self, Follow, PositionsMigration};
use glocal_kit::outbox::{EntityRef, OutboxEvent, stream_key};
use glocal_kit::privacy::{PERSON_ERASED, erased_subject};
use glocal_kit::shutdown;
use redis::AsyncCommands;
use sea_orm::DatabaseConnection;
use sea_orm_migration::prelude::*;

struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(PositionsMigration)]
    }
}

struct Env {
    db: DatabaseConnection,
    settings: Settings,
    redis: redis::aio::MultiplexedConnection,
    key: String,
}

impl Env {
    async fn new(db: DatabaseConnection) -> Env {
        glocal_kit::telemetry::init_for_test();
        Migrator::up(&db, None).await.unwrap();
        let mut settings = Settings::default();
        settings.redis.url = Secret::new(glocal_kit::testing::redis_url());
        settings.redis.key_prefix = glocal_kit::testing::redis_prefix();
        settings.outbox.consumer_block_ms = 100;
        settings.outbox.retry_max_backoff_ms = 200;
        let client = redis::Client::open(glocal_kit::testing::redis_url()).unwrap();
        let redis = client.get_multiplexed_async_connection().await.unwrap();
        let key = stream_key(&settings.redis.key_prefix, "notifier");
        Env {
            db,
            settings,
            redis,
            key,
        }
    }

    /// Publishes an event of `kind` about `subject` on the notifier's stream, as its outbox
    /// relay would; answers the entry id.
    async fn publish(&mut self, kind: &str, subject: &str) -> String {
        let event = OutboxEvent {
            occurred_at: None,
            service: "notifier".into(),
            id: uuid::Uuid::new_v4().to_string(),
            aggregate_type: "ErasureRequest".into(),
            aggregate_id: uuid::Uuid::new_v4().to_string(),
            event_type: kind.into(),
            touched: vec![EntityRef::new("Person", subject)],
            payload: serde_json::json!({ "subject": subject }).to_string(),
        };
        self.redis
            .xadd(&self.key, "*", &event.fields())
            .await
            .unwrap()
    }

    /// Starts a follower of `PersonErased` whose handler records each subject it is given
    /// and fails the first time it sees `fail_once`.
    fn start(
        &self,
        fail_once: Option<&str>,
    ) -> (
        shutdown::ShutdownTrigger,
        Arc<Mutex<Vec<String>>>,
        tokio::task::JoinHandle<()>,
    ) {
        let (trigger, stop) = shutdown::channel();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let failed = Arc::new(Mutex::new(false));
        let fail_once = fail_once.map(str::to_owned);
        let record = seen.clone();
        let task = follow::spawn(
            self.db.clone(),
            &self.settings,
            Follow {
                follower: "follow-test",
                source: "notifier",
                kinds: &[PERSON_ERASED],
            },
            stop,
            move |event| {
                let record = record.clone();
                let failed = failed.clone();
                let fail_once = fail_once.clone();
                async move {
                    let subject = erased_subject(&event).unwrap_or_default();
                    let mut failed = failed.lock().unwrap();
                    if fail_once.as_deref() == Some(subject.as_str()) && !*failed {
                        *failed = true;
                        return Err("database down");
                    }
                    record.lock().unwrap().push(subject);
                    Ok(())
                }
            },
        );
        (trigger, seen, task)
    }
}

async fn wait_for(seen: &Arc<Mutex<Vec<String>>>, want: &[&str]) {
    for _ in 0..100 {
        if seen.lock().unwrap().len() >= want.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(*seen.lock().unwrap(), want);
}

async fn follows_retries_and_resumes(mut env: Env) {
    env.publish(PERSON_ERASED, "kim").await;
    env.publish("ErasureRequested", "park").await;
    let lee = env.publish(PERSON_ERASED, "lee").await;
    let (trigger, seen, task) = env.start(Some("lee"));
    // Lee's handler fails once, is retried, and nothing is handled twice.
    wait_for(&seen, &["kim", "lee"]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(*seen.lock().unwrap(), ["kim", "lee"]);
    assert_eq!(
        follow::position(&env.db, &env.key)
            .await
            .unwrap()
            .as_deref(),
        Some(lee.as_str())
    );
    trigger.trigger();
    task.await.unwrap();

    // Published while it was stopped: the restarted follower takes only that.
    env.publish(PERSON_ERASED, "choi").await;
    let (trigger, seen, task) = env.start(None);
    wait_for(&seen, &["choi"]).await;
    trigger.trigger();
    task.await.unwrap();
}

async fn a_stream_trimmed_past_the_position_is_a_gap(mut env: Env) {
    env.publish(PERSON_ERASED, "kim").await;
    let (trigger, seen, task) = env.start(None);
    wait_for(&seen, &["kim"]).await;
    trigger.trigger();
    task.await.unwrap();
    let before = gaps();
    // Two entries published, then everything but the newest trimmed away: one was lost.
    env.publish(PERSON_ERASED, "lost").await;
    env.publish(PERSON_ERASED, "kept").await;
    let _: i64 = env
        .redis
        .xtrim(&env.key, redis::streams::StreamMaxlen::Equals(1))
        .await
        .unwrap();
    let (trigger, seen, task) = env.start(None);
    wait_for(&seen, &["kept"]).await;
    assert!(gaps() > before, "the gap is counted");
    trigger.trigger();
    task.await.unwrap();
}

/// `change_stream_gaps_total{consumer="follow-test"}` as the process's metrics say.
fn gaps() -> u64 {
    glocal_kit::metrics::render()
        .lines()
        .find(|l| l.starts_with("change_stream_gaps_total{consumer=\"follow-test\"}"))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or(0)
}

glocal_kit::on_both_backends!(
    follows_retries_and_resumes,
    a_stream_trimmed_past_the_position_is_a_gap
);
