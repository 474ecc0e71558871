//! Personal data past its retention period (ADR 0038): the rules every service's retention
//! job shares. A person's name and subject are replaced by one pseudonym per record, the same
//! wherever that record names them, so the record still reads as a whole ("the requester
//! replied twice") while nobody can tell who it was; what aggregates count (states, dates,
//! local governments, kinds) is kept.

use chrono::{DateTime, Duration, Utc};

/// The prefix of every pseudonym: `anon-` and 12 hexadecimal digits.
pub const PSEUDONYM_PREFIX: &str = "anon-";

/// A fresh pseudonym, unrelated to the person it replaces (random, not derived from them).
pub fn pseudonym() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{PSEUDONYM_PREFIX}{}", &id[..12])
}

/// Whether `name` is a pseudonym this module made.
pub fn is_pseudonym(name: &str) -> bool {
    name.strip_prefix(PSEUDONYM_PREFIX)
        .is_some_and(|rest| rest.len() == 12 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The instant before which a record finished `days` days ago has expired, at `now`; never
/// less than `at_least` (a period a rule still needs the data for, e.g. the reopen window).
pub fn retention_cutoff(now: DateTime<Utc>, days: u32, at_least: Duration) -> DateTime<Utc> {
    now - Duration::days(i64::from(days)).max(at_least)
}

/// The first half of a person's lock key (`pg_advisory_xact_lock(int, int)`): "PERS".
const PERSON_LOCK_CLASS: i32 = 0x5045_5253;

/// Holds the lock of each person in `subjects` until `tx` ends, taken in one order (sorted)
/// so two holders never wait on each other. An erasure takes its person's lock before it
/// deletes, and whatever writes data about a person takes it before checking that the person
/// was not erased: whichever commits second sees the other's work, so nothing written for an
/// erased person survives the erasure. On PostgreSQL a transaction-scoped advisory lock; on
/// SQLite nothing (one writer at a time already).
pub async fn lock_people<C: sea_orm::ConnectionTrait>(
    tx: &C,
    subjects: &[&str],
) -> Result<(), sea_orm::DbErr> {
    if tx.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    let mut keys: Vec<i32> = subjects
        .iter()
        .map(|s| crate::schema::lock_key(s))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        tx.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, $2)",
            [PERSON_LOCK_CLASS.into(), key.into()],
        ))
        .await?;
    }
    Ok(())
}

/// The change event the notifier writes when an administrator approved a person's erasure
/// (ADR 0040); every service that holds personal data follows it and erases the person.
/// Its aggregate is the `ErasureRequest`; it touches `Person` (the subject), and its
/// payload names the subject (`{"subject": "…"}`).
pub const PERSON_ERASED: &str = "PersonErased";

/// The service whose stream carries [`PERSON_ERASED`].
pub const ERASURE_SOURCE: &str = "notifier";

/// The subject a [`PERSON_ERASED`] event erases (`None` for any other event or a malformed
/// one).
pub fn erased_subject(event: &crate::outbox::OutboxEvent) -> Option<String> {
    if event.event_type != PERSON_ERASED {
        return None;
    }
    let subject = event.payload_json()["subject"].as_str()?.trim().to_owned();
    (!subject.is_empty()).then_some(subject)
}

/// Follows the notifier's [`PERSON_ERASED`] events for `follower` (a service's name) and
/// calls `erase` with each erased subject (ADR 0040), keeping the position in `db` (the
/// service's database), until
/// `shutdown`. `erase` must be idempotent: an event is handled again after a crash.
pub fn follow_erasures<F, Fut, E>(
    follower: &'static str,
    db: crate::store::Db,
    settings: &crate::config::Settings,
    shutdown: crate::Shutdown,
    erase: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<u64, E>> + Send,
    E: std::fmt::Display + Send,
{
    let erase = std::sync::Arc::new(erase);
    crate::outbox::follow::spawn(
        db.connection().clone(),
        settings,
        crate::outbox::follow::Follow {
            follower,
            source: ERASURE_SOURCE,
            kinds: &[PERSON_ERASED],
        },
        shutdown,
        move |event| {
            let erase = erase.clone();
            async move {
                match erased_subject(&event) {
                    Some(subject) => {
                        let erased = erase(subject).await?;
                        tracing::info!(follower, erased, "person erased");
                        Ok::<(), E>(())
                    }
                    None => Ok(()),
                }
            }
        },
    )
}

/// Erases a person batch by batch (ADR 0040): takes the `next` batch of their records still
/// naming them and hands it to `erase`, until a batch is empty or changes nothing (records
/// changed meanwhile by someone else are skipped, never fetched forever); answers how many
/// records changed.
pub async fn in_batches<T, E, N, NF, H, HF>(mut next: N, mut erase: H) -> Result<u64, E>
where
    N: FnMut() -> NF,
    NF: std::future::Future<Output = Result<Vec<T>, E>>,
    H: FnMut(Vec<T>) -> HF,
    HF: std::future::Future<Output = Result<u64, E>>,
{
    let mut erased = 0;
    loop {
        let batch = next().await?;
        if batch.is_empty() {
            break;
        }
        let changed = erase(batch).await?;
        erased += changed;
        if changed == 0 {
            break;
        }
    }
    Ok(erased)
}

/// How many records one retention query fetches at most (each is then changed in its own
/// transaction).
pub const RETENTION_BATCH: u64 = 100;

/// The column a service's retention job marks a record with once it expired its personal
/// data (NULL: not yet), and claims the record by.
pub const EXPIRED_AT_COLUMN: &str = "personal_data_expired_at";

/// The migration that adds [`EXPIRED_AT_COLUMN`] to a service's `table`.
pub struct ExpiryColumnMigration {
    /// The table of the records that expire.
    pub table: &'static str,
}

impl sea_orm_migration::MigrationName for ExpiryColumnMigration {
    fn name(&self) -> &str {
        "m20261204_000001_personal_data_expiry"
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for ExpiryColumnMigration {
    async fn up(&self, m: &sea_orm_migration::SchemaManager) -> Result<(), sea_orm::DbErr> {
        m.alter_table(
            sea_orm::sea_query::Table::alter()
                .table(crate::migration::a(self.table))
                .add_column(crate::migration::ts_null(EXPIRED_AT_COLUMN))
                .to_owned(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_fresh_and_recognisable() {
        let a = pseudonym();
        let b = pseudonym();
        assert_ne!(a, b);
        assert!(is_pseudonym(&a), "{a}");
        assert!(!is_pseudonym("김민수"));
        assert!(!is_pseudonym("anon-xyz"));
    }

    #[test]
    fn the_cutoff_never_undercuts_a_period_still_needed() {
        let now = DateTime::parse_from_rfc3339("2026-12-03T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            retention_cutoff(now, 365, Duration::days(7)),
            now - Duration::days(365)
        );
        assert_eq!(
            retention_cutoff(now, 0, Duration::days(7)),
            now - Duration::days(7)
        );
    }
}
