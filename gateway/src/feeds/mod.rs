//! Feeds outside GraphQL, each a plain HTTP route: the iCalendar feeds of events and series
//! ([`ics`]) and the Atom feed of newly published practices ([`atom`]). They read the
//! services as the public (no caller) through the read-retry policy and share nothing else
//! with the GraphQL endpoint.

pub mod atom;
pub mod ics;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::schema::common::PublicUrls;
use crate::upstream::Services;
use crate::upstream::clients::ReadRetry;

/// What the feed routes need: the service clients and how reads are retried.
pub struct FeedState {
    /// The service clients.
    pub services: Services,
    /// How reads to the services are retried.
    pub read_retry: ReadRetry,
    /// Where the feeds' links point.
    pub urls: PublicUrls,
}

/// Every feed route, with its state, to merge into the gateway's router.
pub fn routes<S>(state: Arc<FeedState>) -> Router<S> {
    Router::new()
        .route("/feeds/practices.atom", get(atom::practices_atom))
        .merge(ics::routes())
        .with_state(state)
}
