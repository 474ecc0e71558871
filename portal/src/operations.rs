//! The portal's GraphQL operations (`graphql/requests.graphql`), compiled into typed Rust
//! against the gateway's schema as published in `docs/schema.graphql`: an operation that
//! selects a field the schema lacks, or passes a variable of the wrong type, fails the build.

#![allow(clippy::all, clippy::pedantic, missing_docs)]

use graphql_client::GraphQLQuery;

/// The schema's `DateTime` scalar: RFC 3339 text.
pub type DateTime = String;
/// The schema's `Date` scalar: `YYYY-MM-DD`.
pub type Date = String;

macro_rules! operation {
    ($name:ident) => {
        #[derive(GraphQLQuery)]
        #[graphql(
            schema_path = "../docs/schema.graphql",
            query_path = "graphql/requests.graphql",
            response_derives = "Debug, Clone",
            variables_derives = "Debug, Clone",
            skip_serializing_none
        )]
        pub struct $name;
    };
}

operation!(Me);
operation!(RequestList);
operation!(RequestPage);
operation!(Departments);
operation!(SubmitRequest);
operation!(SendMidResponse);
operation!(SendFinalResponse);
operation!(AddNote);
operation!(Reassign);
operation!(Reject);
operation!(AskRequester);
operation!(Reply);
operation!(Close);
operation!(Reopen);
operation!(Rate);
operation!(Withdraw);
operation!(EventPage);
operation!(VerifyCertificate);
operation!(Library);
operation!(PracticePage);
operation!(EventList);
operation!(ProgrammeList);
operation!(MyEventRegistrations);
operation!(RegisterForEvent);
operation!(CancelRegistration);
operation!(ApplyPage);
operation!(FellowshipPartners);
operation!(MyApplications);
operation!(CheckEligibility);
operation!(SubmitApplication);
operation!(RoutingPage);
operation!(SetRoutingRule);
operation!(DeleteRoutingRule);
operation!(MyData);
operation!(RequestErasure);
operation!(MyNotices);
operation!(MergeCandidates);
operation!(Merge);
operation!(CreateAttachmentUpload);
operation!(MarkNoticesRead);
