//! The notifier's operations: [`Notifier::ingest`] turns one change event into notices
//! (learning the actor's contact first, then for each recipient the notice in their
//! language, an inbox entry if they want one and an e-mail delivery if they have an
//! address and want it, all keyed by change, recipient and channel, in one transaction
//! with the stream position), and the person's own inbox, preferences and contact.
//! Sending is [`deliver`]'s; the log of staff reads of personal data is [`reads`]';
//! research subscriptions and their weekly digest are [`subscriptions`]'.

pub mod deliver;
pub mod erasure;
pub mod reads;
pub mod subscriptions;

use chrono::{DateTime, Utc};
use glocal_kit::error::ErrorCode;
use glocal_kit::outbox::{self, Change};
use glocal_kit::paging::{Page, PageRequest, decode_seq, seq_cursor};
use glocal_kit::store::{Db, Tx};
use glocal_kit::{Caller, Role, config::Settings};
use serde_json::json;
use uuid::Uuid;

use crate::domain::render::{self, link};
use crate::domain::select::{ChangeEvent, select};
use crate::domain::{
    Contact, ContactSource, DeliveryView, EmailAddress, EmailStatus, Language, NoticeKind,
    NoticeView, Preference,
};
use crate::error::NotifierError;
use crate::store;

/// Result of the notifier's operations.
pub type Result<T, E = NotifierError> = std::result::Result<T, E>;

/// What the operations need from the settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL of every notice's link.
    pub portal_url: String,
    /// Largest inbox page.
    pub max_page_size: u32,
}

impl Config {
    /// The config of `settings`.
    pub fn from_settings(settings: &Settings) -> Config {
        Config {
            portal_url: settings.notifications.portal_url.clone(),
            max_page_size: settings.notifier.max_page_size,
        }
    }
}

/// Where a stream entry came from, so its position is stored with its notices.
#[derive(Debug, Clone, Copy)]
pub struct StreamEntry<'a> {
    /// The stream's key.
    pub stream: &'a str,
    /// The entry's id.
    pub id: &'a str,
}

/// A page of a person's inbox and how many of their notices are unread.
#[derive(Debug, Clone)]
pub struct Inbox {
    /// The page.
    pub page: Page<NoticeView>,
    /// Unread notices in all.
    pub unread: u64,
}

/// The notifier's operations over its database.
#[derive(Debug, Clone)]
pub struct Notifier {
    db: Db,
    config: Config,
}

/// The caller, if a bureau administrator (the e-mail deliveries are theirs to watch).
fn require_admin(caller: Option<&Caller>) -> Result<&Caller> {
    let caller = caller.ok_or(NotifierError::Unauthenticated)?;
    if !caller.has(Role::BureauAdmin) {
        return Err(NotifierError::Forbidden(
            "e-mail deliveries are for bureau administrators".into(),
        ));
    }
    Ok(caller)
}

/// A delivery id from a caller.
fn delivery_id(id: &str) -> Result<i64> {
    id.trim()
        .parse::<i64>()
        .map_err(|_| NotifierError::NotFound("e-mail delivery"))
}

fn subject(caller: Option<&Caller>) -> Result<&str> {
    caller
        .map(|c| c.subject.as_str())
        .ok_or(NotifierError::Unauthenticated)
}

impl Notifier {
    /// Operations over `db`.
    pub fn new(db: impl Into<Db>, config: Config) -> Notifier {
        Notifier {
            db: db.into(),
            config,
        }
    }

