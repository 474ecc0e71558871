//! End-to-end tests: real HTTP → gateway → real gRPC over loopback → requests service →
//! PostgreSQL (a database of each test's own), with Redis under a prefix of each test's own.

mod attachments;
mod authorization;
mod batching;
mod caching;
mod coaching;
mod dashboards;
mod depth;
mod directory;
mod doc_claims;
mod doc_examples;

mod events;
mod exchange_projects;
mod exports;
mod federation;
mod fellowship;
mod files;
mod forum_guests;
mod graphql_http;
mod itinerary;
mod merge;
mod notices;
mod partner_callers;
mod partner_graph;
mod personal_data_reads;
mod portal;
mod portal_audit;
mod portal_browser;
mod portal_oidc;
mod portal_pages;
mod portal_screenshots;
mod privacy;
mod read_through;
mod replicas;
mod reports;
mod request_search;
mod research;
mod research_subscriptions;
mod resilience;
mod response_cache;
mod sla;
mod subscriptions;
mod support;
mod training;
mod workflow;
