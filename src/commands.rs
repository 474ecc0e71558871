//! The subcommands of `glocal`: parse the command line, load settings, start telemetry,
//! and hand over to the component libraries.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use glocal_kit::component::Component as KitComponent;
use glocal_kit::config::{ConfigError, Secret, Settings};
use glocal_kit::{Caller, Role, Shutdown};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

/// Exit code for bad configuration or usage (EX_USAGE).
const EXIT_CONFIG: u8 = 64;
/// Exit code for a failure at run time (EX_SOFTWARE).
const EXIT_FAILURE: u8 = 70;
/// Exit code of `glocal serve` over a database lacking migrations this release needs
/// (EX_TEMPFAIL: it serves once the migration Job has run).
const EXIT_SCHEMA_BEHIND: u8 = 75;

/// Glocal: the international-affairs bureau platform.
#[derive(Debug, Parser)]
#[command(name = "glocal", version, about)]
pub struct Cli {
    /// TOML configuration file (also `GLOCAL_CONFIG`); `GLOCAL_*` variables override it.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Everything in one process on SQLite files and an in-process cache, with demo data.
    Dev {
        /// Folder for the SQLite files (default `.glocal`).
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Gateway address (default 127.0.0.1:8080).
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Portal address (default 127.0.0.1:8081).
        #[arg(long, default_value = "127.0.0.1:8081")]
        portal_listen: SocketAddr,
    },
    /// One component, as deployed on Kubernetes. Never migrates: a service exits 75 when its
    /// database lacks migrations (run `glocal migrate` first) and tolerates newer ones.
    Serve {
        /// Which component.
        component: Component,
    },
    /// Apply database migrations of every service (or the one named) with the DDL
    /// credentials; concurrent runs wait for each other (PostgreSQL advisory lock).
    Migrate {
        /// Only this service.
        component: Option<Component>,
    },
    /// Load demo data into the configured databases (only where they are empty).
    Seed,
    /// Load reference data into the configured databases.
    Import {
        /// What to import.
        #[command(subcommand)]
        what: Import,
    },
    /// Print the public GraphQL schema (SDL).
    Schema {
        /// Print the partner graph's subgraph SDL (`/subgraph`'s `_service { sdl }`) instead.
        #[arg(long)]
        partner: bool,
    },
    /// Mint a development JWT signed with the configured HS256 secret.
    Token {
        /// Role: local_official, bureau_staff, bureau_admin or partner (repeatable).
        #[arg(long, required = true)]
        role: Vec<String>,
        /// Organisation: a local government's code, GAOK for the bureau, or for a partner
        /// its organisation id in the partner network (a UUID).
        #[arg(long)]
        org: String,
        /// Subject.
        #[arg(long)]
        sub: String,
        /// Display name.
        #[arg(long, default_value = "")]
        name: String,
        /// Lifetime in hours.
        #[arg(long, default_value_t = 12)]
        ttl_hours: u64,
    },
    /// Generate a key pair for signed caller identity: the private key for the gateway's
    /// `grpc.identity_signing_key`, the public key for the services' `grpc.identity_keys`.
    Keygen,
}

/// What `glocal import` loads.
#[derive(Debug, Subcommand)]
enum Import {
    /// Upsert the local-government list (CSV, see data/README.md) into the requests
    /// service's directory: idempotent; a bad file is refused naming its line, unwritten.
    LocalGovernments {
        /// The CSV file, e.g. data/local-governments.csv.
        file: PathBuf,
        /// Print the changes without writing them.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Component {
    /// The GraphQL gateway.
    Gateway,
    /// The portal: web pages for officials and bureau staff (a client of the gateway).
    Portal,
    /// The requests service (Online Bureau).
    Requests,
    /// The training programmes service.
    Training,
    /// The events service.
    Events,
    /// The research service.
    Research,
    /// The notifier (notices by e-mail and in-app inbox).
    Notifier,
}

/// The gRPC services, each owning its own database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Service {
    Requests,
    Training,
    Events,
    Research,
    Notifier,
}

impl Service {
    const ALL: [Service; 5] = [
        Service::Requests,
        Service::Training,
        Service::Events,
        Service::Research,
        Service::Notifier,
    ];

    fn of(component: Component) -> Option<Service> {
        match component {
            Component::Gateway | Component::Portal => None,
            Component::Requests => Some(Service::Requests),
            Component::Training => Some(Service::Training),
            Component::Events => Some(Service::Events),
            Component::Research => Some(Service::Research),
            Component::Notifier => Some(Service::Notifier),
        }
    }

