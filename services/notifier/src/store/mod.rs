//! The notifier's storage: sea-orm entities and queries over its own database, taking any
//! connection or transaction and answering in domain types. Inserts that carry an
//! idempotency key use `ON CONFLICT DO NOTHING` and report whether they inserted.

mod entities;
pub(crate) mod erasure;
pub(crate) mod migration;
pub(crate) mod reads;
pub(crate) mod subscriptions;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Value,
};
use uuid::Uuid;

use crate::domain::{
    Contact, ContactSource, DeliveryView, EmailStatus, Language, NoticeKind, NoticeView, Preference,
};
use entities::{contact, delivery, notice, preference};

fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// Runs an insert of `columns`/`values` into `table` that does nothing when `key`
/// already exists; true when a row was inserted.
async fn insert_once(
    db: &impl ConnectionTrait,
    table: &str,
    key: &str,
    columns: &[&str],
    values: Vec<Value>,
) -> Result<bool, DbErr> {
    let insert = Query::insert()
        .into_table(a(table))
        .columns(columns.iter().map(|c| a(c)))
        .values_panic(values.into_iter().map(Into::into))
        .on_conflict(OnConflict::column(a(key)).do_nothing().to_owned())
        .to_owned();
    let statement = db.get_database_backend().build(&insert);
    Ok(db.execute_raw(statement).await?.rows_affected() > 0)
}

// ---- contacts ----

