//! End-to-end tests: real HTTP → gateway → real gRPC over loopback → requests service →
//! PostgreSQL (a database of each test's own), with Redis under a prefix of each test's own.

mod events;
mod graphql_http;
mod research;
mod support;
mod training;
mod workflow;
