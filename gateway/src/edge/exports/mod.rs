//! Lists as files (issue 19): `GET /exports/<list>.csv` and `.xlsx` export what a caller may
//! list — `service-requests`, `training-applications`, `event-registrations` and
//! `practices` — filtered exactly like the GraphQL list (the same filter input, given as JSON
//! in the `filter` query parameter; `search` for practices) and scoped by the owning service
//! exactly like the list, because they are read through the same list call with the caller's
//! identity, page by page. Column headers come in the caller's language (`lang`, else
//! `Accept-Language`, else English like the API); times are Korea Standard Time. The CSV
//! streams page by page (a failure after the first page ends the download early, so a cut
//! file is never mistaken for a whole one: the body errors); the XLSX workbook is built in
//! memory first. Exports stop at [`MAX_ROWS`] rows with 400 `BAD_USER_INPUT` asking for a
//! narrower filter. What each list's columns are lives in [`lists`].

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, FixedOffset, Utc};
use glocal_kit::Caller;
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::{self, Lang, Message};
use serde::Deserialize;

use crate::edge::errors::{MediaType, error_response, json_response};
use crate::feeds::FeedState;
use crate::schema::language::Language;
use crate::upstream::Identity;

mod lists;

use lists::{List, Selection};

/// The most rows one export holds.
pub const MAX_ROWS: usize = 50_000;

/// Rows read per list call.
const PAGE: u32 = 200;

/// The export routes, with the state they share with the feeds (the service clients and
/// how reads are retried). The caller's authentication and rate limit are layered on by the
/// gateway's router, as for `/graphql`.
pub fn routes<S>(state: Arc<FeedState>) -> Router<S> {
    Router::new()
        .route("/exports/{file}", get(export))
        .with_state(state)
}

/// The query parameters of an export.
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    /// The list's filter input as JSON (e.g. a `ServiceRequestFilter`); none: every row the
    /// caller may list.
    filter: Option<String>,
    /// Practices only: the search words, as `practices(search:)` takes them.
    search: Option<String>,
    /// `ko`, `en`, `zh` or `ja`; none: `Accept-Language`, else English.
    lang: Option<String>,
}

/// A refusal: its HTTP status, code, English message and, when the catalogue words it, the
/// message to say in the reader's language (after the input `field` it is about).
struct Refusal {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    field: Option<&'static str>,
    said: Option<Message>,
}

impl Refusal {
    /// The error response in `lang`: the catalogue message when there is one (keeping the
    /// leading `field: `), else the English text.
    fn response(self, lang: Lang) -> Response {
        let message = match &self.said {
            Some(said) => match self.field {
                Some(field) => format!("{field}: {}", said.render(lang)),
                None => said.render(lang),
            },
            None => self.message,
        };
        let Some(said) = &self.said else {
            return error_response(self.status, self.code, &message);
        };
        // The shape of a GraphQL error: the key beside the code (and the field).
        let mut extensions =
            serde_json::json!({ "code": self.code.as_str(), "messageKey": said.key });
        if let Some(field) = self.field {
            extensions["field"] = field.into();
        }
        let body =
            serde_json::json!({ "errors": [{ "message": message, "extensions": extensions }] });
        json_response(self.status, MediaType::Json, &body)
    }
}

fn http_status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::BadUserInput => StatusCode::BAD_REQUEST,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn refused(status: &tonic::Status) -> Refusal {
    let code = ErrorCode::of_status(status);
    if matches!(code, ErrorCode::Unavailable | ErrorCode::Internal) {
        tracing::warn!(error = %status.message(), "export read failed");
    }
    let said = glocal_kit::error::RemoteError::from(status.clone()).localized;
    Refusal {
        status: http_status(code),
        code,
        message: status.message().to_owned(),
        field: None,
        said,
    }
}

/// BAD_USER_INPUT on the query parameter `field`, saying the catalogue message `said`.
fn bad_input(field: &'static str, said: Message) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        code: ErrorCode::BadUserInput,
        message: format!("{field}: {}", said.render(Lang::En)),
        field: Some(field),
        said: Some(said),
    }
}

/// A filter that does not convert, with async-graphql's `detail`.
fn bad_filter(detail: String) -> Refusal {
    bad_input(
        "filter",
        Message::new("export-filter-invalid").arg("detail", detail),
    )
}

