//! iCalendar (RFC 5545) feeds that calendar apps can subscribe to, at stable URLs:
//! `/calendar/events/{id}.ics` (the event as an all-day entry plus one entry per timetable
//! session) and `/calendar/series/{id}.ics` (every published edition of a series). They are
//! public: the events service is called anonymously, so only published events appear.
//! `?lang=ko|en|zh|ja` picks the language (default English, with the usual fallback).

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Duration, NaiveDate};
use glocal_kit::error::{ErrorCode, RemoteError};
use glocal_kit::i18n::Message;
use glocal_proto::common::v1::PageRequest;
use glocal_proto::events::v1 as pb;
use glocal_proto::events::v1::events_service_client::EventsServiceClient;
use icalendar::{Calendar, Component, EventLike, EventStatus};
use serde::Deserialize;
use tonic::transport::Channel;

use super::FeedState;
use crate::schema::common::utc as datetime;
use crate::schema::language::{self, Language};

/// Largest number of pages of editions a series feed reads.
const MAX_SERIES_PAGES: usize = 20;

/// The feeds' routes, to merge into the gateway's router.
pub fn routes() -> Router<Arc<FeedState>> {
    Router::new()
        .route("/calendar/events/{file}", get(event_feed))
        .route("/calendar/series/{file}", get(series_feed))
}

/// Query parameters of a feed.
#[derive(Debug, Deserialize)]
pub struct FeedParams {
    /// Language tag, e.g. `ko`.
    lang: Option<String>,
}

fn lang(params: &FeedParams) -> Language {
    params
        .lang
        .as_deref()
        .and_then(Language::from_tag)
        .unwrap_or_default()
}

/// A plain-text answer with `status` saying `message` in `lang`.
fn refusal(status: StatusCode, message: &Message, lang: Language) -> Response {
    (status, message.render(lang.into())).into_response()
}

fn failure(status: tonic::Status, lang: Language) -> Response {
    let remote = RemoteError::from(status);
    let code = match remote.code {
        ErrorCode::NotFound | ErrorCode::BadUserInput => StatusCode::NOT_FOUND,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => {
            tracing::error!(error = %remote, "calendar feed failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    match &remote.localized {
        Some(said) => refusal(code, said, lang),
        None => (code, remote.message).into_response(),
    }
}

fn calendar_response(calendar: &Calendar) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        calendar.to_string(),
    )
        .into_response()
}

/// The read `method` of the events service, made anonymously and retried on UNAVAILABLE
/// by the gateway's read-retry policy (see [`crate::upstream::clients::ReadRetry::read`]).
async fn read<M, R, F, Fut>(
    state: &FeedState,
    method: &'static str,
    message: M,
    call: F,
) -> Result<tonic::Response<R>, tonic::Status>
where
    M: Clone,
    F: FnMut(EventsServiceClient<Channel>, tonic::Request<M>) -> Fut,
    Fut: Future<Output = Result<tonic::Response<R>, tonic::Status>>,
{
    let client = EventsServiceClient::new(state.services.events.clone());
    state
        .read_retry
        .read(method, &client, message, None, state.services.timeout, call)
        .await
}

/// `text` as an RFC 5545 TEXT value (section 3.3.11): backslash, semicolon, comma and line
/// breaks escaped. The `icalendar` crate does this for the properties it knows (SUMMARY,
/// DESCRIPTION, LOCATION, …) but not for `NAME` (RFC 7986) and `X-WR-CALNAME`.
fn escape_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\n', '\r'], "\\n")
}