    /// The service's library, driven through the one [`KitComponent`] trait.
    fn component(self) -> &'static dyn KitComponent {
        match self {
            Service::Requests => &glocal_requests::RequestsComponent,
            Service::Training => &glocal_training::TrainingComponent,
            Service::Events => &glocal_events::EventsComponent,
            Service::Research => &glocal_research::ResearchComponent,
            Service::Notifier => &glocal_notifier::NotifierComponent,
        }
    }

    fn name(self) -> &'static str {
        self.component().name()
    }

    fn configure(self, settings: &mut Settings, database_url: Secret, listen: SocketAddr) {
        self.component().configure(settings, database_url, listen);
    }

    fn metrics_listen(self, settings: &Settings) -> SocketAddr {
        self.component().metrics_listen(settings)
    }

    /// Samples the pool and outbox of `db` into this process's metrics until `shutdown`.
    fn sample_database(self, settings: &Settings, db: &DatabaseConnection, shutdown: &Shutdown) {
        glocal_kit::metrics::spawn_database_sampler(
            self.name(),
            db.clone(),
            Duration::from_millis(settings.metrics.sample_interval_ms),
            shutdown.clone(),
        );
    }

    fn listen(self, settings: &Settings) -> SocketAddr {
        self.component().listen(settings)
    }

    /// Its pool over the data credentials (`database_url`), sized by `<service>.pool`.
    async fn connect(self, settings: &Settings) -> Result<DatabaseConnection, Failure> {
        let component = self.component();
        let url = component.database_url(settings);
        Ok(glocal_kit::db::connect_with(url.expose(), component.pool(settings)).await?)
    }

    /// Its pool over the DDL credentials (`migration_database_url`, else `database_url`),
    /// with at least two connections: one holds the migration lock while the others migrate.
    async fn connect_for_migration(
        self,
        settings: &Settings,
    ) -> Result<DatabaseConnection, Failure> {
        let component = self.component();
        let url = component.migration_database_url(settings);
        let mut pool = component.pool(settings).clone();
        pool.max_connections = pool.max_connections.max(2);
        Ok(glocal_kit::db::connect_with(url.expose(), &pool).await?)
    }

    async fn migrate(self, db: &DatabaseConnection) -> anyhow::Result<()> {
        self.component()
            .migrate(db)
            .await
            .map_err(anyhow::Error::from_boxed)
    }

    /// Refuses a schema lacking migrations this release needs; tolerates (and logs) newer ones.
    async fn check_schema(self, db: &DatabaseConnection) -> anyhow::Result<()> {
        let status = self.component().check_schema(db).await.map_err(|e| {
            // Keep the typed error findable: `run` maps a schema behind to its exit code.
            match e.downcast::<glocal_kit::schema::SchemaError>() {
                Ok(schema) => anyhow::Error::new(*schema),
                Err(e) => anyhow::Error::from_boxed(e),
            }
        })?;
        if !status.newer.is_empty() {
            tracing::warn!(
                service = self.name(),
                newer = ?status.newer,
                "the database has migrations newer than this release (tolerated: expand/contract, ADR 0020)"
            );
        }
        Ok(())
    }

    async fn seed_demo(self, db: &DatabaseConnection) -> anyhow::Result<bool> {
        self.component()
            .seed_demo(db)
            .await
            .map_err(anyhow::Error::from_boxed)
    }

    async fn serve(
        self,
        db: DatabaseConnection,
        settings: Settings,
        listener: TcpListener,
        shutdown: Shutdown,
    ) -> anyhow::Result<()> {
        self.component()
            .serve(db, &settings, listener, shutdown)
            .await
            .map_err(anyhow::Error::from_boxed)
    }
}

