//! The tonic adapter: proto → arguments, call the service, domain → proto, error →
//! status. Every call acts for the caller in the metadata.

use glocal_kit::error::to_status;
use glocal_kit::grpc::{bad, caller, from_opt_ts, from_ts, ts};
use glocal_kit::paging::PageRequest;
use glocal_proto::notifier::v1 as pb;
use glocal_proto::notifier::v1::notifier_service_server::{NotifierService, NotifierServiceServer};
use tonic::{Request, Response, Status};

use crate::domain::reads::{PersonalDataRead, ReadBatch, ReadFilter, ReadView};
use crate::domain::subscriptions::{Subscription, SubscriptionDraft};
use crate::domain::{Contact, DeliveryView, NoticeView, Preference};
use crate::error::NotifierError;
use crate::service::Notifier;
use crate::service::erasure::ErasureView;

/// The gRPC face of [`Notifier`].
#[derive(Debug, Clone)]
pub struct GrpcService {
    notifier: Notifier,
}

impl GrpcService {
    /// Wraps the service.
    pub fn new(notifier: Notifier) -> Self {
        GrpcService { notifier }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> NotifierServiceServer<GrpcService> {
        NotifierServiceServer::new(self)
    }
}

type GrpcResult<T> = Result<Response<T>, Status>;

fn status(e: NotifierError) -> Status {
    to_status(&e)
}

fn notice_out(n: NoticeView) -> pb::Notification {
    pb::Notification {
        id: n.id.to_string(),
        kind: n.kind,
        subject: n.subject,
        body: n.body,
        link: n.link,
        language: n.language,
        created_at: Some(ts(n.created_at)),
        read_at: n.read_at.map(ts),
        email_status: n.email_status.as_str().to_owned(),
    }
}

fn delivery_out(d: DeliveryView) -> pb::Delivery {
    pb::Delivery {
        id: d.id.to_string(),
        notice_id: d.notice_id.to_string(),
        recipient: d.recipient,
        kind: d.kind,
        address: d.address,
        status: d.status.as_str().to_owned(),
        attempts: d.attempts,
        last_error: d.last_error.unwrap_or_default(),
        created_at: Some(ts(d.created_at)),
        next_attempt_at: Some(ts(d.next_attempt_at)),
        sent_at: d.sent_at.map(ts),
    }
}

fn preferences_out(p: Vec<Preference>) -> pb::Preferences {
    pb::Preferences {
        preferences: p
            .into_iter()
            .map(|p| pb::Preference {
                kind: p.kind.as_str().to_owned(),
                email: p.email,
                inbox: p.inbox,
            })
            .collect(),
    }
}

fn contact_out(c: Option<Contact>) -> pb::Contact {
    match c {
        Some(c) => pb::Contact {
            email: c.email.unwrap_or_default(),
            language: c
                .language
                .map(|l| l.as_str().to_owned())
                .unwrap_or_default(),
            source: c.source.as_str().to_owned(),
        },
        None => pb::Contact {
            source: "NONE".into(),
            ..Default::default()
        },
    }
}

fn read_out(r: ReadView) -> pb::PersonalDataReadEntry {
    pb::PersonalDataReadEntry {
        id: r.seq.to_string(),
        actor_subject: r.actor_subject,
        actor_name: r.actor_name,
        entity_type: r.entity_type.as_str().to_owned(),
        entity_id: r.entity_id,
        fields: r.fields,
        operation: r.operation,
        read_at: Some(ts(r.read_at)),
    }
}

fn subscription_out(s: Subscription) -> pb::ResearchSubscription {
    pb::ResearchSubscription {
        id: s.id.to_string(),
        area_codes: s.areas,
        languages: s.languages.iter().map(|l| l.as_str().to_owned()).collect(),
        frequency: s.frequency.as_str().to_owned(),
        created_at: Some(ts(s.created_at)),
        updated_at: Some(ts(s.updated_at)),
    }
}

/// The batch of a `RecordPersonalDataReads` request (BAD_USER_INPUT naming the field).
fn batch_in(r: pb::RecordPersonalDataReadsRequest) -> Result<ReadBatch, Status> {
    let read_at = from_ts(&r.read_at.unwrap_or_default(), "readAt")?;
    let reads = r
        .reads
        .iter()
        .enumerate()
        .map(|(i, read)| {
            PersonalDataRead::parse(
                &format!("reads[{i}]"),
                &read.entity_type,
                &read.entity_id,
                &read.fields,
            )
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(bad)?;
    ReadBatch::parse(&r.batch_id, &r.operation, read_at, reads).map_err(bad)
}

#[tonic::async_trait]
impl NotifierService for GrpcService {
    async fn list_notifications(
        &self,
        req: Request<pb::ListNotificationsRequest>,
    ) -> GrpcResult<pb::ListNotificationsResponse> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let page = PageRequest::from(r.page.unwrap_or_default());
        let inbox = self
            .notifier
            .inbox(who.as_ref(), &page, r.unread_only)
            .await
            .map_err(status)?;
        let page_info = Some(inbox.page.info());
        Ok(Response::new(pb::ListNotificationsResponse {
            page_info,
            total_count: inbox.page.total_count,
            unread_count: inbox.unread,
            cursors: inbox.page.cursors,
            notifications: inbox.page.items.into_iter().map(notice_out).collect(),
        }))
    }

    async fn get_notification(
        &self,
        req: Request<pb::GetNotificationRequest>,
    ) -> GrpcResult<pb::Notification> {
        let who = caller(&req)?;
        let n = self
            .notifier
            .notification(who.as_ref(), &req.get_ref().id)
            .await
            .map_err(status)?;
        Ok(Response::new(notice_out(n)))
    }

    async fn mark_notifications_read(
        &self,
        req: Request<pb::MarkNotificationsReadRequest>,
    ) -> GrpcResult<pb::MarkNotificationsReadResponse> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let (marked, unread_count) = self
            .notifier
            .mark_read(who.as_ref(), &r.ids, r.all)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::MarkNotificationsReadResponse {
            marked,
            unread_count,
        }))
    }

    async fn get_preferences(
        &self,
        req: Request<pb::GetPreferencesRequest>,
    ) -> GrpcResult<pb::Preferences> {
        let who = caller(&req)?;
        let p = self
            .notifier
            .preferences(who.as_ref())
            .await
            .map_err(status)?;
        Ok(Response::new(preferences_out(p)))
    }

    async fn set_preferences(
        &self,
        req: Request<pb::SetPreferencesRequest>,
    ) -> GrpcResult<pb::Preferences> {
        let who = caller(&req)?;
        let choices: Vec<(String, bool, bool)> = req
            .into_inner()
            .preferences
            .into_iter()
            .map(|p| (p.kind, p.email, p.inbox))
            .collect();
        let p = self
            .notifier
            .set_preferences(who.as_ref(), &choices)
            .await
            .map_err(status)?;
        Ok(Response::new(preferences_out(p)))
    }

    async fn get_contact(&self, req: Request<pb::GetContactRequest>) -> GrpcResult<pb::Contact> {
        let who = caller(&req)?;
        let c = self.notifier.contact(who.as_ref()).await.map_err(status)?;
        Ok(Response::new(contact_out(c)))
    }

    async fn set_contact(&self, req: Request<pb::SetContactRequest>) -> GrpcResult<pb::Contact> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let c = self
            .notifier
            .set_contact(who.as_ref(), &r.email, &r.language)
            .await
            .map_err(status)?;
        Ok(Response::new(contact_out(Some(c))))
    }

    async fn list_deliveries(
        &self,
        req: Request<pb::ListDeliveriesRequest>,
    ) -> GrpcResult<pb::ListDeliveriesResponse> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let page = PageRequest::from(r.page.unwrap_or_default());
        let found = self
            .notifier
            .deliveries(who.as_ref(), &page, Some(r.status.as_str()))
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListDeliveriesResponse {
            page_info: Some(found.info()),
            total_count: found.total_count,
            cursors: found.cursors,
            deliveries: found.items.into_iter().map(delivery_out).collect(),
        }))
    }

    async fn resend_delivery(
        &self,
        req: Request<pb::ResendDeliveryRequest>,
    ) -> GrpcResult<pb::Delivery> {
        let who = caller(&req)?;
        let d = self
            .notifier
            .resend(who.as_ref(), &req.get_ref().id)
            .await
            .map_err(status)?;
        Ok(Response::new(delivery_out(d)))
    }

    async fn record_personal_data_reads(
        &self,
        req: Request<pb::RecordPersonalDataReadsRequest>,
    ) -> GrpcResult<pb::RecordPersonalDataReadsResponse> {
        let who = caller(&req)?;
        let batch = batch_in(req.into_inner())?;
        let recorded = self
            .notifier
            .record_reads(who.as_ref(), &batch)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RecordPersonalDataReadsResponse {
            recorded,
        }))
    }

    async fn list_personal_data_reads(
        &self,
        req: Request<pb::ListPersonalDataReadsRequest>,
    ) -> GrpcResult<pb::ListPersonalDataReadsResponse> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let filter = ReadFilter::parse(
            &r.actor_subject,
            &r.entity_type,
            &r.entity_id,
            from_opt_ts(r.from.as_ref(), "from")?,
            from_opt_ts(r.to.as_ref(), "to")?,
        )
        .map_err(bad)?;
        let page = PageRequest::from(r.page.unwrap_or_default());
        let found = self
            .notifier
            .personal_data_reads(who.as_ref(), &filter, &page)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListPersonalDataReadsResponse {
            page_info: Some(found.info()),
            total_count: found.total_count,
            cursors: found.cursors,
            reads: found.items.into_iter().map(read_out).collect(),
        }))
    }

    async fn request_erasure(
        &self,
        req: Request<pb::RequestErasureRequest>,
    ) -> GrpcResult<pb::ErasureRequest> {
        let who = caller(&req)?;
        let e = self
            .notifier
            .ask_erasure(who.as_ref(), &req.get_ref().reason)
            .await
            .map_err(status)?;
        Ok(Response::new(erasure_out(e)))
    }

    async fn list_erasure_requests(
        &self,
        req: Request<pb::ListErasureRequestsRequest>,
    ) -> GrpcResult<pb::ListErasureRequestsResponse> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let page = PageRequest::from(r.page.unwrap_or_default());
        let found = self
            .notifier
            .erasure_requests(who.as_ref(), Some(r.state.as_str()), &page)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListErasureRequestsResponse {
            page_info: Some(found.info()),
            total_count: found.total_count,
            cursors: found.cursors,
            requests: found.items.into_iter().map(erasure_out).collect(),
        }))
    }

    async fn decide_erasure_request(
        &self,
        req: Request<pb::DecideErasureRequestRequest>,
    ) -> GrpcResult<pb::ErasureRequest> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let e = self
            .notifier
            .decide_erasure(who.as_ref(), &r.id, r.approve, &r.note)
            .await
            .map_err(status)?;
        Ok(Response::new(erasure_out(e)))
    }

    async fn list_research_subscriptions(
        &self,
        req: Request<pb::ListResearchSubscriptionsRequest>,
    ) -> GrpcResult<pb::ListResearchSubscriptionsResponse> {
        let who = caller(&req)?;
        let found = self
            .notifier
            .research_subscriptions(who.as_ref())
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListResearchSubscriptionsResponse {
            subscriptions: found.into_iter().map(subscription_out).collect(),
        }))
    }

    async fn create_research_subscription(
        &self,
        req: Request<pb::CreateResearchSubscriptionRequest>,
    ) -> GrpcResult<pb::ResearchSubscription> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let draft =
            SubscriptionDraft::parse(&r.area_codes, &r.languages, &r.frequency).map_err(bad)?;
        let made = self
            .notifier
            .subscribe_to_research(who.as_ref(), &draft)
            .await
            .map_err(status)?;
        Ok(Response::new(subscription_out(made)))
    }

    async fn update_research_subscription(
        &self,
        req: Request<pb::UpdateResearchSubscriptionRequest>,
    ) -> GrpcResult<pb::ResearchSubscription> {
        let who = caller(&req)?;
        let r = req.into_inner();
        let draft =
            SubscriptionDraft::parse(&r.area_codes, &r.languages, &r.frequency).map_err(bad)?;
        let changed = self
            .notifier
            .update_research_subscription(who.as_ref(), &r.id, &draft)
            .await
            .map_err(status)?;
        Ok(Response::new(subscription_out(changed)))
    }

    async fn delete_research_subscription(
        &self,
        req: Request<pb::DeleteResearchSubscriptionRequest>,
    ) -> GrpcResult<pb::DeleteResearchSubscriptionResponse> {
        let who = caller(&req)?;
        self.notifier
            .unsubscribe_from_research(who.as_ref(), &req.get_ref().id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteResearchSubscriptionResponse {
            deleted: true,
        }))
    }
}

fn erasure_out(e: ErasureView) -> pb::ErasureRequest {
    pb::ErasureRequest {
        id: e.id.to_string(),
        subject: e.subject,
        name: e.name,
        reason: e.reason,
        state: e.state.as_str().to_owned(),
        requested_at: Some(ts(e.requested_at)),
        decided_at: e.decided_at.map(ts),
        decided_by: e.decided_by.unwrap_or_default(),
        decision_note: e.decision_note.unwrap_or_default(),
    }
}
