//! Live subscriptions (GraphQL over WebSocket, the edge serves it): a request's changes for
//! its requester and the bureau, a department's queue for bureau staff, and each person's
//! new notices.
//!
//! Both are fed by the services' change events ([`ChangeHub`]), which every gateway replica
//! reads from the same Redis Streams. A subscriber only receives what it may see: on every
//! event the request is read again from the requests service *as the subscriber*, so the
//! service's own scoping decides; a request it may not see (NOT_FOUND) is skipped, and a
//! staff note never wakes a requester.

use std::sync::Arc;

use async_graphql::{Context, ID, Result, Subscription};
use futures::StreamExt;
use futures::stream::BoxStream;
use glocal_kit::outbox::OutboxEvent;
use glocal_kit::{Caller, Role};
use glocal_proto::requests::v1 as pb;
use tokio::sync::broadcast;

use super::requests::ServiceRequest;
use crate::upstream::changes::ChangeHub;
use crate::upstream::clients::ReadRetry;
use crate::upstream::error;
use crate::upstream::{Requests, Services, caller, read};

/// The subscription root.
#[derive(Default)]
pub struct Subscription;

/// What a subscription stream needs after its resolver returned.
struct Feed {
    services: Services,
    caller: Caller,
    events: broadcast::Receiver<Arc<OutboxEvent>>,
    hub: ChangeHub,
    /// How its reads of the request are retried.
    retry: ReadRetry,
}

impl Feed {
    fn new(ctx: &Context<'_>, caller: &Caller) -> Result<Feed> {
        let hub = ctx.data::<ChangeHub>()?.clone();
        Ok(Feed {
            services: ctx.data::<Services>()?.clone(),
            caller: caller.clone(),
            events: hub.subscribe(),
            hub,
            retry: ctx
                .data_opt::<ReadRetry>()
                .copied()
                .unwrap_or(ReadRetry::NONE),
        })
    }

