//! GraphQL types and conversions every domain of the schema shares: Relay's [`PageInfo`],
//! a [`Person`], a [`PeriodRule`] (a series' or programme's period), and the proto ↔ GraphQL
//! conversions of timestamps and proto3's empty strings.

use async_graphql::{InputObject, SimpleObject};
use chrono::Utc;

use super::scalars::DateTime;

/// Relay page information (`@shareable`: partners' subgraphs define it too).
#[derive(SimpleObject)]
#[graphql(shareable)]
pub struct PageInfo {
    /// True when more items follow this page.
    pub has_next_page: bool,
    /// Always false: lists page forward only.
    pub has_previous_page: bool,
    /// Cursor of the first item of this page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of this page; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// Someone who wrote a message or acted on a request.
#[derive(SimpleObject)]
pub struct Person {
    /// Subject id.
    pub subject: String,
    /// Display name.
    pub name: String,
}

/// A protobuf timestamp as the API's date-time (`None` when absent or out of range).
pub fn datetime(ts: Option<&prost_types::Timestamp>) -> Option<DateTime> {
    utc(ts).map(DateTime)
}

/// A protobuf timestamp as a UTC date-time (`None` when absent or out of range), for the
/// feeds, which format their own.
pub fn utc(ts: Option<&prost_types::Timestamp>) -> Option<chrono::DateTime<Utc>> {
    let ts = ts?;
    chrono::DateTime::from_timestamp(ts.seconds, u32::try_from(ts.nanos).ok()?)
}

/// The API's date-time as a protobuf timestamp.
pub fn timestamp(at: DateTime) -> prost_types::Timestamp {
    let at = at.0;
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// Where the links the API hands out point (schema data and feed state): the gateway's
/// public base URL and, when configured, the portal's (`gateway.public_url`,
/// `gateway.portal_url`), both without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrls {
    /// The gateway's public base URL.
    pub gateway: String,
    /// The portal's base URL, if one is configured.
    pub portal: Option<String>,
}

impl PublicUrls {
    /// The URLs `settings` configure.
    pub fn from_settings(settings: &glocal_kit::config::GatewaySettings) -> Self {
        PublicUrls {
            gateway: settings.public_base_url(),
            portal: settings.portal_base_url(),
        }
    }

    /// `path` (starting with `/`) on the gateway, absolute.
    pub fn gateway_url(&self, path: &str) -> String {
        format!("{}{path}", self.gateway)
    }

    /// The page a person reads about a practice: the portal's practice page when a
    /// portal is configured, else the gateway's GraphQL answer for it.
    pub fn practice_page(&self, id: &str) -> String {
        match &self.portal {
            Some(portal) => format!("{portal}/practices/{id}"),
            None => self.gateway_url(&format!(
                "/graphql?query=%7Bpractice(id%3A%22{id}%22)%7Btitle%20summary%20body%7D%7D"
            )),
        }
    }
}

/// `None` for the empty string (proto3's "unset").
pub fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// When a programme's editions or a series' events may be held, e.g. the KCJ conference's
/// August–September for at most four days; outside it is CONFLICT `OUTSIDE_PERIOD` unless a
/// bureau administrator sets the rule aside (`outsidePeriod`, audited).
#[derive(SimpleObject)]
pub struct PeriodRule {
    /// First month (1–12).
    pub from_month: i32,
    /// Last month (1–12); before `fromMonth` when the period wraps over the new year.
    pub to_month: i32,
    /// Longest duration in days, first and last day counted (null: no limit).
    pub max_days: Option<i32>,
    /// Most editions starting in one calendar year (null: no limit; programmes only).
    pub editions_per_year: Option<i32>,
}

impl PeriodRule {
    /// The rule from the wire (0 = no limit).
    pub fn from_proto(p: &glocal_proto::common::v1::PeriodRule) -> Self {
        let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        let limit = |v: u32| (v > 0).then(|| int(v));
        PeriodRule {
            from_month: int(p.from_month),
            to_month: int(p.to_month),
            max_days: limit(p.max_days),
            editions_per_year: limit(p.editions_per_year),
        }
    }
}

/// When a programme's editions or a series' events may be held: months from–to (1–12, may
/// wrap over the new year), optionally a longest duration and (programmes) editions per year.
#[derive(InputObject)]
pub struct PeriodRuleInput {
    /// First month (1–12).
    pub from_month: i32,
    /// Last month (1–12); before `fromMonth` to wrap over the new year (e.g. 11 to 2).
    pub to_month: i32,
    /// Longest duration in days, first and last day counted.
    pub max_days: Option<i32>,
    /// Most editions starting in one calendar year (programmes only).
    pub editions_per_year: Option<i32>,
}

impl PeriodRuleInput {
    /// The rule for the wire, its fields named under `field` when negative (the service
    /// checks the rest).
    pub fn to_proto(
        self,
        field: &str,
    ) -> async_graphql::Result<glocal_proto::common::v1::PeriodRule> {
        let count = |v: i32, name: &str| {
            u32::try_from(v).map_err(|_| {
                crate::upstream::error::bad_input(
                    "must not be negative",
                    &format!("{field}.{name}"),
                )
            })
        };
        Ok(glocal_proto::common::v1::PeriodRule {
            from_month: count(self.from_month, "fromMonth")?,
            to_month: count(self.to_month, "toMonth")?,
            max_days: count(self.max_days.unwrap_or(0), "maxDays")?,
            editions_per_year: count(self.editions_per_year.unwrap_or(0), "editionsPerYear")?,
        })
    }
}
