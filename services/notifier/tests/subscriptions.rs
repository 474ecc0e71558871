//! Research subscriptions in the notifier (ADR 0045) on real databases, PostgreSQL and
//! SQLite: a publication tells each matching IMMEDIATE subscriber once (inbox and e-mail),
//! and nobody else; the weekly digest lists the week's matching practices (a withdrawn one
//! left out) once however often it runs, and nothing is made for an empty week; a person
//! reads and changes only their own subscriptions, partners may not subscribe, the limit
//! holds (under concurrent subscribes too); erasure deletes a person's subscriptions.

use chrono::{Duration, Utc};
use glocal_kit::error::{ErrorCode, ServiceError};
use glocal_kit::{Caller, Role};
use glocal_notifier::domain::Language;
use glocal_notifier::domain::select::ChangeEvent;
use glocal_notifier::domain::subscriptions::{Frequency, MAX_SUBSCRIPTIONS, SubscriptionDraft};
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

    async fn notices_of(&self, who: &str, kind: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) AS n FROM notice WHERE recipient = '{who}' AND kind = '{kind}'"
        ))
        .await
    }

    /// Research publishes practice `id` in `area` with text in `languages`.
    async fn publish(&self, id: &str, area: &str, languages: &[&str]) -> usize {
        let event = ChangeEvent {
            occurred_at: None,
            id: format!("evt-{id}"),
            service: "research".into(),
            event_type: "PracticePublished".into(),
            aggregate_id: id.into(),
            payload: json!({
                "id": id, "state": "PUBLISHED", "areaCode": area, "languages": languages,
                "title": { "ko": format!("우수사례 {id}"), "en": format!("Practice {id}") },
                "areaLabel": { "ko": "교통", "en": "Transportation", "zh": "交通", "ja": "交通" },
                "actor": { "subject": "staff-research-han" },
            }),
        };
        self.notifier.ingest(&event, None).await.unwrap()
    }

    async fn subscribe(&self, who: &Caller, areas: &[&str], languages: &[&str], f: &str) -> String {
        let draft = SubscriptionDraft::parse(
            &areas.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
            &languages
                .iter()
                .map(|l| (*l).to_owned())
                .collect::<Vec<_>>(),
            f,
        )
        .unwrap();
        let made = self
            .notifier
            .subscribe_to_research(Some(who), &draft)
            .await
            .unwrap();
        made.id.to_string()
    }
}

fn official(subject: &str) -> Caller {
    Caller::new(subject, subject, "11000", [Role::LocalOfficial])
}

async fn publications_notify_matching_immediate_subscribers_once(env: Env) {
    let (kim, lee) = (official("official-kim"), official("official-lee"));
    env.notifier
        .seed_contact("official-kim", "kim@example.org", Language::Ko)
        .await
        .unwrap();
    env.subscribe(&kim, &["transportation"], &["ko"], "IMMEDIATE")
        .await;
    env.subscribe(&kim, &[], &[], "IMMEDIATE").await;
    env.subscribe(&lee, &["welfare"], &["ja"], "IMMEDIATE")
        .await;

    assert_eq!(env.publish("p1", "transportation", &["ko", "en"]).await, 1);
    assert_eq!(
        env.notices_of("official-kim", "RESEARCH_PRACTICE_PUBLISHED")
            .await,
        1
    );
    assert_eq!(
        env.notices_of("official-lee", "RESEARCH_PRACTICE_PUBLISHED")
            .await,
        0
    );
    let (subject, link): (String, String) = {
        let backend = env.db.get_database_backend();
        let row = env
            .db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT subject, link FROM notice WHERE recipient = 'official-kim'".to_owned(),
            ))
            .await
            .unwrap()
            .unwrap();
        (
            row.try_get("", "subject").unwrap(),
            row.try_get("", "link").unwrap(),
        )
    };
    assert_eq!(subject, "[Glocal] 새 우수사례(교통): 우수사례 p1");
    assert_eq!(link, "http://portal.test/practices/p1");
    assert_eq!(
        env.count(
            "SELECT COUNT(*) AS n FROM delivery WHERE idempotency_key = 'evt-p1:official-kim:email'"
        )
        .await,
        1
    );
    // Read again (the relay publishes at least once): nothing new.
    assert_eq!(env.publish("p1", "transportation", &["ko", "en"]).await, 0);
    // Another area and language: only Lee.
    assert_eq!(
        env.publish("p2", "welfare", &["ja"]).await,
        2,
        "kim follows every area too"
    );
    assert_eq!(
        env.notices_of("official-lee", "RESEARCH_PRACTICE_PUBLISHED")
            .await,
        1
    );
    assert_eq!(env.publish("p3", "welfare", &["en"]).await, 1);
    assert_eq!(
        env.notices_of("official-lee", "RESEARCH_PRACTICE_PUBLISHED")
            .await,
        1
    );
}

