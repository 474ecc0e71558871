//! Rate limiting per caller, in Redis so every gateway replica shares the count: a fixed
//! window of `rate_limit_window_ms` per caller — the partner organisation of a `partner`
//! token, else the token's subject, or the client's IP address when anonymous — allowing
//! the partner's quota (`rate_limit_partner_quotas`, else `rate_limit_partner_requests`),
//! `rate_limit_requests` (authenticated) or `rate_limit_anonymous_requests` (anonymous)
//! requests. Over the limit the answer is 429 with `Retry-After` (seconds until the window
//! ends) and a GraphQL error with `extensions.reason` `PARTNER_QUOTA_EXCEEDED` or
//! `RATE_LIMITED`, said in the caller's language (ADR 0027).
//!
//! Partners' requests are counted in `gateway_partner_requests_total{partner, outcome}`;
//! `partner` is the organisation id of the partners `rate_limit_partner_quotas` names and
//! `other` for the rest, so the label's values are bounded by configuration, not traffic.
//!
//! One Lua script counts and sets the expiry atomically; keys are
//! `{redis.key_prefix}gateway:ratelimit:{partner|sub|ip}:{id}`. Redis is an accelerator: when
//! it is not configured nothing is limited, and when it fails or is slow the request passes
//! (fail open) and the failure is logged and counted.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;

use glocal_kit::Role;
use glocal_kit::config::Settings;
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::Message;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::edge::auth::Identity;
use crate::edge::errors::{MediaType, json_response, localize};
use crate::edge::http::request_language;

/// Increments the window's counter, starting its expiry with the first request; returns
/// the count and the milliseconds left in the window.
const SCRIPT: &str = r"
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
";

/// How long the limiter waits for Redis before letting a request pass.
const REDIS_DEADLINE: Duration = Duration::from_millis(250);

/// `extensions.reason` of a partner over its quota.
pub const PARTNER_QUOTA_EXCEEDED: &str = "PARTNER_QUOTA_EXCEEDED";
/// `extensions.reason` of any other caller over its limit.
pub const RATE_LIMITED: &str = "RATE_LIMITED";

/// The metrics label of partners `rate_limit_partner_quotas` does not name.
pub const OTHER_PARTNER: &str = "other";

/// What the limiter decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Under the limit (or not limited, or Redis failed).
    Allow,
    /// Over the limit until the window ends.
    Deny {
        /// Time left in the window.
        retry_after: Duration,
        /// The limit that was exceeded, when it was a partner's quota.
        partner_quota: Option<u64>,
    },
}

/// Which count a request goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bucket {
    /// A partner organisation (its organisation claim, else its subject).
    Partner(String),
    /// Another authenticated caller (its subject).
    Subject(String),
    /// An anonymous client (its address).
    Address(String),
}

