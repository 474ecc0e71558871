//! Notices: the caller's in-app inbox (`notifications`, `markNotificationsRead`, and the
//! `notificationReceived` subscription), their preferences per kind of notice, and their
//! contact (`myContact`, `setMyContact`: e-mail address and language), each the caller's
//! own; and for bureau administrators the e-mail deliveries (`emailDeliveries`,
//! `resendEmailDelivery`). The notifier decides, the resolvers convert. Research
//! subscriptions are [`research`]'s.

pub mod research;

use std::sync::Arc;

use crate::schema::scalars::DateTime;
use async_graphql::{ComplexObject, Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use futures::StreamExt;
use futures::stream::BoxStream;
use glocal_kit::Caller;
use glocal_kit::outbox::OutboxEvent;
use glocal_proto::common::v1 as common;
use glocal_proto::notifier::v1 as pb;
use tokio::sync::broadcast;

use super::common::{PageInfo, datetime, non_empty};
use super::personal_data::{Holder, PersonalDataEntity};
use crate::upstream::changes::ChangeHub;
use crate::upstream::clients::ReadRetry;
use crate::upstream::{Notifier, Services, call, error, read};

/// Where a notice's e-mail is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailStatus {
    /// No e-mail: no address known, or e-mail turned off for this kind.
    None,
    /// Waiting to be sent, or to be retried after a failure.
    Pending,
    /// Accepted by the mail server.
    Sent,
    /// Every attempt failed.
    Failed,
}

impl EmailStatus {
    fn of(name: &str) -> EmailStatus {
        match name {
            "PENDING" => EmailStatus::Pending,
            "SENT" => EmailStatus::Sent,
            "FAILED" => EmailStatus::Failed,
            _ => EmailStatus::None,
        }
    }
}

/// Where an e-mail delivery is (a filter of `emailDeliveries`).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailDeliveryStatus {
    /// Waiting to be sent, or to be retried after a failure.
    Pending,
    /// Accepted by the mail server.
    Sent,
    /// Every attempt failed; `resendEmailDelivery` puts it back to PENDING.
    Failed,
}

impl EmailDeliveryStatus {
    fn of(name: &str) -> EmailDeliveryStatus {
        match name {
            "SENT" => EmailDeliveryStatus::Sent,
            "FAILED" => EmailDeliveryStatus::Failed,
            _ => EmailDeliveryStatus::Pending,
        }
    }

    fn name(self) -> &'static str {
        match self {
            EmailDeliveryStatus::Pending => "PENDING",
            EmailDeliveryStatus::Sent => "SENT",
            EmailDeliveryStatus::Failed => "FAILED",
        }
    }
}

/// One e-mail of a notice, as bureau administrators watch them.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct EmailDelivery {
    /// Its id.
    pub id: ID,
    /// The notice it sends.
    pub notification_id: ID,
    /// The recipient's subject (as their token names them).
    #[graphql(skip)]
    pub recipient: String,
    /// The notice's kind, e.g. `REQUEST_SLA_BREACHED`.
    pub kind: String,
    /// The address it goes to.
    #[graphql(skip)]
    pub address: String,
    /// Where it is.
    pub status: EmailDeliveryStatus,
    /// Attempts so far (0 again after a resend).
    pub attempts: i32,
    /// The last failed attempt's error; null when none failed.
    pub last_error: Option<String>,
    /// When it was made.
    pub created_at: Option<DateTime>,
    /// When it is (or was) next tried.
    pub next_attempt_at: Option<DateTime>,
    /// When the mail server accepted it; null until then.
    pub sent_at: Option<DateTime>,
}

/// The recipient and the address are personal data: reading them is logged (ADR 0039).
#[ComplexObject]
impl EmailDelivery {
    /// The recipient's subject (as their token names them).
    async fn recipient(&self, ctx: &Context<'_>) -> &str {
        self.holder()
            .read(ctx, "recipient", self.recipient.as_str())
    }

    /// The address it goes to.
    async fn address(&self, ctx: &Context<'_>) -> &str {
        self.holder().read(ctx, "address", self.address.as_str())
    }
}

impl EmailDelivery {
    fn holder(&self) -> Holder<'_> {
        Holder::new(
            PersonalDataEntity::EmailDelivery,
            &self.id.0,
            Some(&self.recipient),
        )
    }
}