/// `filter` parsed as the GraphQL input `T`; none when absent or blank.
fn parse_filter<T: async_graphql::InputType>(params: &ExportParams) -> Result<Option<T>, Refusal> {
    let Some(text) = params.filter.as_deref().filter(|f| !f.trim().is_empty()) else {
        return Ok(None);
    };
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad_input(
            "filter",
            Message::new("export-filter-not-json").arg("detail", e),
        )
    })?;
    let value = async_graphql::Value::from_json(json).map_err(|e| {
        bad_input(
            "filter",
            Message::new("export-filter-not-a-filter").arg("detail", e),
        )
    })?;
    T::parse(Some(value))
        .map(Some)
        .map_err(|e| bad_filter(e.into_server_error(Default::default()).message))
}

/// The language of the headers: `lang`, else `Accept-Language`, else English.
fn language_of(params: &ExportParams, headers: &HeaderMap) -> Result<Language, Refusal> {
    if let Some(tag) = params.lang.as_deref() {
        return Language::from_tag(tag).ok_or_else(|| {
            bad_input(
                "lang",
                Message::new("input-not-a-bureau-language").arg("text", tag),
            )
        });
    }
    Ok(headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or_default())
}

/// One page of rows, already as cells in the list's column order.
struct Page {
    rows: Vec<Vec<String>>,
    has_next: bool,
    end_cursor: String,
}

/// The pages of one export, read one list call at a time.
struct Pages {
    state: Arc<FeedState>,
    caller: Option<Caller>,
    selection: Selection,
    lang: Language,
    after: String,
    done: bool,
    rows: usize,
}

impl Pages {
    /// The next page's rows; `None` once the list is exhausted.
    async fn next(&mut self) -> Result<Option<Vec<Vec<String>>>, Refusal> {
        if self.done {
            return Ok(None);
        }
        let page = self
            .selection
            .page(
                &self.state,
                self.caller.as_ref(),
                self.after.clone(),
                self.lang,
            )
            .await?;
        self.done = !page.has_next;
        self.after = page.end_cursor;
        self.rows += page.rows.len();
        if self.rows > MAX_ROWS {
            return Err(bad_input(
                "filter",
                Message::new("export-too-many-rows").arg("max", MAX_ROWS),
            ));
        }
        Ok(Some(page.rows))
    }
}

/// The headers of `list` in `lang`.
fn headers_in(list: List, lang: Language) -> Vec<String> {
    let lang: Lang = lang.into();
    list.columns()
        .iter()
        .map(|key| i18n::render(lang, key, &BTreeMap::new()).unwrap_or_else(|| (*key).to_owned()))
        .collect()
}

/// `YYYY-MM-DD HH:MM` in Korea Standard Time; empty for none.
fn kst(t: Option<&prost_types::Timestamp>) -> String {
    let Some(t) = t else { return String::new() };
    let Some(at) = DateTime::<Utc>::from_timestamp(t.seconds, 0) else {
        return String::new();
    };
    let offset = FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset");
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// An enum value's name without its proto prefix (`REQUEST_STATE_CLOSED` → `CLOSED`).
fn enum_name(full: &str, prefix: &str) -> String {
    full.strip_prefix(prefix).unwrap_or(full).to_owned()
}

/// A CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes
/// doubled; a text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading `'`.
fn csv_field(text: &str, out: &mut String) {
    let guarded;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{text}");
        guarded.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

fn csv_line<S: AsRef<str>>(fields: &[S], out: &mut String) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(f.as_ref(), out);
    }
    out.push_str("\r\n");
}