async fn the_weekly_digest_lists_the_weeks_matches_once(env: Env) {
    let (park, choi) = (official("official-park"), official("official-choi"));
    env.subscribe(&park, &["transportation"], &[], "WEEKLY")
        .await;
    env.subscribe(&choi, &["culture"], &[], "WEEKLY").await;
    // Nothing published: no digest.
    let next_week = Utc::now() + Duration::days(7);
    assert_eq!(
        env.notifier.send_research_digests(next_week).await.unwrap(),
        0
    );
    assert_eq!(
        env.publish("w1", "transportation", &["ko"]).await,
        0,
        "weekly: nothing now"
    );
    env.publish("w2", "transportation", &["en"]).await;
    env.publish("w3", "welfare", &["en"]).await;
    env.publish("gone", "transportation", &["en"]).await;
    let withdrawn = ChangeEvent {
        occurred_at: None,
        id: "evt-gone-withdrawn".into(),
        service: "research".into(),
        event_type: "PracticeWithdrawn".into(),
        aggregate_id: "gone".into(),
        payload: json!({ "id": "gone", "state": "WITHDRAWN" }),
    };
    env.notifier.ingest(&withdrawn, None).await.unwrap();

    assert_eq!(
        env.notifier.send_research_digests(next_week).await.unwrap(),
        1
    );
    assert_eq!(
        env.notifier.send_research_digests(next_week).await.unwrap(),
        0,
        "once"
    );
    assert_eq!(env.notices_of("official-park", "RESEARCH_DIGEST").await, 1);
    assert_eq!(
        env.notices_of("official-choi", "RESEARCH_DIGEST").await,
        0,
        "empty for her"
    );
    let backend = env.db.get_database_backend();
    let body: String = env
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT body FROM notice WHERE kind = 'RESEARCH_DIGEST'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "body")
        .unwrap();
    for listed in [
        "우수사례 w1",
        "우수사례 w2",
        "http://portal.test/practices/w2",
    ] {
        assert!(body.contains(listed), "{listed} in {body}");
    }
    for left_out in ["w3", "gone"] {
        assert!(!body.contains(left_out), "{left_out} in {body}");
    }
    // The week after: nothing published, nothing made.
    let later = Utc::now() + Duration::days(14);
    assert_eq!(env.notifier.send_research_digests(later).await.unwrap(), 0);
}

