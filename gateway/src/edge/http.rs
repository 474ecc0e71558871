//! The GraphQL-over-HTTP endpoint, by hand so it follows the specification:
//!
//! - `POST` with an `application/json` body, `GET` with `query`, `variables` and
//!   `operationName` parameters; a mutation over `GET` is 405 with `Allow: POST`.
//! - `Accept` negotiation: `application/graphql-response+json` is answered in kind, with
//!   400 when the request fails before execution (parse or validation errors, no `data`);
//!   `application/json` (also for no `Accept` or `*/*`) always gets 200 for a well-formed
//!   request; anything else is 406.
//! - Malformed JSON or a missing query is 400, a body over `max_body_bytes` is 413; both
//!   answer with a GraphQL-shaped error.
//! - Every error carries `extensions.code`: request errors (parse, validation, limits) get
//!   BAD_USER_INPUT, an argument that fails to coerce gets BAD_USER_INPUT where it is
//!   coerced (see [`resolve_field`]), service errors theirs
//!   ([`crate::upstream::error`]), and a resolver error without a code INTERNAL.
//! - `GET /graphql` from a browser without a query serves GraphiQL (when enabled).
//! - A POST body may be a JSON array of requests (a batch, at most `gateway.max_batch`),
//!   answered with an array in the same order.
//! - `extensions.persistedQuery` (Apollo's automatic persisted queries, see
//!   [`crate::edge::apq`]) stands for the query, over GET and POST.
//! - Documents nested too deep, too complex or with too many aliases are request errors
//!   (see [`crate::edge::limits`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use async_graphql::extensions::{ExtensionContext, NextResolve, ResolveInfo};
use async_graphql::parser::types::{ExecutableDocument, Field, OperationType};
use async_graphql::{PathSegment, ServerError, ServerResult, Variables};
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::response::{Html, IntoResponse, Response};
use bytes::Bytes;
use glocal_kit::error::ErrorCode;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use serde::Deserialize;

use super::AppState;
use super::errors::{
    MediaType, error_response, error_response_as, json_response, localize, negotiate,
};
use crate::edge::apq::{self, ApqError, PersistedQuery};
use crate::edge::auth::Identity;
use crate::edge::limits;
use crate::schema::language::{Language, RequestLanguage};
use crate::upstream::entity_cache::ReadThrough;
use crate::upstream::loaders::SharedLoaders;
use crate::upstream::responses::{self, Collector, Pending, ResponseCache, Stored};

/// The parameters of one GraphQL request, from a POST body or GET query string.
#[derive(Debug, Default, Deserialize)]
struct Params {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<Variables>,
    extensions: Option<serde_json::Value>,
}

impl Params {
    /// `extensions.persistedQuery`, when present; an error when it is malformed.
    fn persisted_query(&self) -> Result<Option<PersistedQuery>, String> {
        match self
            .extensions
            .as_ref()
            .and_then(|e| e.get("persistedQuery"))
        {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|e| format!("`extensions.persistedQuery` is malformed: {e}")),
        }
    }
}

/// The GET form: `variables` and `extensions` are JSON strings.
#[derive(Debug, Default, Deserialize)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// One request's answer before it becomes an HTTP response (a batch puts several bodies
/// in one array).
struct Answer {
    status: StatusCode,
    body: serde_json::Value,
    headers: HeaderMap,
    /// The body as sent, when it is already bytes (a stored answer, or one just stored).
    raw: Option<Bytes>,
    /// What the response cache did.
    cache: CacheState,
    /// Where a candidate's answer goes once it is said in its language.
    pending: Option<Pending>,
}

/// What the response cache ([`crate::upstream::responses`]) did with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CacheState {
    /// Not a candidate (a mutation, a caller with a token, a private root field…).
    Bypass,
    /// Served from the cache; its ETag.
    Hit(String),
    /// Executed: the ETag when the answer is public (stored), else `None`.
    Miss(Option<String>),
}