impl From<pb::Delivery> for EmailDelivery {
    fn from(d: pb::Delivery) -> Self {
        EmailDelivery {
            id: ID(d.id),
            notification_id: ID(d.notice_id),
            recipient: d.recipient,
            kind: d.kind,
            address: d.address,
            status: EmailDeliveryStatus::of(&d.status),
            attempts: d.attempts,
            last_error: non_empty(&d.last_error).map(str::to_owned),
            created_at: datetime(d.created_at.as_ref()),
            next_attempt_at: datetime(d.next_attempt_at.as_ref()),
            sent_at: datetime(d.sent_at.as_ref()),
        }
    }
}

/// One e-mail delivery in a page, with its cursor.
#[derive(SimpleObject)]
pub struct EmailDeliveryEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The delivery.
    pub node: EmailDelivery,
}

/// A page of e-mail deliveries, newest first.
#[derive(SimpleObject)]
pub struct EmailDeliveryConnection {
    /// The deliveries of this page.
    pub edges: Vec<EmailDeliveryEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many match in all.
    pub total_count: i32,
}

/// A language notices are written in.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLanguage {
    /// Korean.
    Ko,
    /// English.
    En,
    /// Chinese.
    Zh,
    /// Japanese.
    Ja,
}

impl NoticeLanguage {
    fn of(code: &str) -> Option<NoticeLanguage> {
        match code {
            "ko" => Some(NoticeLanguage::Ko),
            "en" => Some(NoticeLanguage::En),
            "zh" => Some(NoticeLanguage::Zh),
            "ja" => Some(NoticeLanguage::Ja),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            NoticeLanguage::Ko => "ko",
            NoticeLanguage::En => "en",
            NoticeLanguage::Zh => "zh",
            NoticeLanguage::Ja => "ja",
        }
    }
}

/// One notice in the caller's inbox.
#[derive(SimpleObject)]
pub struct Notification {
    /// Its id.
    pub id: ID,
    /// Its kind, e.g. `REQUEST_REGISTERED` (see `notificationPreferences` for every kind).
    pub kind: String,
    /// Subject line, in the language the person had when it was made.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Where in the portal it points.
    pub link: String,
    /// The language it is written in.
    pub language: Option<NoticeLanguage>,
    /// When it was made.
    pub created_at: Option<DateTime>,
    /// When the caller marked it read; null while unread.
    pub read_at: Option<DateTime>,
    /// Where its e-mail is.
    pub email_status: EmailStatus,
}

impl From<pb::Notification> for Notification {
    fn from(n: pb::Notification) -> Self {
        Notification {
            id: ID(n.id),
            kind: n.kind,
            subject: n.subject,
            body: n.body,
            link: n.link,
            language: NoticeLanguage::of(&n.language),
            created_at: datetime(n.created_at.as_ref()),
            read_at: datetime(n.read_at.as_ref()),
            email_status: EmailStatus::of(&n.email_status),
        }
    }
}

/// One notice in a page, with its cursor.
#[derive(SimpleObject)]
pub struct NotificationEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The notice.
    pub node: Notification,
}

/// A page of the caller's inbox, newest first.
#[derive(SimpleObject)]
pub struct NotificationConnection {
    /// The notices of this page.
    pub edges: Vec<NotificationEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many match in all.
    pub total_count: i32,
    /// How many of the caller's notices are unread.
    pub unread_count: i32,
}

/// The caller's choice for one kind of notice.
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "NotificationPreferenceInput")]
pub struct NotificationPreference {
    /// The kind, e.g. `REQUEST_MID_RESPONSE`.
    pub kind: String,
    /// Send it by e-mail.
    pub email: bool,
    /// Keep it in the in-app inbox.
    pub inbox: bool,
}

/// How the notifier reaches the caller.
#[derive(SimpleObject)]
pub struct ContactInfo {
    /// E-mail address; null when unknown.
    pub email: Option<String>,
    /// Language of notices; null when unknown (Korean is used then).
    pub language: Option<NoticeLanguage>,
    /// Where it came from: `CLAIMS` (the token's `email`/`locale`), `PERSON` (the caller's
    /// own edit, which wins from then on), `DEMO`, or `NONE`.
    pub source: String,
}

impl From<pb::Contact> for ContactInfo {
    fn from(c: pb::Contact) -> Self {
        ContactInfo {
            email: non_empty(&c.email).map(str::to_owned),
            language: NoticeLanguage::of(&c.language),
            source: c.source,
        }
    }
}