async fn a_person_reads_and_changes_only_their_own(env: Env) {
    let (kim, lee) = (official("official-kim"), official("official-lee"));
    let id = env
        .subscribe(&kim, &["transportation"], &["ko"], "IMMEDIATE")
        .await;
    let weekly = SubscriptionDraft::parse(&["welfare".into()], &[], "WEEKLY").unwrap();
    let not_found = env
        .notifier
        .update_research_subscription(Some(&lee), &id, &weekly)
        .await
        .unwrap_err();
    assert_eq!(not_found.code(), ErrorCode::NotFound);
    let not_found = env
        .notifier
        .unsubscribe_from_research(Some(&lee), &id)
        .await
        .unwrap_err();
    assert_eq!(not_found.code(), ErrorCode::NotFound);
    assert!(
        env.notifier
            .research_subscriptions(Some(&lee))
            .await
            .unwrap()
            .is_empty()
    );
    let changed = env
        .notifier
        .update_research_subscription(Some(&kim), &id, &weekly)
        .await
        .unwrap();
    assert_eq!(
        (
            changed.frequency,
            changed.areas.clone(),
            changed.languages.len()
        ),
        (Frequency::Weekly, vec!["welfare".to_owned()], 0)
    );
    let mine = env
        .notifier
        .research_subscriptions(Some(&kim))
        .await
        .unwrap();
    assert_eq!(mine, vec![changed]);
    env.notifier
        .unsubscribe_from_research(Some(&kim), &id)
        .await
        .unwrap();
    assert!(
        env.notifier
            .research_subscriptions(Some(&kim))
            .await
            .unwrap()
            .is_empty()
    );

    let partner = Caller::new("org-1", "Osaka", "o1", [Role::Partner]);
    let refused = env
        .notifier
        .subscribe_to_research(Some(&partner), &weekly)
        .await
        .unwrap_err();
    assert_eq!(
        (refused.code(), refused.reason()),
        (
            ErrorCode::Forbidden,
            Some("RESEARCH_SUBSCRIPTIONS_AUDIENCE")
        )
    );
    for _ in 0..MAX_SUBSCRIPTIONS {
        env.subscribe(&lee, &[], &[], "WEEKLY").await;
    }
    let limit = env
        .notifier
        .subscribe_to_research(Some(&lee), &weekly)
        .await
        .unwrap_err();
    assert_eq!(limit.reason(), Some("RESEARCH_SUBSCRIPTION_LIMIT"));
}

/// Concurrent subscribes of one person never pass the limit (the person's lock serialises
/// them on PostgreSQL; SQLite has one writer).
async fn the_limit_holds_under_concurrent_subscribes(env: Env) {
    let kim = official("official-kim");
    let draft = SubscriptionDraft::parse(&[], &[], "WEEKLY").unwrap();
    let mut tries = tokio::task::JoinSet::new();
    for _ in 0..MAX_SUBSCRIPTIONS + 4 {
        let (notifier, kim, draft) = (env.notifier.clone(), kim.clone(), draft.clone());
        tries.spawn(async move { notifier.subscribe_to_research(Some(&kim), &draft).await });
    }
    let (mut made, mut refused) = (0, 0);
    while let Some(outcome) = tries.join_next().await {
        match outcome.unwrap() {
            Ok(_) => made += 1,
            Err(e) => {
                assert_eq!(e.reason(), Some("RESEARCH_SUBSCRIPTION_LIMIT"), "{e}");
                refused += 1;
            }
        }
    }
    assert_eq!((made, refused), (MAX_SUBSCRIPTIONS, 4));
    assert_eq!(
        env.count(
            "SELECT COUNT(*) AS n FROM research_subscription WHERE subscriber = 'official-kim'"
        )
        .await,
        i64::try_from(MAX_SUBSCRIPTIONS).unwrap()
    );
}

async fn erasure_deletes_the_persons_subscriptions(env: Env) {
    let (kim, lee) = (official("official-kim"), official("official-lee"));
    env.subscribe(&kim, &["transportation"], &["ko"], "IMMEDIATE")
        .await;
    env.subscribe(&lee, &["transportation"], &["ko"], "IMMEDIATE")
        .await;
    let asked = env.notifier.ask_erasure(Some(&kim), "").await.unwrap();
    let admin = Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin]);
    env.notifier
        .decide_erasure(Some(&admin), &asked.id.to_string(), true, "")
        .await
        .unwrap();
    assert_eq!(
        env.count(
            "SELECT COUNT(*) AS n FROM research_subscription WHERE subscriber = 'official-kim'"
        )
        .await,
        0
    );
    assert_eq!(
        env.count(
            "SELECT COUNT(*) AS n FROM research_subscription WHERE subscriber = 'official-lee'"
        )
        .await,
        1
    );
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [
        publications_notify_matching_immediate_subscribers_once,
        the_weekly_digest_lists_the_weeks_matches_once,
        a_person_reads_and_changes_only_their_own,
        the_limit_holds_under_concurrent_subscribes,
        erasure_deletes_the_persons_subscriptions
    ]
);
