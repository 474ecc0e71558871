//! The gateway's gRPC clients: one reusable channel per service, balanced over every
//! address of a Kubernetes headless service when asked, and retries of idempotent reads.
//!
//! - A service URL written `dns+http://name:port` (or any URL when `gateway.client_lb` is
//!   on) becomes a tonic balanced channel (power of two choices) over all the addresses
//!   `name` resolves to, resolved again every `client_lb_refresh_ms`: pods that appear
//!   join, pods that go away leave. When the name resolves to nothing the name itself is
//!   kept as the one endpoint, so calls fail fast (UNAVAILABLE) instead of waiting.
//! - [`ReadRetry`] retries a read (a `Get…`, `List…`, `BatchGet…`, `BatchList…`, `Search…`
//!   or `Verify…` call, or `CheckEligibility`: see [`is_idempotent_read`]) that failed
//!   with UNAVAILABLE, with exponential backoff and jitter. Every read the gateway makes goes
//!   through it: the resolvers' ([`crate::upstream::read`]), the
//!   DataLoaders', federation's entity lookups, the practices feed and the iCalendar
//!   routes. Writes are never retried: a write whose answer was lost may have happened,
//!   and repeating it is the client's decision (mutations take an idempotency key for
//!   that).
//!
//! Every attempt is a fresh request with its own deadline and trace context
//! ([`ReadRetry::read`], over `glocal_kit::grpc::request`).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use glocal_kit::Caller;
use glocal_kit::config::GatewaySettings;
use glocal_kit::grpc::GrpcError;
use http::Uri;
use tonic::transport::channel::Change;
use tonic::transport::{Channel, Endpoint};

/// The scheme prefix that asks for client-side load balancing.
pub const DNS_PREFIX: &str = "dns+";

/// Resolves a host and port to socket addresses (the system resolver by default; tests
/// substitute their own).
pub type Resolver = Arc<
    dyn Fn(String, u16) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>>
        + Send
        + Sync,
>;

/// The system resolver (`getaddrinfo` through tokio).
pub fn system_resolver() -> Resolver {
    Arc::new(|host, port| {
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host.as_str(), port))
                .await?
                .collect())
        })
    })
}

/// The channel to the service at `url`, per `settings`: balanced over the name's
/// addresses for `dns+` URLs or when `client_lb` is on, else one lazily connecting
/// channel.
pub fn channel(url: &str, settings: &GatewaySettings) -> Result<Channel, GrpcError> {
    let connect_timeout = Duration::from_millis(settings.grpc_timeout_ms);
    let refresh = Duration::from_millis(settings.client_lb_refresh_ms);
    match url.strip_prefix(DNS_PREFIX) {
        Some(plain) => balanced_channel(plain, connect_timeout, refresh, system_resolver()),
        None if settings.client_lb => {
            balanced_channel(url, connect_timeout, refresh, system_resolver())
        }
        None => glocal_kit::grpc::channel(url, connect_timeout),
    }
}

/// Where a balanced endpoint came from: a resolved address, or the unresolved name kept
/// while it resolves to nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Target {
    Address(SocketAddr),
    Name,
}