impl Answer {
    /// A GraphQL-shaped error with `code` (a string: APQ has its own).
    fn error(status: StatusCode, code: &str, message: &str) -> Answer {
        Answer {
            status,
            body: serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] }),
            headers: HeaderMap::new(),
            raw: None,
            cache: CacheState::Bypass,
            pending: None,
        }
    }

    /// A request error (nothing executed): 400 for `application/graphql-response+json`,
    /// 200 for `application/json`, as the specification asks.
    fn request_error(media: MediaType, code: &str, message: &str) -> Answer {
        let status = if media == MediaType::GraphQLResponseJson {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        Answer::error(status, code, message)
    }

    /// A stored answer.
    fn stored(stored: Stored) -> Answer {
        Answer {
            status: StatusCode::OK,
            body: serde_json::Value::Null,
            headers: HeaderMap::new(),
            raw: Some(stored.body),
            cache: CacheState::Hit(stored.etag),
            pending: None,
        }
    }

    /// The body as bytes: as sent when it already is bytes (a stored answer, or one said
    /// as it executed), else serialized (only in batches).
    fn into_bytes(self) -> Bytes {
        match self.raw {
            Some(raw) => raw,
            None => Bytes::from(serde_json::to_vec(&self.body).unwrap_or_default()),
        }
    }

    fn into_response(self, media: MediaType) -> Response {
        let mut response = match self.raw {
            Some(raw) => {
                let mut response = (self.status, raw).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(media.as_str()),
                );
                response
            }
            None => json_response(self.status, media, &self.body),
        };
        response.headers_mut().extend(self.headers);
        let (state, etag) = match &self.cache {
            CacheState::Bypass => ("bypass", None),
            CacheState::Hit(etag) => ("hit", Some(etag)),
            CacheState::Miss(etag) => ("miss", etag.as_ref()),
        };
        let headers = response.headers_mut();
        headers.insert(CACHE_STATE_HEADER, HeaderValue::from_static(state));
        if let Some(etag) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
            headers.insert(header::ETAG, etag);
        }
        response
    }

    /// The answer to a GET: `Cache-Control` (public with its ETag when the answer is one
    /// the cache keeps, else `no-store`), and `304 Not Modified` when the client's
    /// `If-None-Match` names its ETag.
    fn into_get_response(self, media: MediaType, request: &HeaderMap, max_age: u64) -> Response {
        let etag = match &self.cache {
            CacheState::Hit(etag) | CacheState::Miss(Some(etag)) => Some(etag.clone()),
            _ => None,
        };
        let not_modified = etag.as_deref().is_some_and(|etag| {
            request
                .get_all(header::IF_NONE_MATCH)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .map(|v| v.trim().trim_start_matches("W/"))
                .any(|v| v == etag || v == "*")
        });
        let state = self.cache.clone();
        let mut response = if not_modified {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            if let Some(etag) = etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
                response.headers_mut().insert(header::ETAG, etag);
            }
            let label = if matches!(state, CacheState::Hit(_)) {
                "hit"
            } else {
                "miss"
            };
            response
                .headers_mut()
                .insert(CACHE_STATE_HEADER, HeaderValue::from_static(label));
            response
        } else {
            self.into_response(media)
        };
        let control = if etag.is_some() {
            HeaderValue::from_str(&public_cache_control(max_age)).unwrap_or(
                HeaderValue::from_static("public, max-age=0, must-revalidate"),
            )
        } else {
            HeaderValue::from_static("private, no-store")
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, control);
        if etag.is_some() {
            response.headers_mut().insert(
                header::VARY,
                HeaderValue::from_static("Accept, Accept-Language"),
            );
        }
        response
    }
}

/// The header that says what the response cache did: `hit`, `miss` or `bypass`.
pub const CACHE_STATE_HEADER: &str = "glocal-cache";

fn public_cache_control(max_age: u64) -> String {
    if max_age == 0 {
        "public, max-age=0, must-revalidate".to_owned()
    } else {
        ["public, max-age=", &max_age.to_string()].concat()
    }
}

