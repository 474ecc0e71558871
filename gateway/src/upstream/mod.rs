//! The floor below the schema: everything the gateway needs to reach the services. The
//! clients ([`Services`], one channel per service, and [`clients`] for load balancing and
//! read retries), the typed per-service [`read`] and [`call`] (caller, trace context and
//! deadline in every request; reads retried on UNAVAILABLE; failures as GraphQL errors by
//! the one mapping in [`error`]), the [`entity_cache`], the change-stream consumer
//! ([`changes`]), every DataLoader ([`loaders`]) and the writer of the log of staff reads of
//! personal data ([`read_log`]), and the cache of whole public answers ([`responses`]),
//! which the edge reads and the change-stream consumer invalidates.
//!
//! Nothing here imports the schema or the edge.

pub mod changes;
pub mod clients;
pub mod entity_cache;
pub mod error;
pub mod loaders;
pub mod read_log;
pub mod responses;

use std::future::Future;
use std::time::Duration;

use async_graphql::Context;
use glocal_kit::Caller;
use glocal_proto::common::v1::files_service_client::FilesServiceClient;
use glocal_proto::events::v1::events_service_client::EventsServiceClient;
use glocal_proto::notifier::v1::notifier_service_client::NotifierServiceClient;
use glocal_proto::requests::v1::directory_admin_service_client::DirectoryAdminServiceClient;
use glocal_proto::requests::v1::request_search_service_client::RequestSearchServiceClient;
use glocal_proto::requests::v1::requests_service_client::RequestsServiceClient;
use glocal_proto::research::v1::exchange_project_service_client::ExchangeProjectServiceClient;
use glocal_proto::research::v1::research_service_client::ResearchServiceClient;
use glocal_proto::training::v1::coaching_service_client::CoachingServiceClient;
use glocal_proto::training::v1::fellowship_service_client::FellowshipServiceClient;
use glocal_proto::training::v1::itinerary_service_client::ItineraryServiceClient;
use glocal_proto::training::v1::training_service_client::TrainingServiceClient;
use tonic::transport::Channel;

use clients::ReadRetry;

/// The authenticated caller of one request, `None` when anonymous (request extension and
/// GraphQL request data).
#[derive(Debug, Clone, Default)]
pub struct Identity(pub Option<Caller>);

/// The caller of the current request, if authenticated.
pub fn caller<'a>(ctx: &'a Context<'_>) -> Option<&'a Caller> {
    ctx.data_opt::<Identity>().and_then(|i| i.0.as_ref())
}

/// The service clients, shared by every request (schema data). Channels connect lazily
/// and are reused; typed clients over them are cheap to make per call.
#[derive(Clone, Debug)]
pub struct Services {
    /// The requests service (Online Bureau and directory).
    pub requests: RequestsServiceClient<Channel>,
    /// Channel to the requests service (its health).
    pub requests_channel: Channel,
    /// Channel to the training service.
    pub training: Channel,
    /// Channel to the events service.
    pub events: Channel,
    /// Channel to the research service.
    pub research: Channel,
    /// Channel to the notifier (not part of readiness: notices are never on a request's
    /// critical path).
    pub notifier: Channel,
    /// Deadline of each call.
    pub timeout: Duration,
}

impl Services {
    /// Lazily connecting channels to every service of `settings`, each balanced over the
    /// addresses of its name for `dns+http://` URLs or `client_lb` (see
    /// [`clients::channel`]; needs a tokio runtime then).
    pub fn connect(
        settings: &glocal_kit::config::GatewaySettings,
    ) -> Result<Services, glocal_kit::grpc::GrpcError> {
        let timeout = Duration::from_millis(settings.grpc_timeout_ms);
        let channel = |url: &str| clients::channel(url, settings);
        let requests_channel = channel(&settings.requests_url)?;
        Ok(Services {
            requests: RequestsServiceClient::new(requests_channel.clone()),
            requests_channel,
            training: channel(&settings.training_url)?,
            events: channel(&settings.events_url)?,
            research: channel(&settings.research_url)?,
            notifier: channel(&settings.notifier_url)?,
            timeout,
        })
    }

    /// (name, gRPC service name, channel) of every service, for readiness.
    pub fn health_targets(&self) -> [(&'static str, &'static str, Channel); 4] {
        [
            (
                "requests",
                "glocal.requests.v1.RequestsService",
                self.requests_channel.clone(),
            ),
            (
                "training",
                "glocal.training.v1.TrainingService",
                self.training.clone(),
            ),
            (
                "events",
                "glocal.events.v1.EventsService",
                self.events.clone(),
            ),
            (
                "research",
                "glocal.research.v1.ResearchService",
                self.research.clone(),
            ),
        ]
    }
}

/// One of the services, naming its typed gRPC client (see [`read`] and [`call`]).
pub trait Service: Copy {
    /// The service's tonic client.
    type Client: Clone;

    /// Its client over the channel in `services`.
    fn client(self, services: &Services) -> Self::Client;
}

/// The requests service (Online Bureau and directory).
#[derive(Clone, Copy, Debug)]
pub struct Requests;

/// The requests service's files: requests' attachments (ADR 0022, ADR 0030).
#[derive(Clone, Copy, Debug)]
pub struct RequestFiles;

impl Service for RequestFiles {
    type Client = FilesServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        FilesServiceClient::new(services.requests_channel.clone())
    }
}