/// Runs the parsed command line to its exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::load(cli.config.as_deref(), std::env::vars()) {
        Ok(s) => s,
        Err(e) => return config_error(&e),
    };
    let result = match cli.command {
        Command::Dev {
            data_dir,
            listen,
            portal_listen,
        } => dev(settings, data_dir, listen, portal_listen).await,
        Command::Serve { component } => serve(settings, component).await,
        Command::Migrate { component } => migrate(settings, component).await,
        Command::Seed => seed(settings).await,
        Command::Import {
            what: Import::LocalGovernments { file, dry_run },
        } => import_local_governments(settings, &file, dry_run).await,
        Command::Schema { partner } => {
            if partner {
                print!("{}", glocal_gateway::partner_sdl());
            } else {
                print!("{}", glocal_gateway::sdl());
            }
            Ok(())
        }
        Command::Token {
            role,
            org,
            sub,
            name,
            ttl_hours,
        } => token(&settings, &role, org, sub, name, ttl_hours),
        Command::Keygen => keygen(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("glocal: {message}");
            ExitCode::from(EXIT_CONFIG)
        }
        Err(Failure::Run(e)) if is_configuration(&e) => {
            eprintln!("glocal: {e:#}");
            ExitCode::from(EXIT_CONFIG)
        }
        Err(Failure::Run(e)) if is_schema_behind(&e) => {
            tracing::error!(error = %e, "the database schema is behind this release");
            eprintln!("glocal: {e:#}");
            ExitCode::from(EXIT_SCHEMA_BEHIND)
        }
        Err(Failure::Run(e)) => {
            tracing::error!(error = %e, "glocal stopped with an error");
            eprintln!("glocal: {e:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// The exit code of a command line clap refused: `--help` and `--version` print and succeed,
/// every usage error prints clap's message and exits 64 (EX_USAGE) as documented, not clap's 2.
pub fn usage_error(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    if e.use_stderr() {
        ExitCode::from(EXIT_CONFIG)
    } else {
        ExitCode::SUCCESS
    }
}

/// Whether a failure is a configuration error found after start-up (e.g. a production
/// gateway without `auth.oidc_issuer`): those exit 64 like the ones found while loading.
fn is_configuration(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.downcast_ref::<ConfigError>().is_some()
            || matches!(
                cause.downcast_ref::<glocal_portal::PortalError>(),
                Some(glocal_portal::PortalError::Config(_))
            )
            || matches!(
                cause.downcast_ref::<glocal_gateway::GatewayError>(),
                Some(glocal_gateway::GatewayError::Config(_))
            )
    })
}

/// Whether a failure is a database lacking migrations this release needs.
fn is_schema_behind(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<glocal_kit::schema::SchemaError>(),
            Some(glocal_kit::schema::SchemaError::Behind { .. })
        )
    })
}

fn config_error(e: &ConfigError) -> ExitCode {
    eprintln!("glocal: {e}");
    ExitCode::from(EXIT_CONFIG)
}

enum Failure {
    Usage(String),
    Run(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Run(e.into())
    }
}

fn telemetry(
    settings: &Settings,
    name: &str,
) -> Result<glocal_kit::telemetry::TelemetryGuard, Failure> {
    let endpoint = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT")
        .or_else(|_| std::env::var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
        .ok();
    glocal_kit::telemetry::init(settings, name, endpoint.as_deref())
        .map_err(|e| Failure::Usage(e.to_string()))
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, Failure> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::Usage(format!("cannot listen on {addr}: {e}")))
}

async fn dev(
    mut settings: Settings,
    data_dir: Option<PathBuf>,
    listen: SocketAddr,
    portal_listen: SocketAddr,
) -> Result<(), Failure> {
    let _guard = telemetry(&settings, "glocal")?;
    let data_dir = data_dir.unwrap_or_else(|| settings.dev.data_dir.clone());
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", data_dir.display())))?;
    settings.redis.url = Secret::default();
    // Without an SMTP server every message becomes an .eml file in the data folder.
    if settings.notifications.smtp_url.is_empty()
        && settings.notifications.mail_dir.as_os_str().is_empty()
    {
        settings.notifications.mail_dir = data_dir.join("mail");
    }
    // Attachments go to the `files` folder of the data folder unless storage is configured.
    if settings.storage.url.trim().is_empty() {
        settings.storage.url = data_dir.join("files").display().to_string();
    }

    // Each service on its own loopback port and SQLite file, talking real gRPC to the gateway.
    let mut services = Vec::new();
    for service in Service::ALL {
        let listener = bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let url = Secret::new(format!(
            "sqlite://{}/{}.db",
            data_dir.display(),
            service.name()
        ));
        service.configure(&mut settings, url, listener.local_addr()?);
        let db = service.connect(&settings).await?;
        service.migrate(&db).await?;
        if settings.dev.demo_data && service.seed_demo(&db).await? {
            tracing::info!(service = service.name(), "demo data loaded");
        }
        services.push((service, db, listener));
    }
    let gateway_listener = bind(listen).await?;
    settings.gateway.listen = gateway_listener.local_addr()?;
    let portal_listener = bind(portal_listen).await?;
    settings.portal.listen = portal_listener.local_addr()?;
    settings.portal.gateway_url = format!("http://{}", loopback(settings.gateway.listen));
    let portal_url = format!("http://{}", loopback(settings.portal.listen));
    settings.portal.public_url = portal_url.clone();
    // Notices and the Atom feed's entries link to the pages people use.
    if settings.gateway.portal_url.trim().is_empty() {
        settings.gateway.portal_url = portal_url.clone();
    }
    settings.notifications.portal_url = portal_url;

    print_welcome(&settings, &data_dir);
    let shutdown = Shutdown::on_signal();
    let tasks: Vec<_> = services
        .into_iter()
        .map(|(service, db, listener)| {
            service.sample_database(&settings, &db, &shutdown);
            tokio::spawn(service.serve(db, settings.clone(), listener, shutdown.clone()))
        })
        .collect();
    let portal = {
        let (settings, shutdown) = (settings.clone(), shutdown.clone());
        let dev_sign_in = dev_sign_in(&settings);
        tokio::spawn(async move {
            glocal_portal::run(&settings, portal_listener, shutdown, Some(dev_sign_in)).await
        })
    };
    let gateway = glocal_gateway::run(&settings, gateway_listener, shutdown).await;
    portal.await??;
    for task in tasks {
        task.await??;
    }
    gateway?;
    Ok(())
}