/// `GET /graphql`: queries from the query string, or GraphiQL for a browser.
pub async fn graphql_get(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let identity = request
        .extensions()
        .get::<Identity>()
        .cloned()
        .unwrap_or_default();
    let headers = request.headers().clone();
    let params = match Query::<GetParams>::try_from_uri(request.uri()) {
        Ok(Query(params)) => params,
        Err(error) => {
            let media = negotiate(&headers).unwrap_or(MediaType::Json);
            return error_response_as(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                &format!("invalid query string: {error}"),
                media,
            );
        }
    };
    if params.query.is_none() && state.graphiql && accepts_html(&headers) {
        return Html(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .finish(),
        )
        .into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let variables = match params.variables.as_deref().filter(|v| !v.trim().is_empty()) {
        None => None,
        Some(raw) => match serde_json::from_str::<Variables>(raw) {
            Ok(v) => Some(v),
            Err(error) => {
                return error_response_as(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::BadUserInput,
                    &format!("`variables` is not a JSON object: {error}"),
                    media,
                );
            }
        },
    };
    let extensions = match params
        .extensions
        .as_deref()
        .filter(|v| !v.trim().is_empty())
    {
        None => None,
        Some(raw) => match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(v) => Some(v),
            Err(error) => {
                return error_response_as(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::BadUserInput,
                    &format!("`extensions` is not JSON: {error}"),
                    media,
                );
            }
        },
    };
    let params = Params {
        query: params.query,
        operation_name: params.operation_name,
        variables,
        extensions,
    };
    execute(
        &state,
        Graph::Portal,
        identity,
        &headers,
        params,
        &Method::GET,
        media,
    )
    .await
    .into_get_response(media, &headers, state.settings.response_cache_max_age_secs)
}

/// Which schema a request runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Graph {
    /// The portal's whole schema (`/graphql`).
    Portal,
    /// The partner graph (`/subgraph`): public data, no mutations.
    Partner,
}

impl Graph {
    /// Its name in response-cache keys.
    const fn label(self) -> &'static str {
        match self {
            Graph::Portal => "portal",
            Graph::Partner => "partner",
        }
    }
}

/// `POST /graphql`: a JSON body.
pub async fn graphql_post(State(state): State<Arc<AppState>>, request: Request) -> Response {
    post(&state, request, Graph::Portal).await
}

/// `POST /subgraph`: a JSON body for the partner graph (what a partner's router sends).
pub async fn subgraph_post(State(state): State<Arc<AppState>>, request: Request) -> Response {
    post(&state, request, Graph::Partner).await
}