/// The requests service's search (ADR 0025).
#[derive(Clone, Copy, Debug)]
pub struct RequestSearch;

impl Service for RequestSearch {
    type Client = RequestSearchServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        RequestSearchServiceClient::new(services.requests_channel.clone())
    }
}

/// The requests service's directory administration (ADR 0035).
#[derive(Clone, Copy, Debug)]
pub struct DirectoryAdmin;

impl Service for DirectoryAdmin {
    type Client = DirectoryAdminServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        DirectoryAdminServiceClient::new(services.requests_channel.clone())
    }
}

/// The training service's files: applications' papers (ADR 0026).
#[derive(Clone, Copy, Debug)]
pub struct TrainingFiles;

impl Service for TrainingFiles {
    type Client = FilesServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        FilesServiceClient::new(services.training.clone())
    }
}

/// The research service's files: practices' reports (ADR 0026).
#[derive(Clone, Copy, Debug)]
pub struct ResearchFiles;

impl Service for ResearchFiles {
    type Client = FilesServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        FilesServiceClient::new(services.research.clone())
    }
}

/// The events service.
#[derive(Clone, Copy, Debug)]
pub struct Events;

/// The research service.
#[derive(Clone, Copy, Debug)]
pub struct Research;

/// The research service's exchange projects (ADR 0046).
#[derive(Clone, Copy, Debug)]
pub struct ResearchProjects;

impl Service for ResearchProjects {
    type Client = ExchangeProjectServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        ExchangeProjectServiceClient::new(services.research.clone())
    }
}

/// The training service.
#[derive(Clone, Copy, Debug)]
pub struct Training;

/// The training service's coaching (ADR 0050).
#[derive(Clone, Copy, Debug)]
pub struct TrainingCoaching;

impl Service for TrainingCoaching {
    type Client = CoachingServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        CoachingServiceClient::new(services.training.clone())
    }
}

/// The training service's itineraries and trip reports (ADR 0052).
#[derive(Clone, Copy, Debug)]
pub struct TrainingItinerary;

impl Service for TrainingItinerary {
    type Client = ItineraryServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        ItineraryServiceClient::new(services.training.clone())
    }
}

/// The training service's invitation-fellowship operations (ADR 0051).
#[derive(Clone, Copy, Debug)]
pub struct TrainingFellowship;

impl Service for TrainingFellowship {
    type Client = FellowshipServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        FellowshipServiceClient::new(services.training.clone())
    }
}

/// The notifier.
#[derive(Clone, Copy, Debug)]
pub struct Notifier;

impl Service for Notifier {
    type Client = NotifierServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        NotifierServiceClient::new(services.notifier.clone())
    }
}

impl Service for Requests {
    type Client = RequestsServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        services.requests.clone()
    }
}

impl Service for Events {
    type Client = EventsServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        EventsServiceClient::new(services.events.clone())
    }
}

impl Service for Research {
    type Client = ResearchServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        ResearchServiceClient::new(services.research.clone())
    }
}

impl Service for Training {
    type Client = TrainingServiceClient<Channel>;
    fn client(self, services: &Services) -> Self::Client {
        TrainingServiceClient::new(services.training.clone())
    }
}

/// A client of `service` and `message` wrapped with the caller, trace context and deadline,
/// for one write (writes are never retried; map the call's failure with [`error::remote`]).
pub fn call<S: Service, T>(
    ctx: &Context<'_>,
    service: S,
    message: T,
) -> async_graphql::Result<(S::Client, tonic::Request<T>)> {
    let services = ctx.data::<Services>()?;
    let request = glocal_kit::grpc::request(message, caller(ctx), services.timeout);
    Ok((service.client(services), request))
}

/// Calls the read `method` (its gRPC name, e.g. `GetRequest`) of `service`: each attempt
/// sends `message` in a fresh request (caller, trace context, deadline) and UNAVAILABLE is
/// retried by the schema's [`ReadRetry`] (none when the schema has no policy). A failure
/// is a GraphQL error with its code ([`error::remote`]).
pub async fn read<S, M, R, F, Fut>(
    ctx: &Context<'_>,
    service: S,
    method: &'static str,
    message: M,
    call: F,
) -> async_graphql::Result<tonic::Response<R>>
where
    S: Service,
    M: Clone,
    F: FnMut(S::Client, tonic::Request<M>) -> Fut,
    Fut: Future<Output = Result<tonic::Response<R>, tonic::Status>>,
{
    read_status(ctx, service, method, message, call)
        .await
        .map_err(error::remote)
}

/// [`read`], answering the service's status as it is (for callers that tell NOT_FOUND
/// apart).
pub async fn read_status<S, M, R, F, Fut>(
    ctx: &Context<'_>,
    service: S,
    method: &'static str,
    message: M,
    call: F,
) -> Result<tonic::Response<R>, tonic::Status>
where
    S: Service,
    M: Clone,
    F: FnMut(S::Client, tonic::Request<M>) -> Fut,
    Fut: Future<Output = Result<tonic::Response<R>, tonic::Status>>,
{
    let Some(services) = ctx.data_opt::<Services>() else {
        return Err(tonic::Status::internal("the schema has no service clients"));
    };
    let retry = ctx
        .data_opt::<ReadRetry>()
        .copied()
        .unwrap_or(ReadRetry::NONE);
    retry
        .read(
            method,
            &service.client(services),
            message,
            caller(ctx),
            services.timeout,
            call,
        )
        .await
}