    /// Turns `event` into notices (idempotently: a change already handled makes nothing
    /// new) and, when it came from a stream, stores `entry` as read, in one transaction.
    /// Answers how many notices were made.
    pub async fn ingest(
        &self,
        event: &ChangeEvent,
        entry: Option<StreamEntry<'_>>,
    ) -> Result<usize> {
        let now = Utc::now();
        // When the change happened: the earlier of its service's own time (when the stream
        // carries it) and when it was published (the stream entry's time; now from the bus),
        // so a service's clock running ahead never makes it look newer. A person erased
        // after that learns nothing from it (ADR 0040), even when the relay published it
        // after the erasure.
        let entry_time = entry
            .and_then(|e| e.id.split('-').next()?.parse::<i64>().ok())
            .and_then(DateTime::from_timestamp_millis)
            .unwrap_or(now);
        let published = event
            .occurred_at
            .map_or(entry_time, |at| at.min(entry_time));
        let tx = self.db.begin().await?;
        let mut plans = select(event);
        for plan in subscriptions::research_plans(&tx, event, published).await? {
            if !plans.iter().any(|p| p.recipient == plan.recipient) {
                plans.push(plan);
            }
        }
        // The people this event may write about, locked against their erasure (ADR 0040):
        // an erasure deciding now waits for this transaction, or this one sees it.
        // The actor's contact as their token states it; a guest's as their request gave it.
        let contacts: Vec<_> = event.actor().into_iter().chain(event.guest()).collect();
        let people: Vec<&str> = contacts
            .iter()
            .map(|a| a.subject.as_str())
            .chain(plans.iter().map(|p| p.recipient.as_str()))
            .collect();
        glocal_kit::privacy::lock_people(&tx, &people).await?;
        for actor in contacts {
            let learned = Contact {
                email: actor
                    .email
                    .as_deref()
                    .and_then(|e| EmailAddress::parse("email", e).ok())
                    .map(|e| e.as_str().to_owned()),
                language: actor.locale.as_deref().and_then(Language::from_tag),
                source: ContactSource::Claims,
            };
            let erased = store::erasure::erased_since(&tx, &actor.subject, published).await?;
            if (learned.email.is_some() || learned.language.is_some()) && !erased {
                store::learn_contact(&tx, &actor.subject, &learned, now).await?;
            }
        }
        let mut made = 0;
        for plan in plans {
            if store::erasure::erased_since(&tx, &plan.recipient, published).await? {
                continue;
            }
            if self.make(&tx, &event.id, &plan, now).await? {
                made += 1;
            }
        }
        if let Some(entry) = entry {
            store::set_position(&tx, entry.stream, entry.id).await?;
        }
        tx.commit().await?;
        if made > 0 {
            metrics::counter!("notifier_notices_total").increment(made as u64);
        }
        Ok(made)
    }

    /// Stores one planned notice of change `event_id` (and its delivery), keyed
    /// `{event_id}:{recipient}:{channel}`; false when it existed already.
    async fn make(
        &self,
        tx: &Tx,
        event_id: &str,
        plan: &crate::domain::select::Planned,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let contact = store::contact(tx, &plan.recipient).await?;
        let language = contact
            .as_ref()
            .and_then(|c| c.language)
            .unwrap_or(Language::Ko);
        let preference = store::preferences(tx, &plan.recipient)
            .await?
            .into_iter()
            .find(|p| p.kind == plan.kind)
            .unwrap_or(Preference::default_for(plan.kind));
        let address = contact.and_then(|c| c.email).filter(|_| preference.email);
        let link = link(&self.config.portal_url, &plan.path);
        let text = render::render(language, plan.kind, &plan.vars, &link)?;
        let id = Uuid::now_v7();
        let inbox_key = format!("{event_id}:{}:inbox", plan.recipient);
        let stored = store::insert_notice(
            tx,
            &store::NewNotice {
                id,
                key: &inbox_key,
                event_id,
                recipient: &plan.recipient,
                kind: plan.kind,
                language,
                subject: &text.subject,
                body: &text.body,
                link: &text.link,
                inbox: preference.inbox,
                email_status: if address.is_some() {
                    EmailStatus::Pending
                } else {
                    EmailStatus::None
                },
                at: now,
            },
        )
        .await?;
        if !stored {
            return Ok(false);
        }
        if let Some(address) = address {
            let key = format!("{event_id}:{}:email", plan.recipient);
            store::insert_delivery(tx, &key, id, &address, now).await?;
        }
        if preference.inbox {
            let change = Change::new(
                "Notification",
                id,
                "NotificationCreated",
                json!({ "id": id.to_string(), "recipient": plan.recipient, "kind": plan.kind.as_str() }),
            )
            .touching("Person", &plan.recipient);
            outbox::append(tx, &change, now).await?;
        }
        tracing::info!(
            event_id,
            kind = plan.kind.as_str(),
            language = language.as_str(),
            "notice made"
        );
        Ok(true)
    }