/// The contact of `subject`, if any is known.
pub(crate) async fn contact(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Option<Contact>, DbErr> {
    Ok(contact::Entity::find()
        .filter(contact::Column::Subject.eq(subject))
        .one(db)
        .await?
        .map(|m| Contact {
            email: m.email,
            language: m.language.as_deref().and_then(Language::from_tag),
            source: ContactSource::from_name(&m.source).unwrap_or(ContactSource::Claims),
        }))
}

/// Records `subject`'s contact from `source`, unless a contact from a source it may not
/// replace is stored (a person's own edit). From claims or demo data only the fields given
/// replace stored ones; a person's edit replaces both. True when something was written.
pub(crate) async fn learn_contact(
    db: &impl ConnectionTrait,
    subject: &str,
    new: &Contact,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let stored = contact(db, subject).await?;
    let language = new.language.map(|l| l.as_str().to_owned());
    match stored {
        None => {
            insert_once(
                db,
                "contact",
                "subject",
                &["subject", "email", "language", "source", "updated_at"],
                vec![
                    subject.into(),
                    new.email.clone().into(),
                    language.into(),
                    new.source.as_str().into(),
                    now.into(),
                ],
            )
            .await
        }
        Some(old) if new.source.may_replace(old.source) => {
            let (email, language) = if new.source == ContactSource::Person {
                (new.email.clone(), language)
            } else {
                (
                    new.email.clone().or(old.email.clone()),
                    language.or(old.language.map(|l| l.as_str().to_owned())),
                )
            };
            let unchanged = email == old.email
                && language == old.language.map(|l| l.as_str().to_owned())
                && new.source == old.source;
            if unchanged {
                return Ok(false);
            }
            contact::Entity::update_many()
                .col_expr(contact::Column::Email, Expr::value(email))
                .col_expr(contact::Column::Language, Expr::value(language))
                .col_expr(contact::Column::Source, Expr::value(new.source.as_str()))
                .col_expr(contact::Column::UpdatedAt, Expr::value(now))
                .filter(contact::Column::Subject.eq(subject))
                .exec(db)
                .await?;
            Ok(true)
        }
        Some(_) => Ok(false),
    }
}

// ---- preferences ----

/// `subject`'s preference for every kind (the default where they chose nothing).
pub(crate) async fn preferences(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Vec<Preference>, DbErr> {
    let stored = preference::Entity::find()
        .filter(preference::Column::Subject.eq(subject))
        .all(db)
        .await?;
    Ok(NoticeKind::ALL
        .iter()
        .map(|kind| {
            stored.iter().find(|p| p.kind == kind.as_str()).map_or(
                Preference::default_for(*kind),
                |p| Preference {
                    kind: *kind,
                    email: p.email,
                    inbox: p.inbox,
                },
            )
        })
        .collect())
}

/// Stores `subject`'s choice `p` (replacing an earlier one for its kind).
pub(crate) async fn set_preference(
    db: &impl ConnectionTrait,
    subject: &str,
    p: &Preference,
) -> Result<(), DbErr> {
    let insert = Query::insert()
        .into_table(a("preference"))
        .columns([a("subject"), a("kind"), a("email"), a("inbox")])
        .values_panic([
            subject.into(),
            p.kind.as_str().into(),
            p.email.into(),
            p.inbox.into(),
        ])
        .on_conflict(
            OnConflict::columns([a("subject"), a("kind")])
                .update_columns([a("email"), a("inbox")])
                .to_owned(),
        )
        .to_owned();
    let statement = db.get_database_backend().build(&insert);
    db.execute_raw(statement).await?;
    Ok(())
}

// ---- notices ----

/// A notice to store.
pub(crate) struct NewNotice<'a> {
    pub id: Uuid,
    pub key: &'a str,
    pub event_id: &'a str,
    pub recipient: &'a str,
    pub kind: NoticeKind,
    pub language: Language,
    pub subject: &'a str,
    pub body: &'a str,
    pub link: &'a str,
    pub inbox: bool,
    pub email_status: EmailStatus,
    pub at: DateTime<Utc>,
}

/// Stores `n` unless a notice with its key exists; true when stored.
pub(crate) async fn insert_notice(
    db: &impl ConnectionTrait,
    n: &NewNotice<'_>,
) -> Result<bool, DbErr> {
    insert_once(
        db,
        "notice",
        "idempotency_key",
        &[
            "id",
            "idempotency_key",
            "event_id",
            "recipient",
            "kind",
            "language",
            "subject",
            "body",
            "link",
            "inbox",
            "email_status",
            "created_at",
        ],
        vec![
            n.id.into(),
            n.key.into(),
            n.event_id.into(),
            n.recipient.into(),
            n.kind.as_str().into(),
            n.language.as_str().into(),
            n.subject.into(),
            n.body.into(),
            n.link.into(),
            n.inbox.into(),
            n.email_status.as_str().into(),
            n.at.into(),
        ],
    )
    .await
}

fn view(m: notice::Model) -> NoticeView {
    NoticeView {
        id: m.id,
        kind: m.kind,
        subject: m.subject,
        body: m.body,
        link: m.link,
        language: m.language,
        created_at: m.created_at,
        read_at: m.read_at,
        email_status: EmailStatus::from_name(&m.email_status).unwrap_or(EmailStatus::None),
    }
}

/// One page of `recipient`'s inbox, newest first: (seq, notice) pairs after the notice
/// with `before_seq`, at most `limit`, plus how many match in all.
pub(crate) async fn inbox(
    db: &impl ConnectionTrait,
    recipient: &str,
    before_seq: Option<i64>,
    limit: u64,
    unread_only: bool,
) -> Result<(Vec<(i64, NoticeView)>, u64), DbErr> {
    let mut q = notice::Entity::find()
        .filter(notice::Column::Recipient.eq(recipient))
        .filter(notice::Column::Inbox.eq(true));
    if unread_only {
        q = q.filter(notice::Column::ReadAt.is_null());
    }
    let total = q.clone().count(db).await?;
    if let Some(seq) = before_seq {
        q = q.filter(notice::Column::Seq.lt(seq));
    }
    let rows = q
        .order_by_desc(notice::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(|m| (m.seq, view(m))).collect(), total))
}

/// How many of `recipient`'s inbox notices are unread.
pub(crate) async fn unread_count(db: &impl ConnectionTrait, recipient: &str) -> Result<u64, DbErr> {
    notice::Entity::find()
        .filter(notice::Column::Recipient.eq(recipient))
        .filter(notice::Column::Inbox.eq(true))
        .filter(notice::Column::ReadAt.is_null())
        .count(db)
        .await
}

/// `recipient`'s notice `id` (in the inbox), if it exists.
pub(crate) async fn notice(
    db: &impl ConnectionTrait,
    recipient: &str,
    id: Uuid,
) -> Result<Option<NoticeView>, DbErr> {
    Ok(notice::Entity::find()
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::Recipient.eq(recipient))
        .filter(notice::Column::Inbox.eq(true))
        .one(db)
        .await?
        .map(view))
}