/// What `markNotificationsRead` did.
#[derive(SimpleObject)]
pub struct MarkedRead {
    /// How many notices changed.
    pub marked: i32,
    /// How many stay unread.
    pub unread_count: i32,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn preferences_out(p: pb::Preferences) -> Vec<NotificationPreference> {
    p.preferences
        .into_iter()
        .map(|p| NotificationPreference {
            kind: p.kind,
            email: p.email,
            inbox: p.inbox,
        })
        .collect()
}

/// Notice queries.
#[derive(Default)]
pub struct NotificationsQuery;

#[Object]
impl NotificationsQuery {
    /// The caller's notices, newest first (`unreadOnly` for the unread ones).
    #[graphql(inaccessible)]
    pub(crate) async fn notifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        unread_only: Option<bool>,
    ) -> Result<NotificationConnection> {
        let message = pb::ListNotificationsRequest {
            page: Some(common::PageRequest {
                first: u32::try_from(first.unwrap_or(20).max(0)).unwrap_or(0),
                after: after.unwrap_or_default(),
            }),
            unread_only: unread_only.unwrap_or(false),
        };
        let r = read(
            ctx,
            Notifier,
            "ListNotifications",
            message,
            |mut c, req| async move { c.list_notifications(req).await },
        )
        .await?
        .into_inner();
        let info = r.page_info.unwrap_or_default();
        Ok(NotificationConnection {
            page_info: PageInfo {
                has_next_page: info.has_next_page,
                has_previous_page: false,
                start_cursor: r.cursors.first().cloned(),
                end_cursor: non_empty(&info.end_cursor).map(str::to_owned),
            },
            edges: r
                .notifications
                .into_iter()
                .zip(r.cursors)
                .map(|(n, cursor)| NotificationEdge {
                    cursor,
                    node: n.into(),
                })
                .collect(),
            total_count: count(r.total_count),
            unread_count: count(r.unread_count),
        })
    }

    /// The caller's choice for every kind of notice (e-mail and inbox are on unless they
    /// turned them off).
    #[graphql(inaccessible)]
    async fn notification_preferences(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<NotificationPreference>> {
        let r = read(
            ctx,
            Notifier,
            "GetPreferences",
            pb::GetPreferencesRequest {},
            |mut c, req| async move { c.get_preferences(req).await },
        )
        .await?;
        Ok(preferences_out(r.into_inner()))
    }

    /// Every e-mail delivery of notices, newest first, of one `status` when given (bureau
    /// administrators: FAILED ones are the ones to look at and resend).
    #[graphql(inaccessible)]
    async fn email_deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<EmailDeliveryStatus>,
    ) -> Result<EmailDeliveryConnection> {
        let message = pb::ListDeliveriesRequest {
            page: Some(common::PageRequest {
                first: u32::try_from(first.unwrap_or(20).max(0)).unwrap_or(0),
                after: after.unwrap_or_default(),
            }),
            status: status.map(|s| s.name().to_owned()).unwrap_or_default(),
        };
        let r = read(
            ctx,
            Notifier,
            "ListDeliveries",
            message,
            |mut c, req| async move { c.list_deliveries(req).await },
        )
        .await?
        .into_inner();
        let info = r.page_info.unwrap_or_default();
        Ok(EmailDeliveryConnection {
            page_info: PageInfo {
                has_next_page: info.has_next_page,
                has_previous_page: false,
                start_cursor: r.cursors.first().cloned(),
                end_cursor: non_empty(&info.end_cursor).map(str::to_owned),
            },
            edges: r
                .deliveries
                .into_iter()
                .zip(r.cursors)
                .map(|(d, cursor)| EmailDeliveryEdge {
                    cursor,
                    node: d.into(),
                })
                .collect(),
            total_count: count(r.total_count),
        })
    }

    /// How notices reach the caller: from their token's `email` and `locale` claims until
    /// they set their own.
    #[graphql(inaccessible)]
    pub(crate) async fn my_contact(&self, ctx: &Context<'_>) -> Result<ContactInfo> {
        let r = read(
            ctx,
            Notifier,
            "GetContact",
            pb::GetContactRequest {},
            |mut c, req| async move { c.get_contact(req).await },
        )
        .await?;
        Ok(r.into_inner().into())
    }
}

/// Notice mutations.
#[derive(Default)]
pub struct NotificationsMutation;