async fn post(state: &AppState, request: Request, graph: Graph) -> Response {
    let (parts, body) = request.into_parts();
    let identity = parts
        .extensions
        .get::<Identity>()
        .cloned()
        .unwrap_or_default();
    let Some(media) = negotiate(&parts.headers) else {
        return not_acceptable();
    };
    if let Some(content_type) = parts.headers.get(header::CONTENT_TYPE) {
        let essence = content_type
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" {
            return error_response_as(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::BadUserInput,
                "the body must be application/json",
                media,
            );
        }
    }
    let limit = state.settings.max_body_bytes;
    let bytes = match read_body(body, &parts.headers, limit).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            return error_response_as(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BadUserInput,
                &format!("the request body exceeds {limit} bytes"),
                media,
            );
        }
        Err(BodyError::Unreadable) => {
            return error_response_as(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadUserInput,
                "the request body could not be read",
                media,
            );
        }
    };
    let bad_request = |message: &str| {
        error_response_as(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            message,
            media,
        )
    };
    // One request is read straight into its parameters; only a batch (an array) goes
    // through a JSON tree first, to say which of its items is malformed.
    let is_batch = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    if !is_batch {
        let params: Params = match serde_json::from_slice(&bytes) {
            Ok(params) => params,
            Err(error) => {
                return bad_request(&format!("the body is not a GraphQL request: {error}"));
            }
        };
        return execute(
            state,
            graph,
            identity,
            &parts.headers,
            params,
            &Method::POST,
            media,
        )
        .await
        .into_response(media);
    }
    let batch = match serde_json::from_slice::<Vec<serde_json::Value>>(&bytes) {
        Ok(items) => items,
        Err(error) => return bad_request(&format!("the body is not a GraphQL request: {error}")),
    };
    let max = state.settings.max_batch;
    if batch.is_empty() || batch.len() > max {
        metrics::counter!("gateway_limit_refusals_total", "limit" => "batch").increment(1);
        return bad_request(&if max == 0 {
            "batched requests are not accepted".to_owned()
        } else {
            format!("a batch holds 1 to {max} requests")
        });
    }
    let mut requests = Vec::with_capacity(batch.len());
    for (i, item) in batch.into_iter().enumerate() {
        match serde_json::from_value::<Params>(item) {
            Ok(params) => requests.push(params),
            Err(error) => {
                return bad_request(&format!(
                    "request {i} of the batch is not a GraphQL request: {error}"
                ));
            }
        }
    }
    let answers = futures::future::join_all(requests.into_iter().map(|params| {
        execute(
            state,
            graph,
            identity.clone(),
            &parts.headers,
            params,
            &Method::POST,
            media,
        )
    }))
    .await;
    // The items' bytes joined as they are: each keeps its keys in the order selected.
    let mut batch = Vec::new();
    batch.push(b'[');
    for (i, answer) in answers.into_iter().enumerate() {
        if i > 0 {
            batch.push(b',');
        }
        batch.extend_from_slice(&answer.into_bytes());
    }
    batch.push(b']');
    let mut response = (StatusCode::OK, batch).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.as_str()),
    );
    response
}

enum BodyError {
    TooLarge,
    Unreadable,
}

async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<axum::body::Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = source {
            if e.is::<http_body_util::LengthLimitError>() {
                return BodyError::TooLarge;
            }
            source = e.source();
        }
        BodyError::Unreadable
    })
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("text/html"))
}

fn not_acceptable() -> Response {
    error_response(
        StatusCode::NOT_ACCEPTABLE,
        ErrorCode::BadUserInput,
        "acceptable response types are application/graphql-response+json and application/json",
    )
}

/// The operation of `doc` that `name` selects (the only one when `name` is absent).
fn selected_operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(Option<&'a str>, OperationType)> {
    let mut ops = doc.operations.iter();
    match name {
        Some(name) => ops
            .find(|(n, _)| n.map(|n| n.as_str()) == Some(name))
            .map(|(n, op)| (n.map(|n| n.as_str()), op.node.ty)),
        None => {
            let (n, op) = ops.next()?;
            ops.next()
                .is_none()
                .then_some((n.map(|n| n.as_str()), op.node.ty))
        }
    }
}

/// Set by [`mark_executed`] once an operation passed parsing and validation.
#[derive(Debug, Default)]
struct Executed(AtomicBool);

/// Records in the request data that execution started ([`Executed`]), which tells request
/// errors (no `data`) from field errors: the execute step of
/// [`crate::edge::operation::OperationHooks`].
pub(crate) fn mark_executed(ctx: &ExtensionContext<'_>) {
    if let Some(executed) = ctx.data_opt::<Arc<Executed>>() {
        executed.0.store(true, Ordering::Relaxed);
    }
}

/// Resolves one field (the per-field step of [`crate::edge::operation::OperationHooks`],
/// the only one): gives an argument that fails to coerce while the field executes (a
/// variable's value a scalar or an input validator refuses) BAD_USER_INPUT, and lets a
/// response-cache candidate record what it shows (public fields only, entities).
pub(crate) async fn resolve_field(
    ctx: &ExtensionContext<'_>,
    info: ResolveInfo<'_>,
    next: NextResolve<'_>,
) -> ServerResult<Option<async_graphql::Value>> {
    let arguments = info.field;
    let collector = ctx.data_opt::<Arc<Collector>>();
    let key = collector.and_then(|c| {
        c.field(
            info.parent_type,
            info.name,
            info.return_type,
            info.path_node,
        )
    });
    let result = next.run(ctx, info).await.map_err(|mut error| {
        if is_argument_error(&error, arguments) {
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", ErrorCode::BadUserInput.as_str());
        }
        error
    });
    if let (Some(collector), Some(key), Ok(Some(value))) = (collector, key, &result) {
        collector.key(key, value);
    }
    result
}

