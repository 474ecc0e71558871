//! The gateway's section (`[gateway]`): endpoints of the services, limits, rate limits
//! (with named partners' quotas) and the switches that follow the environment.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::Environment;

/// The GraphQL gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewaySettings {
    /// HTTP listen address.
    pub listen: SocketAddr,
    /// gRPC endpoint of the requests service.
    pub requests_url: String,
    /// gRPC endpoint of the training service.
    pub training_url: String,
    /// gRPC endpoint of the events service.
    pub events_url: String,
    /// gRPC endpoint of the research service.
    pub research_url: String,
    /// Notifier service URL.
    pub notifier_url: String,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Deadline of each gRPC call (ms).
    pub grpc_timeout_ms: u64,
    /// Deadline of a whole HTTP request (ms).
    pub request_timeout_ms: u64,
    /// Serve GraphiQL on GET /graphql; unset = on in development, off in production.
    #[serde(
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub graphiql: Option<bool>,
    /// Allow schema introspection; unset = on in development, off in production.
    #[serde(
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub introspection: Option<bool>,
    /// Suggest field names in validation errors ("Did you mean …"); unset = on in
    /// development, off in production.
    #[serde(
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub field_suggestions: Option<bool>,
    /// Serve the partner graph's SDL as Apollo Federation's `_service { sdl }` on
    /// `/subgraph`; unset = on in development, off in production.
    #[serde(
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_sdl: Option<bool>,
    /// Deepest nesting of selections an operation may have.
    pub max_depth: usize,
    /// Highest complexity (selected fields, weighted) an operation may have.
    pub max_complexity: usize,
    /// Most aliased fields one operation may select, fragments counted where spread.
    pub max_aliases: usize,
    /// Longest GraphQL document in bytes, checked before it is parsed.
    pub max_document_bytes: usize,
    /// Most fragment spreads (`...Name`) one document may write.
    pub max_fragment_spreads: usize,
    /// Most directives one document may write.
    pub max_directives: usize,
    /// Most variables one document may define (or one request may send).
    pub max_variables: usize,
    /// Most operations in one batched POST (a JSON array); 0 refuses batches.
    pub max_batch: usize,
    /// Requests per window allowed to one authenticated caller (by subject); 0 = unlimited.
    pub rate_limit_requests: u64,
    /// Requests per window allowed to one anonymous client (by IP); 0 = unlimited.
    pub rate_limit_anonymous_requests: u64,
    /// Length of the rate-limit window (ms).
    pub rate_limit_window_ms: u64,
    /// Requests per window allowed to one partner organisation (a `partner` token, counted
    /// by its organisation claim, every client of the partner together); 0 = unlimited.
    pub rate_limit_partner_requests: u64,
    /// Quotas of named partners, overriding `rate_limit_partner_requests`:
    /// `"<organisation id>=<requests>,…"`. The partners named here are also the only ones
    /// with a label of their own in the metrics (the rest are `other`).
    pub rate_limit_partner_quotas: String,
    /// Deadline of each dependency check of `/readyz` (ms), well under the readiness
    /// probe's timeout so one slow service cannot make the probe time out.
    pub readiness_timeout_ms: u64,
    /// Header that carries the client's address when behind a proxy (e.g.
    /// `x-forwarded-for`, its last entry is used); empty = the TCP peer address.
    pub client_ip_header: String,
    /// How long an automatic persisted query stays stored (seconds).
    pub apq_ttl_secs: u64,
    /// Bytes of document text whose parsed form the gateway keeps (an LRU of parsed
    /// documents by their text); 0 parses every request's document.
    pub document_cache_bytes: usize,
    /// How long a whole response of a public read stays in the response cache (seconds);
    /// 0 turns the response cache off.
    pub response_cache_ttl_secs: u64,
    /// Bytes of response bodies each gateway keeps in its in-process tier of the response
    /// cache (in front of Redis; the only tier without Redis).
    pub response_cache_bytes: usize,
    /// `max-age` of the `Cache-Control` header on a cacheable GET response (seconds): how
    /// long a browser or CDN may reuse it without asking; 0 makes them revalidate (ETag).
    pub response_cache_max_age_secs: u64,
    /// Extra attempts of a failed idempotent read (UNAVAILABLE) to a service.
    pub read_retries: u32,
    /// First backoff before a retried read (ms); doubles each attempt, with jitter.
    pub retry_backoff_ms: u64,
    /// Balance every service URL over all addresses its host resolves to (as if each were
    /// written `dns+http://…`), re-resolving every `client_lb_refresh_ms`.
    pub client_lb: bool,
    /// How often balanced service names are resolved again (ms).
    pub client_lb_refresh_ms: u64,
    /// The gateway's public base URL (`https://api.example.org`), from which the links the
    /// API hands out are made absolute (`calendarUrl`, the Atom feed's links); empty =
    /// `http://<listen>`, with an unspecified address as 127.0.0.1 (right for `glocal dev`).
    pub public_url: String,
    /// The portal's base URL (`https://portal.example.org`); when set, the Atom feed links
    /// each practice to its page there (`<portal_url>/practices/<id>`). Empty = link the
    /// gateway's own answer instead.
    pub portal_url: String,
}