fn attachment(content_type: &'static str, file: &str) -> [(header::HeaderName, HeaderValue); 3] {
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                .unwrap_or(HeaderValue::from_static("attachment")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

/// The two file formats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Xlsx,
}

/// `GET /exports/{file}`: `<list>.csv` or `<list>.xlsx`; any other name is 404. A refusal
/// is said in the caller's language (`lang` when it is one of the four, else
/// `Accept-Language`).
async fn export(
    State(state): State<Arc<FeedState>>,
    Path(file): Path<String>,
    identity: Option<axum::Extension<Identity>>,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Response {
    let lang = params
        .lang
        .as_deref()
        .and_then(Language::from_tag)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or_default();
    match export_file(state, &file, identity, &headers, &params).await {
        Ok(response) => response,
        Err(refusal) => refusal.response(lang.into()),
    }
}

async fn export_file(
    state: Arc<FeedState>,
    file: &str,
    identity: Option<axum::Extension<Identity>>,
    headers: &HeaderMap,
    params: &ExportParams,
) -> Result<Response, Refusal> {
    let (name, format) = match file.rsplit_once('.') {
        Some((name, "csv")) => (name, Format::Csv),
        Some((name, "xlsx")) => (name, Format::Xlsx),
        _ => return Err(not_found(file)),
    };
    let list = List::of(name).ok_or_else(|| not_found(file))?;
    let lang = language_of(params, headers)?;
    let pages = Pages {
        state,
        caller: identity.and_then(|i| i.0.0.clone()),
        selection: list.select(params)?,
        lang,
        after: String::new(),
        done: false,
        rows: 0,
    };
    match format {
        Format::Csv => csv(list, lang, pages).await,
        Format::Xlsx => xlsx(list, lang, pages).await,
    }
}

fn not_found(file: &str) -> Refusal {
    let said = Message::new("export-unknown")
        .arg("file", file)
        .arg("lists", List::ALL.map(List::name).join(", "));
    Refusal {
        status: StatusCode::NOT_FOUND,
        code: ErrorCode::NotFound,
        message: said.render(Lang::En),
        field: None,
        said: Some(said),
    }
}

/// A CSV file: UTF-8 with a byte-order mark (so spreadsheets read Korean, Chinese and
/// Japanese right), streamed page by page.
async fn csv(list: List, lang: Language, mut pages: Pages) -> Result<Response, Refusal> {
    // The first page is read before answering, so a refusal is a proper error response.
    let first = pages.next().await?.unwrap_or_default();
    let mut head = String::from("\u{feff}");
    csv_line(&headers_in(list, lang), &mut head);
    for row in &first {
        csv_line(row, &mut head);
    }
    let rest = futures::stream::unfold(Some(pages), move |pages| async move {
        let mut pages = pages?;
        match pages.next().await {
            Ok(Some(rows)) => {
                let mut chunk = String::new();
                for row in &rows {
                    csv_line(row, &mut chunk);
                }
                Some((Ok::<Bytes, std::io::Error>(Bytes::from(chunk)), Some(pages)))
            }
            Ok(None) => None,
            Err(Refusal { code, message, .. }) => Some((
                Err(std::io::Error::other(format!(
                    "export cut short: {}: {message}",
                    code.as_str()
                ))),
                None,
            )),
        }
    });
    let head = futures::stream::iter([Ok::<Bytes, std::io::Error>(Bytes::from(head))]);
    let body = futures::StreamExt::chain(head, rest);
    Ok((
        attachment("text/csv; charset=utf-8", &format!("{}.csv", list.name())),
        Body::from_stream(body),
    )
        .into_response())
}

/// An XLSX workbook: one worksheet, a bold header row, frozen.
async fn xlsx(list: List, lang: Language, mut pages: Pages) -> Result<Response, Refusal> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(page) = pages.next().await? {
        rows.extend(page);
    }
    let bytes = workbook(&headers_in(list, lang), &rows).map_err(|e| {
        tracing::error!(error = %e, "cannot write the workbook");
        Refusal {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: ErrorCode::Internal,
            message: "internal error".into(),
            field: None,
            said: None,
        }
    })?;
    Ok((
        attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{}.xlsx", list.name()),
        ),
        bytes,
    )
        .into_response())
}

fn workbook(
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32 + 1, c as u16, cell)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let mut out = String::new();
        csv_line(
            &["plain", "a,b", "say \"hi\"", "=1+1", "line\nbreak", "서울"],
            &mut out,
        );
        assert_eq!(
            out,
            "plain,\"a,b\",\"say \"\"hi\"\"\",'=1+1,\"line\nbreak\",서울\r\n"
        );
    }

    #[test]
    fn times_are_korea_standard_time() {
        let t = prost_types::Timestamp {
            seconds: 1_764_547_200, // 2025-12-01T00:00:00Z
            nanos: 0,
        };
        assert_eq!(kst(Some(&t)), "2025-12-01 09:00");
        assert_eq!(kst(None), "");
    }

    #[test]
    fn every_column_of_every_list_has_a_header_in_every_language() {
        for list in List::ALL {
            for lang in [Language::Ko, Language::En, Language::Zh, Language::Ja] {
                let lang_kit: Lang = lang.into();
                for key in list.columns() {
                    assert!(
                        i18n::render(lang_kit, key, &BTreeMap::new()).is_some(),
                        "{key} has no {lang:?} text"
                    );
                }
            }
        }
    }

    #[test]
    fn file_names_are_the_lists_names() {
        for list in List::ALL {
            assert_eq!(List::of(list.name()), Some(list));
        }
        assert_eq!(List::of("secrets"), None);
    }
}