/// A channel balanced over every address `url`'s host resolves to, re-resolved every
/// `refresh` by a background task that ends when the channel is dropped.
///
/// Needs a tokio runtime.
pub fn balanced_channel(
    url: &str,
    connect_timeout: Duration,
    refresh: Duration,
    resolver: Resolver,
) -> Result<Channel, GrpcError> {
    let invalid = || GrpcError::Endpoint(url.to_owned());
    let uri: Uri = url.parse().map_err(|_| invalid())?;
    let scheme = uri.scheme_str().ok_or_else(invalid)?.to_owned();
    let host = uri.host().ok_or_else(invalid)?.to_owned();
    let port = uri
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| invalid())?;
    let fallback = endpoint(url, &uri, connect_timeout).ok_or_else(invalid)?;
    let (channel, changes) = Channel::balance_channel::<Target>(64);
    let make =
        move |addr: SocketAddr| endpoint(&format!("{scheme}://{addr}"), &uri, connect_timeout);
    runtime.spawn(async move {
        let mut current: HashSet<Target> = HashSet::new();
        loop {
            let resolved = match resolver(host.clone(), port).await {
                Ok(addrs) => addrs,
                Err(error) => {
                    tracing::warn!(%error, host = %host, "cannot resolve a balanced service");
                    Vec::new()
                }
            };
            let mut wanted: HashMap<Target, Endpoint> = HashMap::new();
            for addr in resolved {
                if let Some(endpoint) = make(addr) {
                    wanted.insert(Target::Address(addr), endpoint);
                }
            }
            if wanted.is_empty() {
                // Keep a target so calls fail fast rather than wait for an endpoint.
                wanted.insert(Target::Name, fallback.clone());
            }
            for gone in current.iter().filter(|t| !wanted.contains_key(*t)) {
                if changes.send(Change::Remove(gone.clone())).await.is_err() {
                    return;
                }
            }
            for (target, endpoint) in &wanted {
                if !current.contains(target)
                    && changes
                        .send(Change::Insert(target.clone(), endpoint.clone()))
                        .await
                        .is_err()
                {
                    return;
                }
            }
            if current.len() != wanted.len() || !wanted.keys().all(|t| current.contains(t)) {
                tracing::debug!(host = %host, endpoints = wanted.len(), "balanced service resolved");
            }
            current = wanted.into_keys().collect();
            tokio::select! {
                () = tokio::time::sleep(refresh) => {}
                () = changes.closed() => return,
            }
        }
    });
    Ok(channel)
}

/// An endpoint at `target` that presents itself as `origin` (the service's name).
fn endpoint(target: &str, origin: &Uri, connect_timeout: Duration) -> Option<Endpoint> {
    Some(
        Endpoint::from_shared(target.to_owned())
            .ok()?
            .origin(origin.clone())
            .connect_timeout(connect_timeout)
            .tcp_nodelay(true)
            .http2_keep_alive_interval(Duration::from_secs(30))
            .keep_alive_while_idle(true),
    )
}

/// Retries of idempotent reads: how many, and how long to wait between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadRetry {
    /// Extra attempts after the first.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one (capped at 1 s), with
    /// full jitter.
    pub backoff: Duration,
}

/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

impl ReadRetry {
    /// The policy of `settings` (`read_retries`, `retry_backoff_ms`).
    pub fn from_settings(settings: &GatewaySettings) -> ReadRetry {
        ReadRetry {
            retries: settings.read_retries,
            backoff: Duration::from_millis(settings.retry_backoff_ms),
        }
    }

    /// No retries.
    pub const NONE: ReadRetry = ReadRetry {
        retries: 0,
        backoff: Duration::ZERO,
    };

    /// Runs `call` of the gRPC method named `method` (each attempt builds its request
    /// anew, with a fresh deadline). When the method only reads (see
    /// [`is_idempotent_read`]) a failure with UNAVAILABLE (or a transport failure, see
    /// [`glocal_kit::error::is_transport_failure`]) is retried; any other method is called
    /// exactly once.
    pub async fn run<T, F, Fut>(
        &self,
        method: &'static str,
        mut call: F,
    ) -> Result<T, tonic::Status>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, tonic::Status>>,
    {
        let retries = if is_idempotent_read(method) {
            self.retries
        } else {
            0
        };
        let mut attempt = 0;
        loop {
            match call().await {
                Err(status)
                    if status.code() == tonic::Code::Unavailable
                        || glocal_kit::error::is_transport_failure(&status) =>
                {
                    if attempt >= retries {
                        return Err(status);
                    }
                    attempt += 1;
                    metrics::counter!("grpc_client_retries_total", "method" => method).increment(1);
                    tracing::debug!(method, attempt, error = %status, "retrying a read");
                    tokio::time::sleep(self.delay(attempt)).await;
                }
                other => return other,
            }
        }
    }