/// `addr` with an unspecified IP (`0.0.0.0`) replaced by loopback, for URLs to print or call.
fn loopback(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    }
}

/// The portal's development sign-in: the demo people, with tokens of the development secret.
fn dev_sign_in(settings: &Settings) -> glocal_portal::DevSignIn {
    glocal_portal::DevSignIn {
        people: glocal_requests::demo::demo_callers()
            .into_iter()
            .chain([glocal_training::demo::demo_fellowship_candidate()])
            .collect(),
        tokens: dev_tokens(settings),
    }
}

fn print_welcome(settings: &Settings, data_dir: &std::path::Path) {
    let tokens = dev_tokens(settings);
    println!();
    println!("Glocal is running (data in {}).", data_dir.display());
    println!(
        "  Portal:    http://{}/   (sign in as a demo person)",
        loopback(settings.portal.listen)
    );
    println!(
        "  GraphiQL:  http://{}/graphql",
        loopback(settings.gateway.listen)
    );
    for service in Service::ALL {
        println!(
            "  {:<9}  gRPC on {}",
            format!("{}:", service.name()),
            service.listen(settings)
        );
    }
    if settings.notifications.smtp_url.is_empty() {
        println!(
            "  e-mail:     written as .eml files to {}",
            settings.notifications.mail_dir.display()
        );
    }
    println!();
    println!("Demo tokens (paste into GraphiQL's headers as {{\"Authorization\": \"Bearer …\"}}):");
    for caller in glocal_requests::demo::demo_callers() {
        let roles: Vec<&str> = caller.roles.iter().map(|r| r.as_str()).collect();
        println!(
            "  {} ({}, org {}):",
            caller.subject,
            roles.join(","),
            caller.org
        );
        println!(
            "    {}",
            tokens.mint(&caller, Duration::from_secs(12 * 3600))
        );
    }
    println!();
}

fn dev_tokens(settings: &Settings) -> glocal_kit::caller::DevTokens {
    glocal_kit::caller::DevTokens::new(
        settings.auth.jwt_secret.expose().as_bytes(),
        &settings.auth.issuer,
        &settings.auth.audience,
    )
}

async fn serve(settings: Settings, component: Component) -> Result<(), Failure> {
    let shutdown = Shutdown::on_signal();
    if component == Component::Portal {
        let _guard = telemetry(&settings, "glocal-portal")?;
        let listener = bind(settings.portal.listen).await?;
        // Development deployments (kind, compose) sign in as the demo people; production
        // refuses that (people sign in through OpenID Connect).
        let dev = (settings.environment == glocal_kit::config::Environment::Development)
            .then(|| dev_sign_in(&settings));
        let state = glocal_portal::PortalState::new(&settings, dev)?;
        let _ = glocal_kit::metrics::prometheus();
        if settings.metrics.enabled {
            let addr = settings.metrics.portal_listen;
            glocal_kit::metrics::spawn_server(addr, shutdown.clone())
                .await
                .map_err(|e| Failure::Usage(format!("cannot listen on {addr} (metrics): {e}")))?;
        }
        glocal_portal::serve(&settings, state, listener, shutdown).await?;
        return Ok(());
    }
    match Service::of(component) {
        None => {
            let _guard = telemetry(&settings, "glocal-gateway")?;
            let listener = bind(settings.gateway.listen).await?;
            if settings.metrics.enabled {
                // The admin port: liveness and metrics off the traffic port.
                let addr = settings.metrics.gateway_listen;
                glocal_kit::metrics::spawn_server(addr, shutdown.clone())
                    .await
                    .map_err(|e| Failure::Usage(format!("cannot listen on {addr} (admin): {e}")))?;
            }
            glocal_gateway::run(&settings, listener, shutdown).await?;
        }
        Some(service) => {
            settings.check_service()?;
            // A relay that cannot start would leave the service SERVING while its change
            // events never leave: refuse to start instead (never ready).
            glocal_kit::outbox::check(&settings).map_err(|e| {
                Failure::Usage(format!("outbox relay cannot start (redis.url): {e}"))
            })?;
            let _guard = telemetry(&settings, &format!("glocal-{}", service.name()))?;
            let listener = bind(service.listen(&settings)).await?;
            let _ = glocal_kit::metrics::prometheus();
            if settings.metrics.enabled {
                let addr = service.metrics_listen(&settings);
                glocal_kit::metrics::spawn_server(addr, shutdown.clone())
                    .await
                    .map_err(|e| {
                        Failure::Usage(format!("cannot listen on {addr} (metrics): {e}"))
                    })?;
            }
            // Never migrates (the migration Job does, ADR 0020): checks the schema is recent
            // enough, tolerating a newer release's migrations (after a rollback).
            let db = service.connect(&settings).await?;
            service.check_schema(&db).await?;
            service.sample_database(&settings, &db, &shutdown);
            service.serve(db, settings, listener, shutdown).await?;
        }
    }
    Ok(())
}