/// Marks `recipient`'s unread notices `ids` (every one when `None`) read at `now`; answers
/// how many changed.
pub(crate) async fn mark_read(
    db: &impl ConnectionTrait,
    recipient: &str,
    ids: Option<&[Uuid]>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut q = notice::Entity::update_many()
        .col_expr(notice::Column::ReadAt, Expr::value(now))
        .filter(notice::Column::Recipient.eq(recipient))
        .filter(notice::Column::ReadAt.is_null());
    if let Some(ids) = ids {
        q = q.filter(notice::Column::Id.is_in(ids.iter().copied()));
    }
    Ok(q.exec(db).await?.rows_affected)
}

// ---- deliveries ----

/// Stores an e-mail delivery of notice `notice_id` to `address` unless one with `key`
/// exists; true when stored.
pub(crate) async fn insert_delivery(
    db: &impl ConnectionTrait,
    key: &str,
    notice_id: Uuid,
    address: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    insert_once(
        db,
        "delivery",
        "idempotency_key",
        &[
            "idempotency_key",
            "notice_id",
            "address",
            "state",
            "attempts",
            "next_attempt_at",
            "created_at",
        ],
        vec![
            key.into(),
            notice_id.into(),
            address.into(),
            EmailStatus::Pending.as_str().into(),
            0i32.into(),
            now.into(),
            now.into(),
        ],
    )
    .await
}

/// An e-mail that is due: what to send, and how often it was tried.
#[derive(Debug, Clone)]
pub(crate) struct DueMail {
    pub seq: i64,
    pub key: String,
    pub notice_id: Uuid,
    pub address: String,
    pub attempts: i32,
    pub subject: String,
    pub body: String,
}

/// Up to `limit` pending e-mails due at `now`, oldest first.
pub(crate) async fn due_mail(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<DueMail>, DbErr> {
    let rows = delivery::Entity::find()
        .filter(delivery::Column::State.eq(EmailStatus::Pending.as_str()))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(delivery::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|d| d.notice_id).collect();
    let notices = notice::Entity::find()
        .filter(notice::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|d| {
            let n = notices.iter().find(|n| n.id == d.notice_id)?;
            Some(DueMail {
                seq: d.seq,
                key: d.idempotency_key,
                notice_id: d.notice_id,
                address: d.address,
                attempts: d.attempts,
                subject: n.subject.clone(),
                body: n.body.clone(),
            })
        })
        .collect())
}