/// A boolean that may also arrive as a string (`"true"`, `"false"`, `"1"`, `"0"`): an
/// optional setting has no default to type an environment variable by.
fn lenient_bool<'de, D>(deserializer: D) -> Result<Option<bool>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Text(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Bool(b) => Ok(Some(b)),
        Raw::Text(t) => match t.trim() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not a boolean"
            ))),
        },
    }
}

impl GatewaySettings {
    /// Whether introspection is on in `environment`: as set, else only in development.
    pub fn introspection_enabled(&self, environment: Environment) -> bool {
        self.introspection
            .unwrap_or(environment == Environment::Development)
    }

    /// Whether GraphiQL is served in `environment`: as set, else only in development.
    pub fn graphiql_enabled(&self, environment: Environment) -> bool {
        self.graphiql
            .unwrap_or(environment == Environment::Development)
    }

    /// Whether validation errors suggest field names in `environment`: as set, else only
    /// in development.
    pub fn field_suggestions_enabled(&self, environment: Environment) -> bool {
        self.field_suggestions
            .unwrap_or(environment == Environment::Development)
    }

    /// Whether `_service { sdl }` serves the schema in `environment`: as set, else only in
    /// development.
    pub fn service_sdl_enabled(&self, environment: Environment) -> bool {
        self.service_sdl
            .unwrap_or(environment == Environment::Development)
    }

    /// The gateway's public base URL, without a trailing slash: `public_url`, else
    /// `http://<listen>` with an unspecified listen address as 127.0.0.1.
    pub fn public_base_url(&self) -> String {
        let set = self.public_url.trim().trim_end_matches('/');
        if !set.is_empty() {
            return set.to_owned();
        }
        let mut listen = self.listen;
        if listen.ip().is_unspecified() {
            listen.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{listen}")
    }

    /// The portal's base URL, without a trailing slash; `None` when `portal_url` is unset.
    pub fn portal_base_url(&self) -> Option<String> {
        let set = self.portal_url.trim().trim_end_matches('/');
        (!set.is_empty()).then(|| set.to_owned())
    }
}

/// Whether `url` is usable as a public base URL: `http(s)://host…`, without query or
/// fragment.
pub(super) fn base_url_ok(url: &str) -> bool {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(['?', '#', ' ']))
}

impl Default for GatewaySettings {
    fn default() -> Self {
        GatewaySettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            requests_url: "http://127.0.0.1:50051".into(),
            training_url: "http://127.0.0.1:50052".into(),
            events_url: "http://127.0.0.1:50053".into(),
            research_url: "http://127.0.0.1:50054".into(),
            notifier_url: "http://127.0.0.1:50055".into(),
            max_body_bytes: 256 * 1024,
            grpc_timeout_ms: 5_000,
            request_timeout_ms: 15_000,
            graphiql: None,
            introspection: None,
            field_suggestions: None,
            service_sdl: None,
            max_depth: 16,
            max_complexity: 1_000,
            max_aliases: 30,
            max_document_bytes: 32 * 1024,
            max_fragment_spreads: 256,
            max_directives: 128,
            max_variables: 100,
            max_batch: 10,
            rate_limit_requests: 1_200,
            rate_limit_anonymous_requests: 300,
            rate_limit_window_ms: 60_000,
            rate_limit_partner_requests: 3_000,
            rate_limit_partner_quotas: String::new(),
            readiness_timeout_ms: 1_000,
            client_ip_header: String::new(),
            apq_ttl_secs: 86_400,
            document_cache_bytes: 4 * 1024 * 1024,
            response_cache_ttl_secs: 60,
            response_cache_bytes: 16 * 1024 * 1024,
            response_cache_max_age_secs: 0,
            read_retries: 2,
            retry_backoff_ms: 50,
            client_lb: false,
            client_lb_refresh_ms: 10_000,
            public_url: String::new(),
            portal_url: String::new(),
        }
    }
}

/// Most partners `gateway.rate_limit_partner_quotas` may name (each is a metrics label).
pub const MAX_NAMED_PARTNERS: usize = 100;

/// Parses `gateway.rate_limit_partner_quotas` (`"<organisation id>=<requests>,…"`, spaces
/// allowed, empty = none) into (organisation id, requests per window) pairs.
pub fn partner_quotas(s: &str) -> Result<Vec<(String, u64)>, String> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (org, n) = item.split_once('=').ok_or_else(|| {
            format!(
                "gateway.rate_limit_partner_quotas: `{item}` is not `<organisation id>=<requests>`"
            )
        })?;
        let org = org.trim();
        let n: u64 = n.trim().parse().map_err(|_| {
            format!("gateway.rate_limit_partner_quotas: `{item}` needs a number of requests")
        })?;
        if org.is_empty() || out.iter().any(|(o, _)| o == org) {
            return Err(format!(
                "gateway.rate_limit_partner_quotas: `{item}` names no partner, or one named before"
            ));
        }
        out.push((org.to_owned(), n));
    }
    if out.len() > MAX_NAMED_PARTNERS {
        return Err(format!(
            "gateway.rate_limit_partner_quotas names {} partners; at most {MAX_NAMED_PARTNERS}",
            out.len()
        ));
    }
    Ok(out)
}
