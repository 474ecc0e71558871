//! The edge's own answers: a GraphQL-shaped error response (`{"errors":[{"message",
//! "extensions":{"code"}}]}`) for requests refused before the schema runs (authentication,
//! rate limits, malformed requests), and the response media types of GraphQL over HTTP
//! they are written in, and [`localize`], which says every error of a response in the
//! caller's language.

use axum::response::{IntoResponse, Response};
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::{self, Lang, Message};
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// The media type of the GraphQL-over-HTTP specification.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// A response media type the endpoint can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`.
    GraphQLResponseJson,
    /// `application/json`.
    Json,
}

impl MediaType {
    /// The `Content-Type` value.
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaType::GraphQLResponseJson => GRAPHQL_RESPONSE_JSON,
            MediaType::Json => "application/json",
        }
    }
}

/// The media type to answer with, from the `Accept` headers; `None` when neither JSON
/// type is acceptable. No `Accept`, `*/*` and `application/*` mean `application/json`;
/// among equal qualities the first listed wins.
pub fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let values: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let accept = values.join(",");
    if accept.trim().is_empty() {
        return Some(MediaType::Json);
    }
    let mut best: Option<(f32, MediaType)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let candidate = match media.as_str() {
            GRAPHQL_RESPONSE_JSON => MediaType::GraphQLResponseJson,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
            best = Some((q, candidate));
        }
    }
    best.map(|(_, media)| media)
}

/// A GraphQL-shaped error response (`{"errors":[{"message","extensions":{"code"}}]}`) as
/// `application/json`.
pub fn error_response(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    error_response_as(status, code, message, MediaType::Json)
}

/// A GraphQL-shaped error response in `media`.
pub fn error_response_as(
    status: StatusCode,
    code: ErrorCode,
    message: &str,
    media: MediaType,
) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
    json_response(status, media, &body)
}

pub(crate) fn json_response(
    status: StatusCode,
    media: MediaType,
    body: &serde_json::Value,
) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.as_str()),
    );
    response
}

/// Says every error of a GraphQL response `body` (`{"errors": [...]}`, or a batch's array of
/// them) in `lang` (ADR 0021): an error naming a catalogue message (`extensions.messageKey`
/// and `messageArgs`, from a service or the gateway) is rendered from it, keeping a leading
/// `field: `; an English text the catalogue holds word for word becomes that message; any
/// other error keeps its English text in English, and in another language says the generic
/// message of its `extensions.code` with the English text as `extensions.detail`. Each
/// failed eligibility rule of `extensions.reasons` is said the same way, with its
/// `reasonKey`.
pub fn localize(body: &mut serde_json::Value, lang: Lang) {
    if let serde_json::Value::Array(items) = body {
        for item in items {
            localize(item, lang);
        }
        return;
    }
    let Some(errors) = body.get_mut("errors").and_then(|e| e.as_array_mut()) else {
        return;
    };
    for error in errors {
        localize_error(error, lang);
    }
}