/// Takes the pending delivery `seq` (still at `attempts` tries) for one attempt: counts
/// the attempt and moves its next attempt to `lease_until`, so no other sender takes it
/// meanwhile and a sender that dies mid-attempt leaves it to be retried then. False when
/// someone else took it first.
pub(crate) async fn claim(
    db: &impl ConnectionTrait,
    seq: i64,
    attempts: i32,
    lease_until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = delivery::Entity::update_many()
        .col_expr(delivery::Column::Attempts, Expr::value(attempts + 1))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(lease_until))
        .filter(delivery::Column::Seq.eq(seq))
        .filter(delivery::Column::Attempts.eq(attempts))
        .filter(delivery::Column::State.eq(EmailStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Records the outcome of an attempt at delivery `seq` of notice `notice_id`: `state`
/// (SENT, FAILED, or PENDING again with its next attempt at `next`), the error if any.
pub(crate) async fn settle(
    db: &impl ConnectionTrait,
    seq: i64,
    notice_id: Uuid,
    state: EmailStatus,
    next: DateTime<Utc>,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut q = delivery::Entity::update_many()
        .col_expr(delivery::Column::State, Expr::value(state.as_str()))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(next))
        .col_expr(delivery::Column::LastError, Expr::value(error));
    if state == EmailStatus::Sent {
        q = q.col_expr(delivery::Column::SentAt, Expr::value(now));
    }
    q.filter(delivery::Column::Seq.eq(seq)).exec(db).await?;
    notice::Entity::update_many()
        .col_expr(notice::Column::EmailStatus, Expr::value(state.as_str()))
        .filter(notice::Column::Id.eq(notice_id))
        .exec(db)
        .await?;
    Ok(())
}

/// One page of e-mail deliveries, newest first (of `status` only when given): deliveries
/// before the one with `before_seq`, at most `limit`, plus how many match in all.
pub(crate) async fn deliveries(
    db: &impl ConnectionTrait,
    status: Option<EmailStatus>,
    before_seq: Option<i64>,
    limit: u64,
) -> Result<(Vec<DeliveryView>, u64), DbErr> {
    let mut q = delivery::Entity::find();
    if let Some(s) = status {
        q = q.filter(delivery::Column::State.eq(s.as_str()));
    }
    let total = q.clone().count(db).await?;
    if let Some(seq) = before_seq {
        q = q.filter(delivery::Column::Seq.lt(seq));
    }
    let rows = q
        .order_by_desc(delivery::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    Ok((delivery_views(db, rows).await?, total))
}

/// Delivery `seq`, if it exists.
pub(crate) async fn delivery(
    db: &impl ConnectionTrait,
    seq: i64,
) -> Result<Option<DeliveryView>, DbErr> {
    let rows = delivery::Entity::find()
        .filter(delivery::Column::Seq.eq(seq))
        .all(db)
        .await?;
    Ok(delivery_views(db, rows).await?.pop())
}

/// The views of `rows`, with their notices' recipient and kind (one query).
async fn delivery_views(
    db: &impl ConnectionTrait,
    rows: Vec<delivery::Model>,
) -> Result<Vec<DeliveryView>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|d| d.notice_id).collect();
    let notices = if ids.is_empty() {
        Vec::new()
    } else {
        notice::Entity::find()
            .filter(notice::Column::Id.is_in(ids))
            .all(db)
            .await?
    };
    Ok(rows
        .into_iter()
        .map(|d| {
            let n = notices.iter().find(|n| n.id == d.notice_id);
            DeliveryView {
                id: d.seq,
                notice_id: d.notice_id,
                recipient: n.map(|n| n.recipient.clone()).unwrap_or_default(),
                kind: n.map(|n| n.kind.clone()).unwrap_or_default(),
                address: d.address,
                status: EmailStatus::from_name(&d.state).unwrap_or(EmailStatus::Pending),
                attempts: d.attempts,
                last_error: d.last_error,
                created_at: d.created_at,
                next_attempt_at: d.next_attempt_at,
                sent_at: d.sent_at,
            }
        })
        .collect())
}

/// Puts FAILED delivery `seq` (of notice `notice_id`) back to PENDING with no attempts,
/// due at `now` (its last error stays until the next attempt); false when it is not
/// FAILED (any more).
pub(crate) async fn requeue_failed(
    db: &impl ConnectionTrait,
    seq: i64,
    notice_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = delivery::Entity::update_many()
        .col_expr(
            delivery::Column::State,
            Expr::value(EmailStatus::Pending.as_str()),
        )
        .col_expr(delivery::Column::Attempts, Expr::value(0i32))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(now))
        .filter(delivery::Column::Seq.eq(seq))
        .filter(delivery::Column::State.eq(EmailStatus::Failed.as_str()))
        .exec(db)
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    notice::Entity::update_many()
        .col_expr(
            notice::Column::EmailStatus,
            Expr::value(EmailStatus::Pending.as_str()),
        )
        .filter(notice::Column::Id.eq(notice_id))
        .exec(db)
        .await?;
    Ok(true)
}

// ---- stream positions ----

/// Where each stream was read to: the kit's positions table, which the notifier shares with
/// every service that follows a stream (written in the transaction of the entry's notices).
pub(crate) use glocal_kit::outbox::follow::{position, set_position};

/// Up to `limit` notices made before `cutoff` whose e-mail is settled (none, sent or failed:
/// never one still being delivered), oldest first (ADR 0038).
pub(crate) async fn expired_notices(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Uuid>, DbErr> {
    let rows = notice::Entity::find()
        .filter(notice::Column::CreatedAt.lt(cutoff))
        .filter(notice::Column::EmailStatus.ne(EmailStatus::Pending.as_str()))
        .order_by_asc(notice::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|n| n.id).collect())
}

/// Deletes the notices `ids` with their deliveries (the e-mail addresses they went to);
/// answers how many notices went.
pub(crate) async fn delete_notices(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    delivery::Entity::delete_many()
        .filter(delivery::Column::NoticeId.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    let gone = notice::Entity::delete_many()
        .filter(notice::Column::Id.is_in(ids.iter().copied()))
        .filter(notice::Column::EmailStatus.ne(EmailStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(gone.rows_affected)
}