    /// The request `id` as the subscriber sees it now; `None` when it may not see it.
    async fn read(&self, id: &str) -> Option<Result<pb::ServiceRequest>> {
        let read = self
            .retry
            .read(
                "GetRequest",
                &self.services.requests,
                pb::GetRequestRequest {
                    id: id.to_owned(),
                    ..Default::default()
                },
                Some(&self.caller),
                self.services.timeout,
                |mut client, request| async move { client.get_request(request).await },
            )
            .await;
        match read {
            Ok(response) => Some(Ok(response.into_inner())),
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::NotFound | tonic::Code::PermissionDenied
                ) =>
            {
                None
            }
            Err(status) => Some(Err(error::remote(status))),
        }
    }

    /// The next change of a service request that `keep` accepts; `None` once the gateway
    /// stops.
    async fn next_event(
        &mut self,
        keep: impl Fn(&OutboxEvent) -> bool,
    ) -> Option<Arc<OutboxEvent>> {
        loop {
            let received = tokio::select! {
                received = self.events.recv() => received,
                () = self.hub.stopped() => return None,
            };
            match received {
                Ok(event) if is_request_change(&event) && keep(&event) => return Some(event),
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "subscription fell behind; events skipped");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// True for a change event about a service request (an event relayed before events were
/// typed has no aggregate type; the requests service wrote only those).
fn is_request_change(event: &OutboxEvent) -> bool {
    event.service == "requests" && matches!(event.aggregate_type.as_str(), "ServiceRequest" | "")
}

/// The department a request change names, if any.
fn department_of(event: &OutboxEvent) -> Option<String> {
    event
        .touched
        .iter()
        .find(|r| r.entity_type == "Department")
        .map(|r| r.id.clone())
}

/// True for bureau staff and administrators.
fn is_bureau(caller: &Caller) -> bool {
    caller.has(Role::BureauStaff) || caller.has(Role::BureauAdmin)
}

/// Whether `event` may concern `caller` at all: staff notes never reach requesters.
fn may_concern(caller: &Caller, event: &OutboxEvent) -> bool {
    is_bureau(caller) || event.payload_json()["kind"] != "STAFF_NOTE"
}

/// The subscriber, when the authorization matrix lets them use subscription `field`
/// (`UNAUTHENTICATED` without a token, `FORBIDDEN` for a role the matrix denies).
fn subscriber<'a>(ctx: &'a Context<'_>, field: &str) -> Result<&'a Caller> {
    let caller = caller(ctx);
    match ctx.data_opt::<SubscriptionGate>() {
        Some(gate) => (gate.0)(field, caller)?,
        None => return Err(error::internal("the schema has no subscription gate")),
    }
    caller.ok_or_else(|| error::internal("the matrix lets no anonymous subscriber in"))
}

/// Who may use a subscription root field (schema data): the edge's authorization matrix,
/// handed down so the schema does not import the edge.
#[derive(Clone, Copy)]
pub struct SubscriptionGate(pub fn(&str, Option<&Caller>) -> Result<()>);

#[Subscription]
impl Subscription {
    /// Every change of one service request: state changes, the mid-response, the final
    /// response, replies and reassignments, each as the request now is. For its requester's
    /// local government and for bureau staff who may see it; anyone else gets NOT_FOUND.
    async fn service_request_updated(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<BoxStream<'static, Result<ServiceRequest>>> {
        let caller = subscriber(ctx, "serviceRequestUpdated")?;
        let feed = Feed::new(ctx, caller)?;
        // Refuse at once what the subscriber may not see (the service decides).
        let message = pb::GetRequestRequest {
            id: id.0.clone(),
            ..Default::default()
        };
        read(
            ctx,
            Requests,
            "GetRequest",
            message,
            |mut client, request| async move { client.get_request(request).await },
        )
        .await?;
        let id = id.0;
        Ok(futures::stream::unfold(feed, move |mut feed| {
            let id = id.clone();
            async move {
                loop {
                    let caller = feed.caller.clone();
                    feed.next_event(|e| e.aggregate_id == id && may_concern(&caller, e))
                        .await?;
                    match feed.read(&id).await {
                        Some(read) => return Some((read.map(ServiceRequest), feed)),
                        None => continue,
                    }
                }
            }
        })
        .boxed())
    }

    /// The bureau's queue: every change of a request in `departmentCode` (every department
    /// when absent) that the subscriber may see. Bureau staff and administrators only.
    async fn service_request_queue(
        &self,
        ctx: &Context<'_>,
        department_code: Option<String>,
    ) -> Result<BoxStream<'static, Result<ServiceRequest>>> {
        let caller = subscriber(ctx, "serviceRequestQueue")?;
        let feed = Feed::new(ctx, caller)?;
        let department = department_code.filter(|d| !d.is_empty());
        Ok(futures::stream::unfold(feed, move |mut feed| {
            let department = department.clone();
            async move {
                loop {
                    let event = feed.next_event(|_| true).await?;
                    let hinted = department_of(&event);
                    if let (Some(wanted), Some(hinted)) = (&department, &hinted)
                        && wanted != hinted
                    {
                        continue;
                    }
                    match feed.read(&event.aggregate_id).await {
                        Some(Ok(request))
                            if department.as_ref().is_some_and(|d| {
                                Some(d) != request.department.as_ref().map(|x| &x.code)
                            }) =>
                        {
                            continue;
                        }
                        Some(read) => return Some((read.map(ServiceRequest), feed)),
                        None => continue,
                    }
                }
            }
        })
        .boxed())
    }

    /// Every new notice in the caller's inbox, as it is made (see `notifications`).
    async fn notification_received(
        &self,
        ctx: &Context<'_>,
    ) -> Result<BoxStream<'static, Result<super::notifications::Notification>>> {
        let caller = subscriber(ctx, "notificationReceived")?;
        super::notifications::received(ctx, caller)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glocal_kit::outbox::EntityRef;

    #[test]
    fn staff_notes_never_wake_requesters() {
        let note = OutboxEvent {
            occurred_at: None,
            service: "requests".into(),
            id: "e".into(),
            aggregate_type: "ServiceRequest".into(),
            aggregate_id: "r".into(),
            event_type: "ServiceRequestMessageAdded".into(),
            touched: vec![EntityRef::new("Department", "GAOK")],
            payload: r#"{"kind":"STAFF_NOTE"}"#.into(),
        };
        assert!(is_request_change(&note));
        assert_eq!(department_of(&note).as_deref(), Some("GAOK"));
        let official = Caller::new("o", "O", "11000", [Role::LocalOfficial]);
        let staff = Caller::new("s", "S", "GAOK", [Role::BureauStaff]);
        assert!(!may_concern(&official, &note));
        assert!(may_concern(&staff, &note));
        let reply = OutboxEvent {
            payload: r#"{"kind":"MID_RESPONSE"}"#.into(),
            ..note
        };
        assert!(may_concern(&official, &reply));
        let registration = OutboxEvent {
            service: "events".into(),
            aggregate_type: "Registration".into(),
            ..reply
        };
        assert!(!is_request_change(&registration));
    }
}