    /// The caller's inbox, newest first.
    pub async fn inbox(
        &self,
        caller: Option<&Caller>,
        page: &PageRequest,
        unread_only: bool,
    ) -> Result<Inbox> {
        let me = subject(caller)?;
        let before = decode_seq(page.after.as_deref())?;
        let limit = page.limit(self.config.max_page_size);
        let (rows, total) =
            store::inbox(&*self.db, me, before, u64::from(limit) + 1, unread_only).await?;
        let has_next_page = rows.len() > limit as usize;
        let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
        Ok(Inbox {
            page: Page {
                cursors: rows.iter().map(|(seq, _)| seq_cursor(*seq)).collect(),
                items: rows.into_iter().map(|(_, n)| n).collect(),
                has_next_page,
                total_count: total,
            },
            unread: store::unread_count(&*self.db, me).await?,
        })
    }

    /// One of the caller's notices.
    pub async fn notification(&self, caller: Option<&Caller>, id: &str) -> Result<NoticeView> {
        let me = subject(caller)?;
        let id = Uuid::parse_str(id.trim()).map_err(|_| NotifierError::NotFound("notification"))?;
        store::notice(&*self.db, me, id)
            .await?
            .ok_or(NotifierError::NotFound("notification"))
    }

    /// Marks the caller's notices `ids` (all of them when `all`) read; answers how many
    /// changed and how many stay unread.
    pub async fn mark_read(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
        all: bool,
    ) -> Result<(u64, u64)> {
        let me = subject(caller)?;
        let ids: Vec<Uuid> = ids
            .iter()
            .map(|i| {
                Uuid::parse_str(i.trim()).map_err(|_| {
                    glocal_kit::domain::InvalidInput::new(
                        "ids",
                        "contains an id that is not a notification id",
                    )
                })
            })
            .collect::<std::result::Result<_, _>>()?;
        let marked =
            store::mark_read(&*self.db, me, (!all).then_some(ids.as_slice()), Utc::now()).await?;
        Ok((marked, store::unread_count(&*self.db, me).await?))
    }

    /// The caller's preference for every kind.
    pub async fn preferences(&self, caller: Option<&Caller>) -> Result<Vec<Preference>> {
        Ok(store::preferences(&*self.db, subject(caller)?).await?)
    }