/// The per-caller rate limiter.
pub struct RateLimiter {
    redis: Option<ConnectionManager>,
    script: redis::Script,
    prefix: String,
    window: Duration,
    authenticated: u64,
    anonymous: u64,
    partner: u64,
    partner_quotas: HashMap<String, u64>,
    ip_header: Option<http::HeaderName>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("redis", &self.redis.is_some())
            .field("window", &self.window)
            .field("authenticated", &self.authenticated)
            .field("anonymous", &self.anonymous)
            .field("partner", &self.partner)
            .field("partner_quotas", &self.partner_quotas.len())
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// The limiter of `settings`. The Redis connection is made lazily and re-made after
    /// failures, so a Redis that is down at start-up only means no limiting until it is
    /// back.
    pub fn new(settings: &Settings) -> RateLimiter {
        let g = &settings.gateway;
        let redis = match settings.redis.url.expose() {
            "" => None,
            url => match redis::Client::open(url).and_then(|client| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(REDIS_DEADLINE))
                    .set_response_timeout(Some(REDIS_DEADLINE))
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_secs(1));
                ConnectionManager::new_lazy_with_config(client, config)
            }) {
                Ok(manager) => Some(manager),
                Err(error) => {
                    tracing::warn!(%error, "rate limiter without Redis: requests are not limited");
                    None
                }
            },
        };
        if redis.is_some() {
            // From 0, so the "Redis down" alert sees the series before the first failure
            // (the recorder first, or the 0 is recorded nowhere).
            let _ = glocal_kit::metrics::prometheus();
            metrics::counter!("gateway_rate_limiter_errors_total").increment(0);
        }
        let ip_header = match g.client_ip_header.trim() {
            "" => None,
            name => http::HeaderName::from_bytes(name.as_bytes()).ok(),
        };
        RateLimiter {
            redis,
            script: redis::Script::new(SCRIPT),
            prefix: settings.redis.key_prefix.clone(),
            window: Duration::from_millis(g.rate_limit_window_ms),
            authenticated: g.rate_limit_requests,
            anonymous: g.rate_limit_anonymous_requests,
            partner: g.rate_limit_partner_requests,
            // Checked when the settings were loaded (`check_gateway`).
            partner_quotas: glocal_kit::config::partner_quotas(&g.rate_limit_partner_quotas)
                .unwrap_or_default()
                .into_iter()
                .collect(),
            ip_header,
        }
    }

    /// The window's length.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The bucket `identity`'s request counts in, and that bucket's limit.
    fn bucket(
        &self,
        identity: &Identity,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
    ) -> (Bucket, u64) {
        match &identity.0 {
            Some(caller) if caller.has(Role::Partner) => {
                let org = if caller.org.trim().is_empty() {
                    &caller.subject
                } else {
                    &caller.org
                };
                let limit = self
                    .partner_quotas
                    .get(org)
                    .copied()
                    .unwrap_or(self.partner);
                (Bucket::Partner(org.clone()), limit)
            }
            Some(caller) => (Bucket::Subject(caller.subject.clone()), self.authenticated),
            None => {
                let ip = self.client_ip(peer, headers);
                (
                    Bucket::Address(ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())),
                    self.anonymous,
                )
            }
        }
    }

    /// The metrics label of partner `org`: itself when configured by name, else
    /// [`OTHER_PARTNER`].
    fn partner_label(&self, org: &str) -> String {
        if self.partner_quotas.contains_key(org) {
            org.to_owned()
        } else {
            OTHER_PARTNER.to_owned()
        }
    }

    /// Counts one request of `identity` (from `peer`, with `headers`) and decides.
    pub async fn check(
        &self,
        identity: &Identity,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
    ) -> Decision {
        let (bucket, limit) = self.bucket(identity, peer, headers);
        let decision = self.count(&bucket, limit).await;
        if let Bucket::Partner(org) = &bucket {
            let outcome = match decision {
                Decision::Allow => "allowed",
                Decision::Deny { .. } => "limited",
            };
            metrics::counter!(
                "gateway_partner_requests_total",
                "partner" => self.partner_label(org),
                "outcome" => outcome
            )
            .increment(1);
        }
        decision
    }

    /// Counts one request in `bucket` against `limit` (0 = unlimited).
    async fn count(&self, bucket: &Bucket, limit: u64) -> Decision {
        let Some(redis) = &self.redis else {
            return Decision::Allow;
        };
        if limit == 0 {
            return Decision::Allow;
        }
        let (kind, id) = match bucket {
            Bucket::Partner(org) => ("partner", org.clone()),
            Bucket::Subject(sub) => ("sub", sub.clone()),
            Bucket::Address(ip) => ("ip", ip.clone()),
        };
        let id: String = id.chars().take(128).collect();
        let key = format!("{}gateway:ratelimit:{kind}:{id}", self.prefix);
        let window_ms = u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX);
        let mut conn = redis.clone();
        let mut invocation = self.script.key(&key);
        invocation.arg(window_ms);
        let counted = tokio::time::timeout(
            REDIS_DEADLINE,
            invocation.invoke_async::<(u64, i64)>(&mut conn),
        )
        .await;
        match counted {
            Ok(Ok((count, ttl_ms))) if count > limit => {
                metrics::counter!("gateway_rate_limited_total", "kind" => kind).increment(1);
                let ttl = u64::try_from(ttl_ms).unwrap_or(window_ms).max(1);
                Decision::Deny {
                    retry_after: Duration::from_millis(ttl),
                    partner_quota: matches!(bucket, Bucket::Partner(_)).then_some(limit),
                }
            }
            Ok(Ok(_)) => Decision::Allow,
            Ok(Err(error)) => {
                metrics::counter!("gateway_rate_limiter_errors_total").increment(1);
                tracing::warn!(%error, "rate limiter: Redis failed; letting the request pass");
                Decision::Allow
            }
            Err(_) => {
                metrics::counter!("gateway_rate_limiter_errors_total").increment(1);
                tracing::warn!("rate limiter: Redis too slow; letting the request pass");
                Decision::Allow
            }
        }
    }

    /// The client's address: the last entry of the configured header (the one the
    /// trusted proxy added), else the TCP peer.
    fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let forwarded = self.ip_header.as_ref().and_then(|name| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|v| v.trim().parse::<IpAddr>().ok())
                .next_back()
        });
        forwarded.or(peer)
    }
}