/// A calendar named `name` (`NAME` and `X-WR-CALNAME`, both escaped once).
fn named_calendar(name: &str) -> Calendar {
    let mut calendar = Calendar::new();
    // The crate escapes `X-WR-CALNAME` itself, not `NAME`.
    calendar
        .append_property(icalendar::Property::new("NAME", escape_text(name)))
        .append_property(icalendar::Property::new("X-WR-CALNAME", name));
    calendar
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The all-day entry of an event (DTEND is exclusive: the day after the last day).
fn event_entry(e: &pb::Event, lang: Language) -> Option<icalendar::Event> {
    let start = date(&e.start_date)?;
    let end = date(&e.end_date)? + Duration::days(1);
    let mut entry = icalendar::Event::new();
    entry
        .uid(&format!("event-{}@glocal", e.id))
        .summary(&language::pick(e.title.as_ref(), lang))
        .description(&language::pick(e.description.as_ref(), lang))
        .location(&format!("{}, {}, {}", e.venue, e.host_city, e.host_country))
        .starts(start)
        .ends(end)
        .sequence(u32::try_from(e.version).unwrap_or(0))
        .status(if e.state == pb::EventState::Cancelled as i32 {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    if let Some(updated) = datetime(e.updated_at.as_ref()) {
        entry.timestamp(updated).last_modified(updated);
    }
    Some(entry.done())
}

/// The entry of a timetable session, in UTC.
fn session_entry(s: &pb::Session, e: &pb::Event, lang: Language) -> Option<icalendar::Event> {
    let starts = datetime(s.starts_at.as_ref())?;
    let ends = datetime(s.ends_at.as_ref())?;
    let speakers: Vec<String> = s
        .speakers
        .iter()
        .map(|p| {
            if p.affiliation.is_empty() {
                p.name.clone()
            } else {
                format!("{} ({})", p.name, p.affiliation)
            }
        })
        .collect();
    let mut description = language::pick(e.title.as_ref(), lang);
    let said = |m: Message| m.render(lang.into());
    if !speakers.is_empty() {
        description.push('\n');
        description.push_str(&said(
            Message::new("feed-speakers").arg("speakers", speakers.join(", ")),
        ));
    }
    if !s.interpretation_languages.is_empty() {
        description.push('\n');
        description.push_str(&said(
            Message::new("feed-interpretation")
                .arg("languages", s.interpretation_languages.join(", ")),
        ));
    }
    let mut entry = icalendar::Event::new();
    entry
        .uid(&format!("session-{}@glocal", s.id))
        .summary(&language::pick(s.title.as_ref(), lang))
        .description(&description)
        .location(&format!("{}, {}", s.room, e.venue))
        .starts(starts)
        .ends(ends)
        .sequence(u32::try_from(e.version).unwrap_or(0));
    if let Some(updated) = datetime(e.updated_at.as_ref()) {
        entry.timestamp(updated);
    }
    Some(entry.done())
}

/// `GET /calendar/events/{id}.ics`: one event and its timetable.
pub async fn event_feed(
    State(state): State<Arc<FeedState>>,
    Path(file): Path<String>,
    Query(params): Query<FeedParams>,
) -> Response {
    let lang = lang(&params);
    let Some(id) = file.strip_suffix(".ics") else {
        return refusal(StatusCode::NOT_FOUND, &Message::new("feed-not-ics"), lang);
    };
    let message = pb::GetEventRequest { id: id.to_owned() };
    let event = match read(
        &state,
        "GetEvent",
        message,
        |mut client, request| async move { client.get_event(request).await },
    )
    .await
    {
        Ok(r) => r.into_inner(),
        Err(status) => return failure(status, lang),
    };
    let message = pb::ListSessionsRequest {
        event_ids: vec![event.id.clone()],
    };
    let sessions = match read(
        &state,
        "ListSessions",
        message,
        |mut client, request| async move { client.list_sessions(request).await },
    )
    .await
    {
        Ok(r) => r.into_inner().sessions,
        Err(status) => return failure(status, lang),
    };
    let mut calendar = named_calendar(&language::pick(event.title.as_ref(), lang));
    calendar.timezone(event.time_zone.as_str());
    calendar.extend(event_entry(&event, lang));
    calendar.extend(
        sessions
            .iter()
            .filter_map(|s| session_entry(s, &event, lang)),
    );
    calendar_response(&calendar.done())
}

/// `GET /calendar/series/{id}.ics`: every published edition of a series.
pub async fn series_feed(
    State(state): State<Arc<FeedState>>,
    Path(file): Path<String>,
    Query(params): Query<FeedParams>,
) -> Response {
    let lang = lang(&params);
    let Some(id) = file.strip_suffix(".ics") else {
        return refusal(StatusCode::NOT_FOUND, &Message::new("feed-not-ics"), lang);
    };
    let message = pb::ListSeriesRequest {};
    let series = match read(
        &state,
        "ListSeries",
        message,
        |mut client, request| async move { client.list_series(request).await },
    )
    .await
    {
        Ok(r) => r.into_inner().series.into_iter().find(|s| s.id == id),
        Err(status) => return failure(status, lang),
    };
    let Some(series) = series else {
        return refusal(
            StatusCode::NOT_FOUND,
            &Message::new("feed-unknown-series"),
            lang,
        );
    };
    let mut calendar = named_calendar(&language::pick(series.title.as_ref(), lang));
    let mut after = String::new();
    for _ in 0..MAX_SERIES_PAGES {
        let message = pb::ListEventsRequest {
            filter: Some(pb::EventFilter {
                series_id: series.id.clone(),
                ..pb::EventFilter::default()
            }),
            page: Some(PageRequest {
                first: 100,
                after: after.clone(),
            }),
            // A calendar shows neither a total nor seats.
            mask: Some(pb::EventListMask {
                skip_total_count: true,
                skip_tallies: true,
                with_contributions: false,
            }),
        };
        let listed = read(
            &state,
            "ListEvents",
            message,
            |mut client, request| async move { client.list_events(request).await },
        );
        let page = match listed.await {
            Ok(r) => r.into_inner(),
            Err(status) => return failure(status, lang),
        };
        calendar.extend(page.events.iter().filter_map(|e| event_entry(e, lang)));
        let info = page.page_info.unwrap_or_default();
        if !info.has_next_page || info.end_cursor.is_empty() {
            break;
        }
        after = info.end_cursor;
    }
    calendar_response(&calendar.done())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped_everywhere_including_the_calendar_name() {
        let title = "Korea, Japan; A\\B\nForum";
        let mut calendar = named_calendar(title);
        let mut entry = icalendar::Event::new();
        entry
            .uid("event-1@glocal")
            .summary(title)
            .location("Hall A, Seoul");
        calendar.push(entry.done());
        let text = calendar.done().to_string();
        let escaped = r"Korea\, Japan\; A\\B\nForum";
        for property in ["NAME", "X-WR-CALNAME", "SUMMARY"] {
            assert!(
                text.contains(&format!("\r\n{property}:{escaped}\r\n")),
                "{property} in {text}"
            );
        }
        assert!(text.contains(r"LOCATION:Hall A\, Seoul"), "{text}");
    }

    #[test]
    fn a_session_is_described_in_the_calendar_s_language() {
        let at = |seconds| prost_types::Timestamp { seconds, nanos: 0 };
        let session = pb::Session {
            id: "s1".into(),
            starts_at: Some(at(1_900_000_000)),
            ends_at: Some(at(1_900_003_600)),
            speakers: vec![pb::Speaker {
                name: "Kim".into(),
                affiliation: "Seoul".into(),
            }],
            interpretation_languages: vec!["en".into(), "ja".into()],
            ..Default::default()
        };
        let event = pb::Event::default();
        let described = |lang| {
            session_entry(&session, &event, lang)
                .and_then(|e| e.get_description().map(str::to_owned))
                .unwrap_or_default()
        };
        let english = described(Language::En);
        assert!(english.contains("Speakers: Kim (Seoul)"), "{english}");
        assert!(english.contains("Interpretation: en, ja"), "{english}");
        let korean = described(Language::Ko);
        assert!(!korean.contains("Speakers"), "{korean}");
        assert!(korean.contains("Kim (Seoul)"), "{korean}");
        for lang in [Language::Zh, Language::Ja] {
            let text = described(lang);
            assert!(!text.contains("Interpretation"), "{text}");
        }
    }
}
