//! Who made a change, as far as the change event tells: the gRPC server runs every call
//! inside [`scope`] of the caller's subject and contact (the token's `email` and `locale`
//! claims, which the gateway forwards in metadata), and [`append`](super::append) adds them
//! to the event's payload as `"actor": {"subject", "email", "locale"}`. The notifier learns
//! people's contacts from there; services write nothing for it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::{Map, Value, json};

/// The acting caller of a change event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The token's subject.
    pub subject: String,
    /// The token's `email` claim.
    pub email: Option<String>,
    /// The token's `locale` claim.
    pub locale: Option<String>,
}

tokio::task_local! {
    static ACTOR: Actor;
}

/// Runs `f` with `actor` as the author of every change it appends.
pub async fn scope<F: Future>(actor: Actor, f: F) -> F::Output {
    ACTOR.scope(actor, f).await
}

/// The actor of the current call, if any.
pub fn current() -> Option<Actor> {
    ACTOR.try_with(Clone::clone).ok()
}

/// `payload` with the current actor added under `actor` (unchanged when there is no actor,
/// the payload is not an object, or it already names one).
pub(super) fn stamp(payload: &Value) -> Value {
    match (current(), payload) {
        (Some(actor), Value::Object(map)) if !map.contains_key("actor") => {
            let mut map: Map<String, Value> = map.clone();
            map.insert(
                "actor".into(),
                json!({ "subject": actor.subject, "email": actor.email, "locale": actor.locale }),
            );
            Value::Object(map)
        }
        _ => payload.clone(),
    }
}

/// The actor a request's caller metadata names (`glocal-caller-sub`, `-email`, `-locale`).
fn from_headers(headers: &http::HeaderMap) -> Option<Actor> {
    let text = |key: &str| {
        headers
            .get(key)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    Some(Actor {
        subject: text("glocal-caller-sub")?,
        email: text("glocal-caller-email"),
        locale: text("glocal-caller-locale"),
    })
}

/// A tower layer that runs each gRPC call inside [`scope`] of its caller.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActorLayer;

impl<S> tower::Layer<S> for ActorLayer {
    type Service = ActorService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        ActorService { inner }
    }
}

/// The service of [`ActorLayer`].
#[derive(Debug, Clone)]
pub struct ActorService<S> {
    inner: S,
}

impl<S, B> tower::Service<http::Request<B>> for ActorService<S>
where
    S: tower::Service<http::Request<B>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let actor = from_headers(req.headers());
        let call = self.inner.call(req);
        match actor {
            Some(actor) => Box::pin(ACTOR.scope(actor, call)),
            None => Box::pin(call),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn payloads_are_stamped_only_inside_a_scope() {
        let payload = json!({ "id": "1" });
        assert_eq!(stamp(&payload), payload);
        let actor = Actor {
            subject: "u1".into(),
            email: Some("u1@example.kr".into()),
            locale: Some("ko".into()),
        };
        let stamped = scope(actor, async { stamp(&payload) }).await;
        assert_eq!(
            stamped,
            json!({ "id": "1", "actor": { "subject": "u1", "email": "u1@example.kr", "locale": "ko" } })
        );
    }

    #[test]
    fn the_actor_comes_from_caller_metadata() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(from_headers(&headers), None);
        headers.insert("glocal-caller-sub", "u2".parse().unwrap());
        headers.insert("glocal-caller-locale", "en".parse().unwrap());
        assert_eq!(
            from_headers(&headers),
            Some(Actor {
                subject: "u2".into(),
                email: None,
                locale: Some("en".into())
            })
        );
    }
}