/// Middleware (after authentication): 429 with `Retry-After` when the caller is over its
/// limit.
pub async fn layer(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let identity = request
        .extensions()
        .get::<Identity>()
        .cloned()
        .unwrap_or_default();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    match limiter.check(&identity, peer, request.headers()).await {
        Decision::Allow => next.run(request).await,
        Decision::Deny {
            retry_after,
            partner_quota,
        } => {
            let secs = retry_after.as_millis().div_ceil(1000).max(1);
            let (reason, message) = match partner_quota {
                Some(limit) => (
                    PARTNER_QUOTA_EXCEEDED,
                    Message::new("limit-partner-quota")
                        .arg("limit", limit)
                        .arg("window", limiter.window().as_millis().div_ceil(1000))
                        .arg("seconds", secs),
                ),
                None => (
                    RATE_LIMITED,
                    Message::new("limit-rate").arg("seconds", secs),
                ),
            };
            let mut body = serde_json::json!({ "errors": [{
                "message": message.render(glocal_kit::i18n::Lang::En),
                "extensions": {
                    "code": ErrorCode::Unavailable.as_str(),
                    "reason": reason,
                    "messageKey": message.key,
                    "messageArgs": message.args,
                },
            }]});
            localize(&mut body, request_language(request.headers()).into());
            let mut response = json_response(StatusCode::TOO_MANY_REQUESTS, MediaType::Json, &body);
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_ip_is_the_last_forwarded_entry_or_the_peer() {
        let mut settings = Settings::default();
        let peer: IpAddr = "10.0.0.9".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 203.0.113.7"),
        );
        let limiter = RateLimiter::new(&settings);
        assert_eq!(limiter.client_ip(Some(peer), &headers), Some(peer));
        settings.gateway.client_ip_header = "X-Forwarded-For".into();
        let limiter = RateLimiter::new(&settings);
        assert_eq!(
            limiter.client_ip(Some(peer), &headers),
            Some("203.0.113.7".parse().unwrap())
        );
        assert_eq!(limiter.client_ip(Some(peer), &HeaderMap::new()), Some(peer));
    }

    #[test]
    fn partners_count_per_organisation_against_their_own_quota() {
        let mut settings = Settings::default();
        settings.gateway.rate_limit_partner_requests = 50;
        settings.gateway.rate_limit_partner_quotas = "org-a=5, org-c=0".into();
        let limiter = RateLimiter::new(&settings);
        let h = HeaderMap::new();
        let partner = |sub: &str, org: &str| {
            Identity(Some(glocal_kit::Caller::new(
                sub,
                "P",
                org,
                [Role::Partner],
            )))
        };
        let a = (Bucket::Partner("org-a".into()), 5);
        assert_eq!(limiter.bucket(&partner("client-1", "org-a"), None, &h), a);
        assert_eq!(limiter.bucket(&partner("client-2", "org-a"), None, &h), a);
        assert_eq!(
            limiter.bucket(&partner("client-3", "org-b"), None, &h),
            (Bucket::Partner("org-b".into()), 50)
        );
        assert_eq!(
            limiter.bucket(&partner("client-4", ""), None, &h),
            (Bucket::Partner("client-4".into()), 50)
        );
        assert_eq!(limiter.bucket(&partner("c", "org-c"), None, &h).1, 0);
        let official = Identity(Some(glocal_kit::Caller::new(
            "u1",
            "Kim",
            "11000",
            [Role::LocalOfficial],
        )));
        assert_eq!(
            limiter.bucket(&official, None, &h),
            (
                Bucket::Subject("u1".into()),
                settings.gateway.rate_limit_requests
            )
        );
        assert_eq!(limiter.partner_label("org-a"), "org-a");
        assert_eq!(limiter.partner_label("org-b"), OTHER_PARTNER);
    }
}