/// Whether `error` was raised coercing one of `field`'s arguments: async-graphql places
/// such an error at the argument's value, while a resolver's error is at the field, and
/// neither carries a code.
fn is_argument_error(error: &ServerError, field: &Field) -> bool {
    let uncoded = error
        .extensions
        .as_ref()
        .is_none_or(|e| e.get("code").is_none());
    uncoded
        && !error.locations.is_empty()
        && error
            .locations
            .iter()
            .all(|at| field.arguments.iter().any(|(_, value)| value.pos == *at))
}

/// The query `params` stand for: theirs, or the persisted one their hash names.
async fn query_of(state: &AppState, params: &mut Params) -> Result<String, Answer> {
    let bad = |message: &str| {
        Answer::error(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput.as_str(),
            message,
        )
    };
    let persisted = params.persisted_query().map_err(|m| bad(&m))?;
    let query = params.query.take().filter(|q| !q.trim().is_empty());
    let Some(persisted) = persisted else {
        return query.ok_or_else(|| bad("the request has no `query`"));
    };
    state
        .persisted_queries
        .resolve(&persisted, query)
        .await
        .map_err(|error| match error {
            // Apollo clients expect 200 here, then send the query with its hash.
            ApqError::NotFound => {
                Answer::error(StatusCode::OK, apq::NOT_FOUND_CODE, apq::NOT_FOUND_MESSAGE)
            }
            ApqError::HashMismatch | ApqError::Unsupported(_) => bad(&error.to_string()),
        })
}

/// Runs one request and says its errors in the caller's language (`Accept-Language`).
async fn execute(
    state: &AppState,
    graph: Graph,
    identity: Identity,
    headers: &HeaderMap,
    params: Params,
    method: &Method,
    media: MediaType,
) -> Answer {
    let language = request_language(headers);
    let mut answer = execute_in(state, graph, identity, language, params, method, media).await;
    if matches!(answer.cache, CacheState::Hit(_)) {
        return answer;
    }
    localize(&mut answer.body, language.into());
    if let Some(pending) = answer.pending.take() {
        let tags = if answer.body.get("errors").is_some() {
            ResponseCache::not_stored("error");
            None
        } else {
            pending.tags()
        };
        match tags {
            Some(tags) => {
                let body = answer.raw.take().unwrap_or_else(|| {
                    Bytes::from(serde_json::to_vec(&answer.body).unwrap_or_default())
                });
                let stored = Stored {
                    etag: responses::etag(&body),
                    body,
                };
                state.responses.store(pending, tags, &stored).await;
                answer.cache = CacheState::Miss(Some(stored.etag));
                answer.raw = Some(stored.body);
            }
            None => answer.cache = CacheState::Miss(None),
        }
    }
    answer
}

/// The language `Accept-Language` asks for (English when none of the four).
pub(crate) fn request_language(headers: &HeaderMap) -> Language {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default()
}