    /// Stores the caller's choices (all parsed first: a bad one changes nothing).
    pub async fn set_preferences(
        &self,
        caller: Option<&Caller>,
        choices: &[(String, bool, bool)],
    ) -> Result<Vec<Preference>> {
        let me = subject(caller)?;
        let parsed = choices
            .iter()
            .map(|(kind, email, inbox)| {
                Ok(Preference {
                    kind: NoticeKind::parse("kind", kind)?,
                    email: *email,
                    inbox: *inbox,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let tx = self.db.begin().await?;
        for p in &parsed {
            store::set_preference(&tx, me, p).await?;
        }
        tx.commit().await?;
        Ok(store::preferences(&*self.db, me).await?)
    }

    /// The caller's contact; what their token says when nothing is stored.
    pub async fn contact(&self, caller: Option<&Caller>) -> Result<Option<Contact>> {
        let me = subject(caller)?;
        if let Some(c) = store::contact(&*self.db, me).await? {
            return Ok(Some(c));
        }
        let caller = caller.ok_or(NotifierError::Unauthenticated)?;
        let claims = Contact {
            email: caller.email.clone(),
            language: caller.locale.as_deref().and_then(Language::from_tag),
            source: ContactSource::Claims,
        };
        Ok((claims.email.is_some() || claims.language.is_some()).then_some(claims))
    }

    /// Sets the caller's own contact (an empty address clears it); it wins over claims
    /// from now on.
    pub async fn set_contact(
        &self,
        caller: Option<&Caller>,
        email: &str,
        language: &str,
    ) -> Result<Contact> {
        let me = subject(caller)?;
        let email = match email.trim() {
            "" => None,
            e => Some(EmailAddress::parse("email", e)?.as_str().to_owned()),
        };
        let contact = Contact {
            email,
            language: Some(Language::parse("language", language)?),
            source: ContactSource::Person,
        };
        store::learn_contact(&*self.db, me, &contact, Utc::now()).await?;
        Ok(contact)
    }

    /// Records demo contacts (never over a person's own edit).
    pub async fn seed_contact(&self, subject: &str, email: &str, language: Language) -> Result<()> {
        let contact = Contact {
            email: Some(email.to_owned()),
            language: Some(language),
            source: ContactSource::Demo,
        };
        store::learn_contact(&*self.db, subject, &contact, Utc::now()).await?;
        Ok(())
    }

    /// E-mail deliveries, newest first, of `status` (`PENDING`, `SENT` or `FAILED`) when
    /// given (bureau admins).
    pub async fn deliveries(
        &self,
        caller: Option<&Caller>,
        page: &PageRequest,
        status: Option<&str>,
    ) -> Result<Page<DeliveryView>> {
        require_admin(caller)?;
        let status = status
            .filter(|s| !s.trim().is_empty())
            .map(|s| EmailStatus::parse_delivery("status", s))
            .transpose()?;
        let before = decode_seq(page.after.as_deref())?;
        let limit = page.limit(self.config.max_page_size);
        let (rows, total) =
            store::deliveries(&*self.db, status, before, u64::from(limit) + 1).await?;
        let has_next_page = rows.len() > limit as usize;
        let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
        Ok(Page {
            cursors: rows.iter().map(|d| seq_cursor(d.id)).collect(),
            items: rows,
            has_next_page,
            total_count: total,
        })
    }

    /// Sends a FAILED delivery again (bureau admins): back to PENDING with its attempts
    /// reset, due now, and its notice's e-mail status PENDING again; the sender takes it
    /// on its next round. CONFLICT for a delivery that is not FAILED.
    pub async fn resend(&self, caller: Option<&Caller>, id: &str) -> Result<DeliveryView> {
        let admin = require_admin(caller)?;
        let seq = delivery_id(id)?;
        let tx = self.db.begin().await?;
        let found = store::delivery(&tx, seq)
            .await?
            .ok_or(NotifierError::NotFound("e-mail delivery"))?;
        if !found.status.may_resend() {
            return Err(NotifierError::said(
                ErrorCode::Conflict,
                "DELIVERY_NOT_FAILED",
                glocal_kit::i18n::Message::new("rule-resend-failed-only")
                    .arg("status", found.status.as_str()),
            ));
        }
        let now = Utc::now();
        if !store::requeue_failed(&tx, seq, found.notice_id, now).await? {
            return Err(NotifierError::Conflict(
                "the delivery changed meanwhile; read it again".into(),
            ));
        }
        let change = Change::new(
            "Notification",
            found.notice_id,
            "EmailDeliveryResent",
            json!({ "deliveryId": seq.to_string(), "recipient": found.recipient,
                    "kind": found.kind, "actor": admin.subject }),
        )
        .touching("Person", &found.recipient);
        outbox::append(&tx, &change, now).await?;
        let resent = store::delivery(&tx, seq)
            .await?
            .ok_or(NotifierError::NotFound("e-mail delivery"))?;
        tx.commit().await?;
        tracing::info!(delivery = seq, kind = %resent.kind, "e-mail delivery resent");
        Ok(resent)
    }

    /// Deletes the notices made more than `days` days before `now` whose e-mail is settled,
    /// with their deliveries and so the e-mail addresses they went to (ADR 0038: the
    /// notifier's personal data past its retention period); answers how many. One
    /// transaction per batch; a notice still being delivered waits for the next run.
    pub async fn expire_notices(&self, days: u32, now: DateTime<Utc>) -> Result<u64> {
        let cutoff = glocal_kit::privacy::retention_cutoff(now, days, chrono::Duration::zero());
        let mut expired = 0;
        loop {
            let ids =
                store::expired_notices(&self.db, cutoff, glocal_kit::privacy::RETENTION_BATCH)
                    .await?;
            if ids.is_empty() {
                break;
            }
            let tx = self.db.begin().await?;
            let gone = store::delete_notices(&tx, &ids).await?;
            tx.commit().await?;
            expired += gone;
            if (ids.len() as u64) < glocal_kit::privacy::RETENTION_BATCH || gone == 0 {
                break;
            }
        }
        if expired > 0 {
            tracing::info!(expired, "old notices and their delivery addresses deleted");
        }
        Ok(expired)
    }

    /// The stored position of `stream` (`None` before its first entry was handled).
    pub async fn position(&self, stream: &str) -> Result<Option<String>> {
        Ok(store::position(&*self.db, stream).await?)
    }

    /// Stores `stream` as read up to `id` (entries that are skipped).
    pub async fn set_position(&self, stream: &str, id: &str) -> Result<()> {
        Ok(store::set_position(&*self.db, stream, id).await?)
    }

    /// The database (for the sender).
    pub(crate) fn db(&self) -> &Db {
        &self.db
    }
}
