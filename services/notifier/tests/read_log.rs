//! The log of staff reads of personal data (ADR 0039) on real databases, PostgreSQL and
//! SQLite: a batch is recorded once however often it is sent, with the signed caller as the
//! reader; only staff are recorded and only admins list; the list filters by reader, record
//! and time and pages newest first; retention deletes what is older than its period.

use chrono::{DateTime, Duration, Utc};
use glocal_kit::paging::PageRequest;
use glocal_kit::{Caller, Role};
use glocal_notifier::domain::reads::{EntityType, PersonalDataRead, ReadBatch, ReadFilter};
use glocal_notifier::{Config, Notifier};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

struct Env {
    db: DatabaseConnection,
    notifier: Notifier,
    admin: Caller,
    kim: Caller,
    lee: Caller,
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
        Env {
            db,
            notifier,
            admin: Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin]),
            kim: Caller::new("staff-kim", "Kim Staff", "GAOK", [Role::BureauStaff]),
            lee: Caller::new("staff-lee", "Lee Staff", "GAOK", [Role::BureauStaff]),
        }
    }

    async fn count(&self) -> i64 {
        glocal_kit::testing::count_rows(&self.db, "personal_data_reads").await
    }

    /// Lists with `filter`, `first` per page after `after`; (entity ids, total, end cursor).
    async fn list(
        &self,
        filter: ReadFilter,
        first: u32,
        after: Option<String>,
    ) -> (Vec<String>, u64, Option<String>) {
        let page = self
            .notifier
            .personal_data_reads(Some(&self.admin), &filter, &PageRequest { first, after })
            .await
            .unwrap();
        let end = page
            .has_next_page
            .then(|| page.cursors.last().cloned())
            .flatten();
        (
            page.items.into_iter().map(|r| r.entity_id).collect(),
            page.total_count,
            end,
        )
    }
}

fn read(entity_type: EntityType, id: &str, fields: &[&str]) -> PersonalDataRead {
    let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    PersonalDataRead::parse("reads[0]", entity_type.as_str(), id, &fields).unwrap()
}

fn batch(at: DateTime<Utc>, reads: Vec<PersonalDataRead>) -> ReadBatch {
    ReadBatch::parse(&Uuid::now_v7().to_string(), "Application", at, reads).unwrap()
}

async fn reads_are_recorded_once_and_listed_by_admins(env: Env) {
    let now = Utc::now();
    let first = batch(
        now - Duration::minutes(5),
        vec![
            read(
                EntityType::TrainingApplication,
                "app-1",
                &["profile.fullName", "profile.grade"],
            ),
            read(EntityType::PartnerContact, "contact-1", &["email"]),
        ],
    );
    assert_eq!(
        env.notifier
            .record_reads(Some(&env.kim), &first)
            .await
            .unwrap(),
        2
    );
    // The gateway retried: nothing more.
    assert_eq!(
        env.notifier
            .record_reads(Some(&env.kim), &first)
            .await
            .unwrap(),
        0
    );
    assert_eq!(env.count().await, 2);
    let second = batch(
        now,
        vec![read(EntityType::TrainingApplication, "app-1", &["answers"])],
    );
    env.notifier
        .record_reads(Some(&env.lee), &second)
        .await
        .unwrap();

    // Only staff are recorded; only admins list.
    let official = Caller::new("official-seoul", "Official", "11000", [Role::LocalOfficial]);
    let refused = env.notifier.record_reads(Some(&official), &second).await;
    assert!(refused.is_err());
    let refused = env
        .notifier
        .personal_data_reads(
            Some(&env.kim),
            &ReadFilter::default(),
            &PageRequest::default(),
        )
        .await;
    assert!(refused.is_err());

    // Newest first, with the signed reader and the fields.
    let page = env
        .notifier
        .personal_data_reads(
            Some(&env.admin),
            &ReadFilter::default(),
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.total_count, 3);
    let newest = &page.items[0];
    assert_eq!(
        (newest.actor_subject.as_str(), newest.actor_name.as_str()),
        ("staff-lee", "Lee Staff")
    );
    assert_eq!(newest.fields, ["answers"]);
    assert_eq!(newest.operation, "Application");
    let kims: Vec<_> = page.items[1..].iter().map(|r| r.fields.clone()).collect();
    assert!(kims.contains(&vec![
        "profile.fullName".to_owned(),
        "profile.grade".to_owned()
    ]));

    // Filters: by reader, by record, by time.
    let by_kim = ReadFilter::parse("staff-kim", "", "", None, None).unwrap();
    assert_eq!(env.list(by_kim, 10, None).await.1, 2);
    let of_app = ReadFilter::parse("", "TRAINING_APPLICATION", "app-1", None, None).unwrap();
    let (ids, total, _) = env.list(of_app, 10, None).await;
    assert_eq!(
        (ids, total),
        (vec!["app-1".to_owned(), "app-1".to_owned()], 2)
    );
    let contacts = ReadFilter::parse("", "PARTNER_CONTACT", "", None, None).unwrap();
    assert_eq!(env.list(contacts, 10, None).await.1, 1);
    let recent = ReadFilter::parse("", "", "", Some(now - Duration::minutes(1)), None).unwrap();
    assert_eq!(env.list(recent, 10, None).await.1, 1);
    let earlier = ReadFilter::parse("", "", "", None, Some(now - Duration::minutes(1))).unwrap();
    assert_eq!(env.list(earlier, 10, None).await.1, 2);

    // Pages of one, newest first, then the rest after the cursor.
    let (one, total, end) = env.list(ReadFilter::default(), 1, None).await;
    assert_eq!((one, total), (vec!["app-1".to_owned()], 3));
    let (rest, _, last) = env.list(ReadFilter::default(), 10, end).await;
    assert_eq!(rest.len(), 2);
    assert_eq!(last, None);
}

async fn retention_deletes_reads_older_than_the_period(env: Env) {
    let now = Utc::now();
    for days_ago in [800, 731, 10] {
        let b = batch(
            now - Duration::days(days_ago),
            vec![read(
                EntityType::EventRegistration,
                &format!("reg-{days_ago}"),
                &["attendeeName"],
            )],
        );
        env.notifier.record_reads(Some(&env.kim), &b).await.unwrap();
    }
    assert_eq!(env.count().await, 3);
    assert_eq!(env.notifier.expire_reads(730, now).await.unwrap(), 2);
    let (ids, _, _) = env.list(ReadFilter::default(), 10, None).await;
    assert_eq!(ids, ["reg-10"]);
    // A second run finds nothing; a shorter period takes the rest.
    assert_eq!(env.notifier.expire_reads(730, now).await.unwrap(), 0);
    assert_eq!(env.notifier.expire_reads(5, now).await.unwrap(), 1);
    assert_eq!(env.count().await, 0);
}

glocal_kit::on_both_backends!(
    postgres(flavor = "multi_thread", worker_threads = 2),
    sqlite();
    env: [
        reads_are_recorded_once_and_listed_by_admins,
        retention_deletes_reads_older_than_the_period,
    ]
);