async fn migrate(settings: Settings, component: Option<Component>) -> Result<(), Failure> {
    let _guard = telemetry(&settings, "glocal-migrate")?;
    let services =
        match component {
            None => Service::ALL.to_vec(),
            Some(c) => vec![Service::of(c).ok_or_else(|| {
                Failure::Usage("the gateway and the portal have no database".into())
            })?],
        };
    for service in services {
        let db = service.connect_for_migration(&settings).await?;
        service.migrate(&db).await?;
        let _ = db.close().await;
        println!("{}: database migrated", service.name());
    }
    Ok(())
}

async fn seed(settings: Settings) -> Result<(), Failure> {
    let _guard = telemetry(&settings, "glocal-seed")?;
    for service in Service::ALL {
        let db = service.connect_for_migration(&settings).await?;
        service.migrate(&db).await?;
        if service.seed_demo(&db).await? {
            println!("{}: demo data loaded", service.name());
        } else {
            println!("{}: already has data, left as it is", service.name());
        }
    }
    Ok(())
}

async fn import_local_governments(
    settings: Settings,
    file: &std::path::Path,
    dry_run: bool,
) -> Result<(), Failure> {
    let _guard = telemetry(&settings, "glocal-import")?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
    let db = Service::Requests.connect(&settings).await?;
    Service::Requests.check_schema(&db).await?;
    match glocal_requests::import_local_governments(db, &text, dry_run).await {
        Ok(report) => {
            print!("{report}");
            Ok(())
        }
        Err(glocal_requests::service::ImportError::File(e)) => Err(Failure::Usage(format!(
            "{}: {e}; nothing written",
            file.display()
        ))),
        Err(glocal_requests::service::ImportError::Service(e)) => Err(Failure::Run(e.into())),
    }
}

fn keygen() -> Result<(), Failure> {
    let (private, public) = glocal_kit::identity::generate()?;
    println!("GLOCAL_GRPC__IDENTITY_SIGNING_KEY={private}");
    println!("GLOCAL_GRPC__IDENTITY_KEYS={public}");
    Ok(())
}

fn token(
    settings: &Settings,
    roles: &[String],
    org: String,
    sub: String,
    name: String,
    ttl_hours: u64,
) -> Result<(), Failure> {
    let roles = roles
        .iter()
        .flat_map(|r| r.split(','))
        .map(Role::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::Usage(e.to_string()))?;
    if settings.environment == glocal_kit::config::Environment::Production {
        return Err(Failure::Usage("`glocal token` mints development tokens only; production takes tokens from the identity provider".into()));
    }
    if sub.trim().is_empty() {
        return Err(Failure::Usage("--sub must not be empty".into()));
    }
    if roles.contains(&Role::Partner)
        && glocal_research::domain::OrganisationId::parse(org.trim(), "org").is_err()
    {
        return Err(Failure::Usage(
            "--role partner needs --org <the partner organisation's id> (a UUID): it is who the partner is"
                .into(),
        ));
    }
    let caller = Caller::new(sub, name, org, roles);
    println!(
        "{}",
        dev_tokens(settings).mint(&caller, Duration::from_secs(ttl_hours * 3600))
    );
    Ok(())
}