    /// Calls the gRPC method named `method` through a clone of `client`, each attempt
    /// sending `message` in a fresh request (`caller`, trace context, a deadline of
    /// `timeout`), retried as [`ReadRetry::run`] says. `call` makes the one call, e.g.
    /// `|mut client, request| async move { client.get_request(request).await }`.
    pub async fn read<C, M, R, F, Fut>(
        &self,
        method: &'static str,
        client: &C,
        message: M,
        caller: Option<&Caller>,
        timeout: Duration,
        mut call: F,
    ) -> Result<tonic::Response<R>, tonic::Status>
    where
        C: Clone,
        M: Clone,
        F: FnMut(C, tonic::Request<M>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<R>, tonic::Status>>,
    {
        self.run(method, || {
            let request = glocal_kit::grpc::request(message.clone(), caller, timeout);
            call(client.clone(), request)
        })
        .await
    }

    /// The wait before retry number `attempt` (1-based): uniform in
    /// `0..=min(backoff × 2^(attempt-1), 1 s)`.
    fn delay(&self, attempt: u32) -> Duration {
        let ceiling = self
            .backoff
            .saturating_mul(1 << attempt.saturating_sub(1).min(16))
            .min(MAX_BACKOFF.max(self.backoff));
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random() % (nanos + 1))
    }
}

/// True when `method` (a gRPC method name, e.g. `GetRequest`) only reads, so repeating it
/// is safe: `Get…`, `List…`, `BatchGet…`, `BatchList…`, `Search…`, `Verify…` and
/// `CheckEligibility` (not `CheckIn`, a write).
pub fn is_idempotent_read(method: &str) -> bool {
    ["Get", "List", "BatchGet", "BatchList", "Search", "Verify"]
        .iter()
        .any(|prefix| method.starts_with(prefix))
        || READS.contains(&method)
}

/// Reads whose verb also names writes (`CheckIn` is a write).
const READS: [&str; 1] = ["CheckEligibility"];

/// A random number for jitter (from the standard library's per-hasher random keys).
fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos().into()),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn unavailable_reads_are_retried_then_given_up() {
        let policy = ReadRetry {
            retries: 2,
            backoff: Duration::from_millis(1),
        };
        let calls = AtomicU32::new(0);
        let result = policy
            .run("GetRequest", || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(tonic::Status::unavailable("down"))
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 3);

        let calls = AtomicU32::new(0);
        let result: Result<(), _> = policy
            .run("ListRequests", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(tonic::Status::unavailable("down"))
            })
            .await;
        assert_eq!(result.unwrap_err().code(), tonic::Code::Unavailable);
        assert_eq!(calls.load(Ordering::SeqCst), 3, "one call and two retries");
    }

    #[tokio::test]
    async fn writes_are_never_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = ReadRetry {
            retries: 5,
            backoff: Duration::ZERO,
        }
        .run("SubmitRequest", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(tonic::Status::unavailable("down"))
        })
        .await;
        assert_eq!(result.unwrap_err().code(), tonic::Code::Unavailable);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn other_failures_are_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = ReadRetry {
            retries: 5,
            backoff: Duration::ZERO,
        }
        .run("GetRequest", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(tonic::Status::not_found("no"))
        })
        .await;
        assert_eq!(result.unwrap_err().code(), tonic::Code::NotFound);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = ReadRetry {
            retries: 10,
            backoff: Duration::from_millis(100),
        };
        for attempt in 1..=10 {
            let ceiling = Duration::from_millis(100 * (1 << (attempt - 1))).min(MAX_BACKOFF);
            assert!(policy.delay(attempt) <= ceiling, "attempt {attempt}");
        }
        assert_eq!(ReadRetry::NONE.delay(1), Duration::ZERO);
    }

    #[test]
    fn reads_are_told_from_writes() {
        for read in [
            "GetRequest",
            "ListRequests",
            "BatchGetLocalGovernments",
            "BatchListInteractions",
            "SearchPractices",
            "VerifyCertificate",
            "CheckEligibility",
        ] {
            assert!(is_idempotent_read(read), "{read}");
        }
        for write in [
            "SubmitRequest",
            "Close",
            "SetRoutingRule",
            "DeleteRoutingRule",
            "CheckIn",
            "GenerateStipendSchedule",
        ] {
            assert!(!is_idempotent_read(write), "{write}");
        }
    }
}