async fn execute_in(
    state: &AppState,
    graph: Graph,
    identity: Identity,
    language: Language,
    mut params: Params,
    method: &Method,
    media: MediaType,
) -> Answer {
    let query = match query_of(state, &mut params).await {
        Ok(query) => query,
        Err(answer) => return answer,
    };
    // Parsed once per process for every text (the document cache); a document that does not
    // parse is left to the schema, which reports why. A text the cache holds passed the
    // text limits below when it was parsed (they are the process's settings, and the text is
    // the key), so only a new text is checked, before it is parsed.
    let document = match state.documents.cached(&query) {
        Some(document) => Ok(document),
        None => {
            // Before the operation's type is read below (which parses it): the schema's
            // extension (`limits::check_request`, in `OperationHooks`) checks the same again
            // for every other way in.
            if let Some(refusal) = check_text(state, &query, media) {
                return refusal;
            }
            state.documents.parse(&query)
        }
    };
    let selected = document
        .as_ref()
        .ok()
        .and_then(|doc| selected_operation(doc, params.operation_name.as_deref()));
    let variables = params.variables.unwrap_or_default();
    // An anonymous query of public fields only may be answered from the response cache.
    let pending = match &document {
        Ok(doc)
            if matches!(selected, Some((_, OperationType::Query)))
                && identity.0.is_none()
                && state.responses.enabled()
                && responses::public_roots(doc, params.operation_name.as_deref()) =>
        {
            let key = ResponseCache::key(
                graph.label(),
                language.code(),
                params.operation_name.as_deref(),
                &query,
                &variables,
            );
            if let Some((stored, _)) = state.responses.lookup(&key).await {
                return Answer::stored(stored);
            }
            state.responses.begin(key)
        }
        _ => {
            ResponseCache::bypass();
            None
        }
    };
    let mut request = async_graphql::Request::new(query).variables(variables);
    if let Some(name) = &params.operation_name {
        request = request.operation_name(name.clone());
    }
    if let Ok(doc) = &document {
        request.set_parsed_query(ExecutableDocument::clone(doc));
        request = request.data(limits::TextChecked);
    }
    let is_query = matches!(selected, Some((_, OperationType::Query)));
    if method == Method::GET && matches!(selected, Some((_, OperationType::Mutation))) {
        let mut answer = Answer::error(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::BadUserInput.as_str(),
            "mutations are only accepted over POST",
        );
        answer
            .headers
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return answer;
    }
    let operation = metric_label(
        params
            .operation_name
            .as_deref()
            .or(selected.and_then(|(name, _)| name)),
    );

    let executed = Arc::new(Executed::default());
    let mut request = request
        .data(identity)
        .data(RequestLanguage(language))
        .data(executed.clone());
    if let Some(pending) = &pending {
        request = request.data(pending.collector());
    }
    if is_query {
        // One set of loaders for every root field of a query.
        request = request.data(SharedLoaders::default());
    } else {
        // A mutation's answer reads what it just changed from the services, not from a
        // cache its change event may not have reached yet.
        request = request.data(ReadThrough);
    }

    let started = Instant::now();
    let mut response = match graph {
        Graph::Portal => state.schema.execute(request).await,
        Graph::Partner => state.partner_schema.execute(request).await,
    };
    let executed = executed.0.load(Ordering::Relaxed);
    let outcome = match (executed, response.errors.is_empty()) {
        (false, _) => "rejected",
        (true, true) => "ok",
        (true, false) => "error",
    };
    metrics::counter!("graphql_operations_total", "operation" => operation.clone(), "outcome" => outcome).increment(1);
    metrics::histogram!("graphql_operation_duration_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());

    let cache = if pending.is_some() {
        CacheState::Miss(None)
    } else {
        CacheState::Bypass
    };
    if executed && response.errors.is_empty() {
        // Said as it is: no error to localize or null out, so the value tree goes straight
        // to bytes (in the order the operation selected its fields), not through a copy.
        return Answer {
            status: StatusCode::OK,
            body: serde_json::Value::Null,
            headers: std::mem::take(&mut response.http_headers),
            raw: Some(Bytes::from(
                serde_json::to_vec(&Executed200 {
                    data: &response.data,
                    extensions: &response.extensions,
                })
                .unwrap_or_default(),
            )),
            cache,
            pending,
        };
    }
    fill_codes(&mut response.errors, executed);
    let mut body = serde_json::Map::new();
    if executed {
        let mut data = serde_json::to_value(&response.data).unwrap_or(serde_json::Value::Null);
        for error in &response.errors {
            null_at(&mut data, &error.path);
        }
        body.insert("data".into(), data);
    }
    if !response.errors.is_empty() {
        body.insert(
            "errors".into(),
            serde_json::to_value(&response.errors).unwrap_or_default(),
        );
    }
    if !response.extensions.is_empty() {
        body.insert(
            "extensions".into(),
            serde_json::to_value(&response.extensions).unwrap_or_default(),
        );
    }
    let status = if !executed && media == MediaType::GraphQLResponseJson {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Answer {
        status,
        body: serde_json::Value::Object(body),
        headers: std::mem::take(&mut response.http_headers),
        raw: None,
        cache,
        pending,
    }
}

/// The limits a document's text must meet before it is parsed: its size, and how deep its
/// brackets nest (the parser's stack). The answer refusing it, if one refuses it.
fn check_text(state: &AppState, query: &str, media: MediaType) -> Option<Answer> {
    let unparsable = limits::check_size(query, state.settings.max_document_bytes)
        .map_err(|m| ("document_bytes", m))
        .and_then(|()| {
            limits::check_nesting(query, limits::MAX_NESTING, state.settings.max_depth)
                .map_err(|m| ("nesting", m))
        });
    let Err((limit, message)) = unparsable else {
        return None;
    };
    metrics::counter!("gateway_limit_refusals_total", "limit" => limit).increment(1);
    let mut answer = Answer::request_error(
        media,
        ErrorCode::BadUserInput.as_str(),
        &message.render(glocal_kit::i18n::Lang::En),
    );
    answer.body["errors"][0]["extensions"]["messageKey"] = message.key.clone().into();
    answer.body["errors"][0]["extensions"]["messageArgs"] =
        serde_json::to_value(&message.args).unwrap_or_default();
    Some(answer)
}

/// The body of an operation that ran without an error.
#[derive(serde::Serialize)]
struct Executed200<'a> {
    data: &'a async_graphql::Value,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

/// Puts the `null` the specification requires where a failed field was left out of
/// `data` (async-graphql omits a field whose resolver failed).
fn null_at(value: &mut serde_json::Value, path: &[PathSegment]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match (first, value) {
        (PathSegment::Field(name), value @ serde_json::Value::Null) if rest.is_empty() => {
            *value = serde_json::json!({ name.as_str(): null });
        }
        (PathSegment::Field(name), serde_json::Value::Object(map)) => {
            if rest.is_empty() {
                map.entry(name.as_str()).or_insert(serde_json::Value::Null);
            } else if let Some(child) = map.get_mut(name.as_str()) {
                null_at(child, rest);
            }
        }
        (PathSegment::Index(i), serde_json::Value::Array(items)) => {
            if let Some(child) = items.get_mut(*i) {
                null_at(child, rest);
            }
        }
        _ => {}
    }
}

/// The `operation` label: the operation's name (bounded in length), or `anonymous`.
fn metric_label(name: Option<&str>) -> String {
    match name {
        Some(name) if !name.is_empty() => name.chars().take(64).collect(),
        _ => "anonymous".to_owned(),
    }
}

/// Gives every error an `extensions.code`: request errors (before execution) are
/// BAD_USER_INPUT; an executed field's error without a code (argument errors got theirs
/// from [`resolve_field`], service errors theirs from [`crate::upstream::error`]) is
/// INTERNAL.
fn fill_codes(errors: &mut [ServerError], executed: bool) {
    for error in errors {
        if error
            .extensions
            .as_ref()
            .is_some_and(|e| e.get("code").is_some())
        {
            continue;
        }
        let code = if !executed {
            ErrorCode::BadUserInput
        } else {
            tracing::error!(error = %error.message, "resolver error without a code");
            ErrorCode::Internal
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edge::errors::GRAPHQL_RESPONSE_JSON;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn negotiation_follows_the_spec() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
        assert_eq!(negotiate(&accept("*/*")), Some(MediaType::Json));
        assert_eq!(
            negotiate(&accept("application/json")),
            Some(MediaType::Json)
        );
        assert_eq!(
            negotiate(&accept(GRAPHQL_RESPONSE_JSON)),
            Some(MediaType::GraphQLResponseJson)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(MediaType::GraphQLResponseJson)
        );
        assert_eq!(
            negotiate(&accept(
                "application/json;q=0.5, application/graphql-response+json"
            )),
            Some(MediaType::GraphQLResponseJson)
        );
        assert_eq!(
            negotiate(&accept("text/html, */*;q=0.8")),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(&accept("text/html")), None);
        assert_eq!(negotiate(&accept("application/json;q=0")), None);
    }

    #[test]
    fn failed_fields_become_null() {
        let field = |s: &str| PathSegment::Field(s.to_owned());
        let mut data = serde_json::Value::Null;
        null_at(&mut data, &[field("a")]);
        assert_eq!(data, serde_json::json!({ "a": null }));
        let mut data = serde_json::json!({ "list": [{ "x": 1 }, { "x": 2 }] });
        null_at(
            &mut data,
            &[field("list"), PathSegment::Index(1), field("y")],
        );
        null_at(&mut data, &[field("missing"), field("y")]);
        assert_eq!(
            data,
            serde_json::json!({ "list": [{ "x": 1 }, { "x": 2, "y": null }] })
        );
    }

    #[test]
    fn operations_are_selected_by_name() {
        let doc = async_graphql::parser::parse_query(
            "query A { me { subject } } mutation B { deleteRoutingRule(id: 1) }",
        )
        .unwrap();
        assert_eq!(
            selected_operation(&doc, Some("B")).map(|(_, t)| t),
            Some(OperationType::Mutation)
        );
        assert_eq!(
            selected_operation(&doc, Some("A")).map(|(_, t)| t),
            Some(OperationType::Query)
        );
        assert_eq!(selected_operation(&doc, None), None);
        let single =
            async_graphql::parser::parse_query("mutation { deleteRoutingRule(id: 1) }").unwrap();
        assert_eq!(
            selected_operation(&single, None),
            Some((None, OperationType::Mutation))
        );
    }

    /// A scalar the validation lets through and the coercion refuses, as a value an
    /// input validator refuses would be.
    struct Refused;

    #[async_graphql::Scalar]
    impl async_graphql::ScalarType for Refused {
        fn parse(_: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
            Err(async_graphql::InputValueError::custom("refused"))
        }

        fn to_value(&self) -> async_graphql::Value {
            async_graphql::Value::Null
        }
    }

    struct Root;

    #[async_graphql::Object]
    impl Root {
        async fn coerced(&self, #[graphql(name = "value")] _value: Refused) -> bool {
            true
        }

        async fn broken(
            &self,
            #[graphql(name = "value")] _value: Option<String>,
        ) -> async_graphql::Result<bool> {
            Err("boom".into())
        }
    }

    #[tokio::test]
    async fn argument_errors_are_bad_user_input_and_uncoded_resolver_errors_internal() {
        let schema = async_graphql::Schema::build(
            Root,
            async_graphql::EmptyMutation,
            async_graphql::EmptySubscription,
        )
        .extension(crate::edge::operation::OperationHooks::default())
        .finish();
        let executed = Arc::new(Executed::default());
        let request = async_graphql::Request::new(
            r#"query($v: Refused!) { coerced(value: $v) broken(value: "x") }"#,
        )
        .variables(Variables::from_json(serde_json::json!({ "v": "x" })))
        .data(executed.clone());
        let mut response = schema.execute(request).await;
        assert!(executed.0.load(Ordering::Relaxed));
        fill_codes(&mut response.errors, true);
        let codes: Vec<_> = response
            .errors
            .iter()
            .map(|e| {
                let code = e.extensions.as_ref().and_then(|x| x.get("code")).cloned();
                (e.message.clone(), code)
            })
            .collect();
        assert_eq!(
            codes,
            [
                (
                    r#"Failed to parse "Refused": refused"#.to_owned(),
                    Some(async_graphql::Value::from("BAD_USER_INPUT"))
                ),
                (
                    "boom".to_owned(),
                    Some(async_graphql::Value::from("INTERNAL"))
                ),
            ]
        );
    }
}