#[Object]
impl NotificationsMutation {
    /// Marks the caller's notices `ids` read, or every unread one with `all: true`.
    async fn mark_notifications_read(
        &self,
        ctx: &Context<'_>,
        ids: Option<Vec<ID>>,
        all: Option<bool>,
    ) -> Result<MarkedRead> {
        let message = pb::MarkNotificationsReadRequest {
            ids: ids.unwrap_or_default().into_iter().map(|i| i.0).collect(),
            all: all.unwrap_or(false),
        };
        let (mut client, request) = call(ctx, Notifier, message)?;
        let r = client
            .mark_notifications_read(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(MarkedRead {
            marked: count(r.marked),
            unread_count: count(r.unread_count),
        })
    }

    /// Changes the caller's choices for the kinds given (an unknown kind is BAD_USER_INPUT
    /// and changes nothing); answers every kind.
    async fn set_notification_preferences(
        &self,
        ctx: &Context<'_>,
        preferences: Vec<NotificationPreference>,
    ) -> Result<Vec<NotificationPreference>> {
        let message = pb::SetPreferencesRequest {
            preferences: preferences
                .into_iter()
                .map(|p| pb::Preference {
                    kind: p.kind,
                    email: p.email,
                    inbox: p.inbox,
                })
                .collect(),
        };
        let (mut client, request) = call(ctx, Notifier, message)?;
        let r = client
            .set_preferences(request)
            .await
            .map_err(error::remote)?;
        Ok(preferences_out(r.into_inner()))
    }

    /// Sends a FAILED e-mail again: back to PENDING with its attempts reset, tried on the
    /// sender's next round (bureau administrators; CONFLICT for a delivery that is not
    /// FAILED, NOT_FOUND for an unknown id).
    async fn resend_email_delivery(&self, ctx: &Context<'_>, id: ID) -> Result<EmailDelivery> {
        let (mut client, request) = call(ctx, Notifier, pb::ResendDeliveryRequest { id: id.0 })?;
        let r = client
            .resend_delivery(request)
            .await
            .map_err(error::remote)?;
        Ok(r.into_inner().into())
    }

    /// Sets the caller's own e-mail address (empty clears it) and language; it wins over
    /// the token's claims from now on.
    async fn set_my_contact(
        &self,
        ctx: &Context<'_>,
        email: String,
        language: NoticeLanguage,
    ) -> Result<ContactInfo> {
        let message = pb::SetContactRequest {
            email,
            language: language.code().to_owned(),
        };
        let (mut client, request) = call(ctx, Notifier, message)?;
        let r = client.set_contact(request).await.map_err(error::remote)?;
        Ok(r.into_inner().into())
    }
}

/// True for the notifier's event of a new notice for `subject`.
fn is_notice_for(event: &OutboxEvent, subject: &str) -> bool {
    event.service == "notifier"
        && event.event_type == "NotificationCreated"
        && event.payload_json()["recipient"] == subject
}

/// The stream behind the `notificationReceived` subscription: every new notice of
/// `caller` (read from the notifier as the caller), until the gateway stops.
pub fn received(
    ctx: &Context<'_>,
    caller: &Caller,
) -> Result<BoxStream<'static, Result<Notification>>> {
    let hub = ctx.data::<ChangeHub>()?.clone();
    let services = ctx.data::<Services>()?.clone();
    let retry = ctx
        .data_opt::<ReadRetry>()
        .copied()
        .unwrap_or(ReadRetry::NONE);
    let state = (hub.subscribe(), hub, services, retry, caller.clone());
    Ok(futures::stream::unfold(state, |mut state| async move {
        loop {
            let (events, hub, services, retry, caller) = &mut state;
            let received: Result<Arc<OutboxEvent>, broadcast::error::RecvError> = tokio::select! {
                r = events.recv() => r,
                () = hub.stopped() => return None,
            };
            let event = match received {
                Ok(e) if is_notice_for(&e, &caller.subject) => e,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            let read = retry
                .read(
                    "GetNotification",
                    &pb::notifier_service_client::NotifierServiceClient::new(
                        services.notifier.clone(),
                    ),
                    pb::GetNotificationRequest {
                        id: event.aggregate_id.clone(),
                    },
                    Some(caller),
                    services.timeout,
                    |mut c, req| async move { c.get_notification(req).await },
                )
                .await;
            match read {
                Ok(r) => return Some((Ok(r.into_inner().into()), state)),
                Err(s) if s.code() == tonic::Code::NotFound => continue,
                Err(s) => return Some((Err(error::remote(s)), state)),
            }
        }
    })
    .boxed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_recipients_notices_wake_them() {
        let e = OutboxEvent {
            occurred_at: None,
            service: "notifier".into(),
            id: "e".into(),
            aggregate_type: "Notification".into(),
            aggregate_id: "n".into(),
            event_type: "NotificationCreated".into(),
            touched: vec![],
            payload: r#"{"recipient":"kim"}"#.into(),
        };
        assert!(is_notice_for(&e, "kim"));
        assert!(!is_notice_for(&e, "lee"));
        let other = OutboxEvent {
            service: "requests".into(),
            ..e
        };
        assert!(!is_notice_for(&other, "kim"));
    }
}