fn localize_error(error: &mut serde_json::Value, lang: Lang) {
    let Some(object) = error.as_object_mut() else {
        return;
    };
    let original = object
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or_default()
        .to_owned();
    let extensions = object
        .entry("extensions")
        .or_insert_with(|| serde_json::json!({}));
    let Some(ext) = extensions.as_object_mut() else {
        return;
    };
    if let Some(reasons) = ext.get_mut("reasons").and_then(|r| r.as_array_mut()) {
        for reason in reasons.iter_mut().filter_map(|r| r.as_object_mut()) {
            let text = reason
                .get("reason")
                .and_then(|r| r.as_str())
                .unwrap_or_default();
            if let i18n::Stored::Message(m) = i18n::Stored::parse(text) {
                reason.insert("reason".into(), m.render(lang).into());
                reason.insert("reasonKey".into(), m.key.into());
            }
        }
    }
    let field = ext.get("field").and_then(|f| f.as_str()).map(str::to_owned);
    let named = ext.get("messageKey").and_then(|k| k.as_str()).map(|key| {
        let args = ext
            .get("messageArgs")
            .and_then(|a| a.as_object())
            .map(|a| {
                a.iter()
                    .map(|(k, v)| {
                        let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        (k.clone(), v)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Message {
            key: key.to_owned(),
            args,
        }
    });
    // A placeable that is itself a message (`Message::arg_said`, e.g. the action a rule
    // refuses) reads as its text in the caller's language, never as its stored form.
    if let Some(args) = ext.get_mut("messageArgs").and_then(|a| a.as_object_mut()) {
        for value in args.values_mut() {
            if let Some(i18n::Stored::Message(m)) = value.as_str().map(i18n::Stored::parse) {
                *value = m.render(lang).into();
            }
        }
    }
    let prefix = field
        .as_deref()
        .map(|f| format!("{f}: "))
        .filter(|p| original.starts_with(p.as_str()));
    let bare = prefix
        .as_deref()
        .and_then(|p| original.strip_prefix(p))
        .unwrap_or(&original);
    let message = named.or_else(|| {
        let found = Message::of_english(bare)?;
        ext.insert("messageKey".into(), found.key.clone().into());
        Some(found)
    });
    let text = match message {
        Some(message) => match i18n::render(lang, &message.key, &message.args) {
            Some(text) => format!("{}{text}", prefix.unwrap_or_default()),
            None => return,
        },
        None if lang == Lang::En => return,
        None => {
            let code = ext
                .get("code")
                .and_then(|c| c.as_str())
                .unwrap_or("INTERNAL");
            let generic = match (code, &field) {
                ("BAD_USER_INPUT", Some(field)) => {
                    Message::new("code-bad-user-input-field").arg("field", field)
                }
                _ => Message::new(format!(
                    "code-{}",
                    code.to_ascii_lowercase().replace('_', "-")
                )),
            };
            let Some(text) = i18n::render(lang, &generic.key, &generic.args) else {
                return;
            };
            ext.insert("detail".into(), original.clone().into());
            text
        }
    };
    object.insert("message".into(), text.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_placeable_reads_in_the_callers_language_in_the_args_too() {
        let stored = Message::new("action-add-notes").store();
        let mut body = serde_json::json!({ "errors": [
            { "message": "only bureau staff may add notes", "extensions": {
                "code": "FORBIDDEN", "messageKey": "rule-only-bureau-staff",
                "messageArgs": { "action": stored } } },
        ]});
        localize(&mut body, Lang::Ko);
        let ext = &body["errors"][0]["extensions"];
        let action = ext["messageArgs"]["action"].as_str().unwrap();
        assert_eq!(action, Message::new("action-add-notes").render(Lang::Ko));
        assert!(!action.contains('\u{1f}'), "{action}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(action),
            "{body}"
        );
    }

    #[test]
    fn named_messages_render_and_others_fall_back_to_their_code() {
        let mut body = serde_json::json!({ "errors": [
            { "message": "title: is required", "extensions": { "code": "BAD_USER_INPUT", "field": "title", "messageKey": "input-required" } },
            { "message": "title: is required", "extensions": { "code": "BAD_USER_INPUT", "field": "title" } },
            { "message": "the slot is taken", "extensions": { "code": "CONFLICT" } },
        ]});
        let english = body.clone();
        localize(&mut body, Lang::En);
        assert_eq!(
            body["errors"][0]["message"],
            english["errors"][0]["message"]
        );
        assert_eq!(body["errors"][2]["message"], "the slot is taken");
        localize(&mut body, Lang::Ko);
        assert_eq!(body["errors"][0]["message"], "title: 필수 항목입니다");
        assert_eq!(body["errors"][1]["message"], "title: 필수 항목입니다");
        assert_eq!(
            body["errors"][1]["extensions"]["messageKey"],
            "input-required"
        );
        assert_eq!(
            body["errors"][2]["message"],
            "현재 상태에서는 이 변경을 할 수 없습니다"
        );
        assert_eq!(
            body["errors"][2]["extensions"]["detail"],
            "the slot is taken"
        );
    }
}
