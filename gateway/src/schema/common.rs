//! GraphQL types and conversions every domain of the schema shares: Relay's [`PageInfo`],
//! a [`Person`], and the proto ↔ GraphQL conversions of timestamps and proto3's empty
//! strings.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

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

/// A protobuf timestamp as a UTC date-time (`None` when absent or out of range).
pub fn datetime(ts: Option<&prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    let ts = ts?;
    DateTime::from_timestamp(ts.seconds, u32::try_from(ts.nanos).ok()?)
}

/// A UTC date-time as a protobuf timestamp.
pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// `None` for the empty string (proto3's "unset").
pub fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}
