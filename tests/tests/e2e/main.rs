//! End-to-end tests: real HTTP → gateway → real gRPC over loopback → requests service →
//! PostgreSQL (a database of each test's own), with Redis under a prefix of each test's own.

mod graphql_http;
mod support;
mod workflow;
