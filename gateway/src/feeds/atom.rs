//! The Atom feed of newly published practices, `GET /feeds/practices.atom[?lang=ko]`: the
//! newest 50 published practices as the public sees them, titles and summaries in `lang`
//! (default English) with the usual fallback.

use std::sync::Arc;

use atom_syndication::{Category, Entry, Feed, Link, Person, Text};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};
use glocal_proto::common::v1::PageRequest;
use glocal_proto::research::v1 as pb;
use glocal_proto::research::v1::research_service_client::ResearchServiceClient;
use serde::Deserialize;

use super::FeedState;
use crate::schema::common::{PublicUrls, utc as datetime};
use crate::schema::language::Language;
use crate::schema::research::pick_original;

/// How many practices the feed carries.
pub const FEED_SIZE: u32 = 50;

/// Query parameters of the feed.
#[derive(Debug, Deserialize)]
pub struct FeedParams {
    /// `ko`, `en`, `zh` or `ja`.
    pub lang: Option<String>,
}

fn fixed(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.fixed_offset()
}

/// Builds the feed document from a page of practices; its links are absolute, each
/// entry's `alternate` the practice's page ([`PublicUrls::practice_page`]).
pub fn feed(practices: &[pb::Practice], lang: Language, urls: &PublicUrls) -> Feed {
    let entries: Vec<Entry> = practices
        .iter()
        .map(|p| {
            let content = p.content.clone().unwrap_or_default();
            let published = datetime(p.published_at.as_ref()).unwrap_or_default();
            let updated = datetime(p.updated_at.as_ref())
                .unwrap_or(published)
                .max(published);
            let mut entry = Entry::default();
            entry.set_id(format!("urn:glocal:practice:{}", p.id));
            entry.set_title(Text::plain(pick_original(
                content.title.as_ref(),
                lang,
                &content.original_language,
            )));
            let summary = pick_original(content.summary.as_ref(), lang, &content.original_language);
            if !summary.is_empty() {
                entry.set_summary(Some(Text::plain(summary)));
            }
            entry.set_published(Some(fixed(published)));
            entry.set_updated(fixed(updated));
            let mut category = Category::default();
            category.set_term(content.area_code.clone());
            entry.set_categories(vec![category]);
            let mut author = Person::default();
            author.set_name(p.author_name.clone());
            entry.set_authors(vec![author]);
            let mut link = Link::default();
            link.set_rel("alternate");
            link.set_href(urls.practice_page(&p.id));
            if urls.portal.is_some() {
                link.set_mime_type(Some("text/html".to_owned()));
            }
            entry.set_links(vec![link]);
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id("urn:glocal:feeds:practices");
    feed.set_title(Text::plain(match lang {
        Language::Ko => "새로 발간된 해외 우수사례",
        Language::Zh => "新发布的国外优秀案例",
        Language::Ja => "新着の海外優良事例",
        Language::En => "Newly published best practices",
    }));
    feed.set_updated(fixed(
        entries
            .iter()
            .map(|e| e.updated().with_timezone(&Utc))
            .max()
            .unwrap_or_else(Utc::now),
    ));
    let mut link = Link::default();
    link.set_rel("self");
    link.set_href(urls.gateway_url("/feeds/practices.atom"));
    feed.set_links(vec![link]);
    feed.set_lang(Some(
        match lang {
            Language::Ko => "ko",
            Language::En => "en",
            Language::Zh => "zh",
            Language::Ja => "ja",
        }
        .to_owned(),
    ));
    feed.set_entries(entries);
    feed
}

/// `GET /feeds/practices.atom`: newest published practices, anonymously.
pub async fn practices_atom(
    State(state): State<Arc<FeedState>>,
    Query(params): Query<FeedParams>,
) -> Response {
    let lang = params
        .lang
        .as_deref()
        .and_then(Language::from_tag)
        .unwrap_or_default();
    let message = pb::SearchPracticesRequest {
        query: String::new(),
        filter: None,
        page: Some(PageRequest {
            first: FEED_SIZE,
            after: String::new(),
        }),
        sort: pb::PracticeSort::Newest as i32,
    };
    let client = ResearchServiceClient::new(state.services.research.clone());
    let searched = state.read_retry.read(
        "SearchPractices",
        &client,
        message,
        None,
        state.services.timeout,
        |mut client, request| async move { client.search_practices(request).await },
    );
    match searched.await {
        Ok(response) => {
            let body = feed(&response.into_inner().practices, lang, &state.urls).to_string();
            (
                [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
                body,
            )
                .into_response()
        }
        Err(status) => {
            tracing::warn!(error = %status, "practice feed unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the research service is unavailable",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glocal_proto::common::v1::LocalizedText;

    #[test]
    fn feed_round_trips_through_the_atom_parser() {
        let at = prost_types::Timestamp {
            seconds: 1_790_000_000,
            nanos: 0,
        };
        let practice = pb::Practice {
            id: "p1".into(),
            content: Some(pb::PracticeContent {
                title: Some(LocalizedText {
                    ja: "富山のLRT".into(),
                    en: "Toyama light rail".into(),
                    ..Default::default()
                }),
                original_language: "ja".into(),
                area_code: "transportation".into(),
                ..Default::default()
            }),
            published_at: Some(at),
            updated_at: Some(at),
            ..Default::default()
        };
        let gateway_only = PublicUrls {
            gateway: "https://api.example.org".into(),
            portal: None,
        };
        let xml = feed(std::slice::from_ref(&practice), Language::Ko, &gateway_only).to_string();
        let parsed: Feed = xml.parse().unwrap();
        assert_eq!(
            parsed.links()[0].href(),
            "https://api.example.org/feeds/practices.atom"
        );
        assert!(
            parsed.entries()[0].links()[0]
                .href()
                .starts_with("https://api.example.org/graphql?query="),
            "absolute, the gateway's answer without a portal"
        );
        let with_portal = PublicUrls {
            gateway: "https://api.example.org".into(),
            portal: Some("https://portal.example.org".into()),
        };
        let xml = feed(&[practice], Language::Ko, &with_portal).to_string();
        let linked: Feed = xml.parse().unwrap();
        assert_eq!(
            linked.entries()[0].links()[0].href(),
            "https://portal.example.org/practices/p1",
            "the portal's page once a portal is configured"
        );
        assert_eq!(parsed.entries().len(), 1);
        assert_eq!(
            parsed.entries()[0].title().as_str(),
            "富山のLRT",
            "Korean is missing: falls back to the original"
        );
        assert_eq!(parsed.entries()[0].categories()[0].term(), "transportation");
    }
}
