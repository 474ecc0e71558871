//! Research subscriptions (ADR 0045): a person's own subscriptions (list, subscribe,
//! change, unsubscribe), the immediate notices of a publication (planned in
//! [`Notifier::ingest`]'s transaction through [`research_plans`]), and the weekly digest
//! job ([`Notifier::send_research_digests`]), idempotent per subscriber and week.

use chrono::{DateTime, Duration, Utc};
use glocal_kit::Caller;
use glocal_kit::store::Tx;
use uuid::Uuid;

use super::{Notifier, Result, subject};
use crate::domain::select::{ChangeEvent, Planned};
use crate::domain::subscriptions::{
    DigestWeek, Frequency, Publication, Subscription, SubscriptionDraft, digest_plans,
    immediate_plans, may_add, may_subscribe, withdrawn_practice,
};
use crate::domain::{Contact, ContactSource, EmailAddress, Language};
use crate::error::NotifierError;
use crate::store::subscriptions as store;

/// How long publications are kept after their week, in days (a digest run late still
/// finds them).
const PUBLICATIONS_KEPT_DAYS: i64 = 28;

fn subscription_id(id: &str) -> Result<Uuid> {
    Uuid::parse_str(id.trim()).map_err(|_| NotifierError::NotFound("research subscription"))
}

/// The notices a research change calls for beyond [`crate::domain::select::select`]'s: a
/// publication is kept for the digest and tells its IMMEDIATE subscribers; a withdrawal
/// takes the practice out of digests not yet made. `published` is when the change happened,
/// as [`super::Notifier::ingest`] judges it (the payload's own time wins).
pub(super) async fn research_plans(
    tx: &Tx,
    event: &ChangeEvent,
    published: DateTime<Utc>,
) -> Result<Vec<Planned>> {
    if let Some(id) = withdrawn_practice(event) {
        store::withdraw_publication(tx, id).await?;
        return Ok(Vec::new());
    }
    let Some(publication) = Publication::from_event(event, published) else {
        return Ok(Vec::new());
    };
    store::record_publication(tx, &publication).await?;
    let subscriptions = store::with_frequency(tx, Frequency::Immediate).await?;
    Ok(immediate_plans(&publication, &subscriptions))
}

impl Notifier {
    /// The caller's research subscriptions, oldest first.
    pub async fn research_subscriptions(
        &self,
        caller: Option<&Caller>,
    ) -> Result<Vec<Subscription>> {
        Ok(store::of(&**self.db(), subject(caller)?).await?)
    }

    /// Subscribes the caller (a local official or bureau staff) as `draft` says, learning
    /// their contact from their token's claims; the area codes were checked to exist before
    /// (the gateway asks research). CONFLICT `RESEARCH_SUBSCRIPTION_LIMIT` past the limit.
    pub async fn subscribe_to_research(
        &self,
        caller: Option<&Caller>,
        draft: &SubscriptionDraft,
    ) -> Result<Subscription> {
        let caller = caller.ok_or(NotifierError::Unauthenticated)?;
        may_subscribe(caller)?;
        let tx = self.db().begin().await?;
        // One writer per person: the limit holds under concurrent subscribes, and an
        // erasure deciding now waits (ADR 0040).
        glocal_kit::privacy::lock_people(&tx, &[caller.subject.as_str()]).await?;
        let existing = store::count(&tx, &caller.subject).await?;
        may_add(usize::try_from(existing).unwrap_or(usize::MAX))?;
        let now = Utc::now();
        // Where and in which language to reach them: their token's claims, as on any change
        // they make (never over their own edit).
        let claims = Contact {
            email: caller
                .email
                .as_deref()
                .and_then(|e| EmailAddress::parse("email", e).ok())
                .map(|e| e.as_str().to_owned()),
            language: caller.locale.as_deref().and_then(Language::from_tag),
            source: ContactSource::Claims,
        };
        if claims.email.is_some() || claims.language.is_some() {
            crate::store::learn_contact(&tx, &caller.subject, &claims, now).await?;
        }
        let made = store::insert(&tx, &caller.subject, draft, now).await?;
        tx.commit().await?;
        tracing::info!(subscription = %made.id, frequency = made.frequency.as_str(), "research subscription made");
        Ok(made)
    }

    /// Replaces the areas, languages and frequency of the caller's subscription `id`
    /// (NOT_FOUND when it is not theirs).
    pub async fn update_research_subscription(
        &self,
        caller: Option<&Caller>,
        id: &str,
        draft: &SubscriptionDraft,
    ) -> Result<Subscription> {
        let caller = caller.ok_or(NotifierError::Unauthenticated)?;
        may_subscribe(caller)?;
        let id = subscription_id(id)?;
        store::update(&**self.db(), id, &caller.subject, draft, Utc::now())
            .await?
            .ok_or(NotifierError::NotFound("research subscription"))
    }

    /// Deletes the caller's subscription `id` (NOT_FOUND when it is not theirs).
    pub async fn unsubscribe_from_research(&self, caller: Option<&Caller>, id: &str) -> Result<()> {
        let me = subject(caller)?;
        let id = subscription_id(id)?;
        if store::delete(&**self.db(), id, me).await? {
            Ok(())
        } else {
            Err(NotifierError::NotFound("research subscription"))
        }
    }

    /// Makes the digests of the last week that ended at or before `now` (Monday to Sunday,
    /// Korean time): one notice per WEEKLY subscriber listing the week's matching
    /// publications, none for a week without any. Idempotent: a digest is keyed by the
    /// week, the subscriber and the channel, so a second run makes nothing. One
    /// transaction per subscriber. Answers how many digests were made.
    pub async fn send_research_digests(&self, now: DateTime<Utc>) -> Result<u64> {
        let week = DigestWeek::last_complete(now);
        let publications = store::publications_between(&**self.db(), week.start, week.end).await?;
        let mut made = 0;
        if !publications.is_empty() {
            let subscriptions = store::with_frequency(&**self.db(), Frequency::Weekly).await?;
            let plans = digest_plans(
                &week,
                &publications,
                &subscriptions,
                &self.config.portal_url,
            );
            let change = week.change_id();
            for plan in plans {
                let tx = self.db().begin().await?;
                glocal_kit::privacy::lock_people(&tx, &[plan.recipient.as_str()]).await?;
                // Erased (or unsubscribed) since the subscriptions were read: nothing.
                if store::count(&tx, &plan.recipient).await? == 0 {
                    continue;
                }
                if self.make(&tx, &change, &plan, Utc::now()).await? {
                    made += 1;
                }
                tx.commit().await?;
            }
        }
        let cutoff = week.start - Duration::days(PUBLICATIONS_KEPT_DAYS);
        store::forget_publications(&**self.db(), cutoff).await?;
        if made > 0 {
            metrics::counter!("notifier_notices_total").increment(made);
            tracing::info!(week = %week.label(), made, "research digests made");
        }
        Ok(made)
    }
}
