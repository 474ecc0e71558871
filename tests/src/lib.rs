//! End-to-end harness: [`spawn_stack`] starts every service and the gateway in this process,
//! each on its own 127.0.0.1 port talking real gRPC, on a PostgreSQL database and a Redis
//! key prefix of the test's own, and [`Stack`] speaks GraphQL to it over real HTTP.
#![warn(missing_docs)]

use std::time::Duration;

use glocal_kit::caller::DevTokens;
use glocal_kit::config::{Secret, Settings};
use glocal_kit::shutdown::ShutdownTrigger;
use glocal_kit::testing::TestDatabase;
use glocal_kit::{Caller, Role};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

/// A running stack; everything stops when it is dropped.
pub struct Stack {
    /// `http://127.0.0.1:<port>` of the gateway.
    pub base_url: String,
    /// `http://127.0.0.1:<port>` of the portal (a client of the gateway, with the development
    /// sign-in offering the demo people).
    pub portal_url: String,
    /// The requests service's own database, for asserting what was (not) written.
    pub requests_db: DatabaseConnection,
    /// The training service's own database.
    pub training_db: DatabaseConnection,
    /// The events service's own database.
    pub events_db: DatabaseConnection,
    /// The research service's own database.
    pub research_db: DatabaseConnection,
    /// The notifier's own database.
    pub notifier_db: DatabaseConnection,
    /// The settings every component was started with.
    pub settings: Settings,
    tokens: DevTokens,
    http: reqwest::Client,
    trigger: ShutdownTrigger,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    gateway: Option<(ShutdownTrigger, tokio::task::JoinHandle<()>)>,
    notifier: Option<NotifierRun>,
    _databases: Vec<TestDatabase>,
}

/// The notifier, in a runtime of its own so that a test can kill it at any await point
/// (as a crashed process stops) and start it again.
struct NotifierRun {
    runtime: tokio::runtime::Runtime,
    trigger: ShutdownTrigger,
}

/// Starts every service and the gateway on port 0, with the directory's demo data.
pub async fn spawn_stack() -> Stack {
    spawn_stack_with(|_| {}).await
}

async fn listener() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0")
}

async fn database(url: &Secret) -> DatabaseConnection {
    glocal_kit::db::connect(url.expose())
        .await
        .expect("connect test database")
}

/// Like [`spawn_stack`], with a hook to adjust the settings first.
pub async fn spawn_stack_with(adjust: impl FnOnce(&mut Settings)) -> Stack {
    spawn(adjust, false).await
}

/// Like [`spawn_stack`], with every service's demo data loaded as `glocal dev` loads it
/// (requests, training, events, research): what the README's examples run against.
pub async fn spawn_demo_stack() -> Stack {
    spawn(|_| {}, true).await
}

/// Like [`spawn_demo_stack`], with a hook to adjust the settings first.
pub async fn spawn_demo_stack_with(adjust: impl FnOnce(&mut Settings)) -> Stack {
    spawn(adjust, true).await
}

async fn spawn(adjust: impl FnOnce(&mut Settings), demo: bool) -> Stack {
    glocal_kit::telemetry::init_for_test();
    let mut databases = Vec::new();
    for _ in 0..5 {
        databases.push(TestDatabase::postgres().await);
    }
    let mut settings = Settings::default();
    settings.redis.url = Secret::new(glocal_kit::testing::redis_url());
    settings.redis.key_prefix = glocal_kit::testing::redis_prefix();
    settings.grpc.drain_timeout_ms = 2_000;

    let (requests_l, training_l, events_l, research_l, gateway_l) = (
        listener().await,
        listener().await,
        listener().await,
        listener().await,
        listener().await,
    );
    let addr = |l: &tokio::net::TcpListener| l.local_addr().expect("local addr");
    settings.requests.database_url = Secret::new(databases[0].url.clone());
    settings.requests.listen = addr(&requests_l);
    settings.gateway.requests_url = format!("http://{}", settings.requests.listen);
    settings.training.database_url = Secret::new(databases[1].url.clone());
    settings.training.listen = addr(&training_l);
    settings.gateway.training_url = format!("http://{}", settings.training.listen);
    settings.events.database_url = Secret::new(databases[2].url.clone());
    settings.events.listen = addr(&events_l);
    settings.gateway.events_url = format!("http://{}", settings.events.listen);
    settings.research.database_url = Secret::new(databases[3].url.clone());
    settings.research.listen = addr(&research_l);
    settings.gateway.research_url = format!("http://{}", settings.research.listen);
    settings.gateway.listen = addr(&gateway_l);
    let notifier_l = listener().await;
    settings.notifier.database_url = Secret::new(databases[4].url.clone());
    settings.notifier.listen = addr(&notifier_l);
    settings.gateway.notifier_url = format!("http://{}", settings.notifier.listen);
    drop(notifier_l);
    settings.notifications.portal_url = "https://portal.glocal.test".into();
    settings.notifications.poll_interval_ms = 100;
    settings.notifications.retry_base_ms = 200;
    settings.notifications.retry_max_ms = 1_000;
    settings.notifications.attempt_lease_ms = 2_000;
    settings.storage.url = std::env::temp_dir()
        .join(format!("glocal-e2e-files-{}", uuid::Uuid::new_v4()))
        .display()
        .to_string();
    adjust(&mut settings);

    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let mut tasks = Vec::new();

    // requests: the directory (local governments, departments, staff, routing rules).
    let requests_db = database(&settings.requests.database_url).await;
    glocal_requests::migrate(&requests_db)
        .await
        .expect("migrate requests");
    if demo {
        glocal_requests::demo::seed_demo(&requests_db)
            .await
            .expect("seed requests demo");
    } else {
        glocal_requests::demo::seed_directory(&requests_db)
            .await
            .expect("seed directory");
    }
    {
        let (settings, shutdown, db) = (settings.clone(), shutdown.clone(), requests_db.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = glocal_requests::serve(db, &settings, requests_l, shutdown).await {
                panic!("requests service failed: {e}");
            }
        }));
    }

    // training
    let training_db = database(&settings.training.database_url).await;
    glocal_training::migrate(&training_db)
        .await
        .expect("migrate training");
    if demo {
        glocal_training::demo::seed_demo(&training_db)
            .await
            .expect("seed training demo");
    }
    {
        let (settings, shutdown, db) = (settings.clone(), shutdown.clone(), training_db.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = glocal_training::serve(db, &settings, training_l, shutdown).await {
                panic!("training service failed: {e}");
            }
        }));
    }

    // events
    let events_db = database(&settings.events.database_url).await;
    glocal_events::migrate(&events_db)
        .await
        .expect("migrate events");
    if demo {
        glocal_events::demo::seed_demo(&events_db)
            .await
            .expect("seed events demo");
    }
    {
        let (settings, shutdown, db) = (settings.clone(), shutdown.clone(), events_db.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = glocal_events::serve(db, &settings, events_l, shutdown).await {
                panic!("events service failed: {e}");
            }
        }));
    }

    // research
    let research_db = database(&settings.research.database_url).await;
    glocal_research::migrate(&research_db)
        .await
        .expect("migrate research");
    if demo {
        glocal_research::demo::seed_demo(&research_db)
            .await
            .expect("seed research demo");
    }
    {
        let (settings, shutdown, db) = (settings.clone(), shutdown.clone(), research_db.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = glocal_research::serve(db, &settings, research_l, shutdown).await {
                panic!("research service failed: {e}");
            }
        }));
    }

    // notifier
    let notifier_db = database(&settings.notifier.database_url).await;
    glocal_notifier::migrate(&notifier_db)
        .await
        .expect("migrate notifier");
    if demo {
        glocal_notifier::demo::seed_demo(&notifier_db)
            .await
            .expect("seed notifier demo");
    }

    // gateway (stopped with the stack, or alone by `stop_gateway`)
    let gateway = {
        let settings = settings.clone();
        let (trigger, shutdown) = glocal_kit::shutdown::channel();
        let task = tokio::spawn(async move {
            if let Err(e) = glocal_gateway::run(&settings, gateway_l, shutdown).await {
                panic!("gateway failed: {e}");
            }
        });
        (trigger, task)
    };
    let tokens = DevTokens::new(
        settings.auth.jwt_secret.expose().as_bytes(),
        &settings.auth.issuer,
        &settings.auth.audience,
    );

    // portal (a client of the gateway over HTTP, like a browser's)
    let portal_l = listener().await;
    settings.portal.listen = addr(&portal_l);
    settings.portal.gateway_url = format!("http://{}", settings.gateway.listen);
    settings.portal.public_url = format!("http://{}", settings.portal.listen);
    {
        let settings = settings.clone();
        let shutdown = shutdown.clone();
        // With an OpenID Connect client configured, people sign in only through the provider.
        let dev = settings
            .portal
            .oidc_client_id
            .is_empty()
            .then(|| glocal_portal::DevSignIn {
                people: glocal_requests::demo::demo_callers()
                    .into_iter()
                    .chain([glocal_training::demo::demo_fellowship_candidate()])
                    .collect(),
                tokens: tokens.clone(),
            });
        tasks.push(tokio::spawn(async move {
            if let Err(e) = glocal_portal::run(&settings, portal_l, shutdown, dev).await {
                panic!("portal failed: {e}");
            }
        }));
    }

    let stack = Stack {
        base_url: format!("http://{}", settings.gateway.listen),
        portal_url: format!("http://{}", settings.portal.listen),
        requests_db,
        training_db,
        events_db,
        research_db,
        notifier_db,
        settings,
        tokens,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client"),
        trigger,
        tasks,
        gateway: Some(gateway),
        notifier: None,
        _databases: databases,
    };
    let mut stack = stack;
    stack.start_notifier();
    stack.wait_ready().await;
    stack
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.kill_notifier();
        if let Some((trigger, task)) = self.gateway.take() {
            trigger.trigger();
            task.abort();
        }
        self.trigger.trigger();
        for t in &self.tasks {
            t.abort();
        }
        // Attachments a test stored in a folder of its own (never a bucket or a configured path).
        let folder = std::path::Path::new(&self.settings.storage.url);
        if folder.starts_with(std::env::temp_dir())
            && folder
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("glocal-e2e-"))
        {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

/// A GraphQL response as the client saw it.
#[derive(Debug)]
pub struct Gql {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` header.
    pub content_type: String,
    /// The JSON body.
    pub body: Value,
}

impl Gql {
    /// `data`, panicking with the errors when there are any.
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {:#}",
            self.body
        );
        &self.body["data"]
    }

    /// The `extensions.code` of the first error.
    pub fn error_code(&self) -> &str {
        self.body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {:#}", self.body))
    }
}

impl Stack {
    /// A token for `caller`.
    pub fn token(&self, caller: &Caller) -> String {
        self.tokens.mint(caller, Duration::from_secs(600))
    }

    /// A token for a local official of `org`.
    pub fn official(&self, sub: &str, org: &str) -> String {
        self.token(&Caller::new(
            sub,
            format!("Official {sub}"),
            org,
            [Role::LocalOfficial],
        ))
    }

    /// A token for bureau staff with subject `sub`.
    pub fn staff(&self, sub: &str) -> String {
        self.token(&Caller::new(
            sub,
            format!("Staff {sub}"),
            "GAOK",
            [Role::BureauStaff],
        ))
    }

    /// A token for a local official of `org` whose token carries the standard `email` and
    /// `locale` claims.
    pub fn official_with_contact(&self, sub: &str, org: &str, email: &str, locale: &str) -> String {
        self.token(
            &Caller::new(sub, format!("Official {sub}"), org, [Role::LocalOfficial])
                .with_contact(Some(email.to_owned()), Some(locale.to_owned())),
        )
    }

    /// Starts the notifier (again) on its configured address, reading the change streams
    /// from its stored positions.
    pub fn start_notifier(&mut self) {
        self.kill_notifier();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("notifier runtime");
        let (trigger, shutdown) = glocal_kit::shutdown::channel();
        let settings = self.settings.clone();
        runtime.spawn(async move {
            let db = database(&settings.notifier.database_url).await;
            let mut listener = None;
            for _ in 0..100 {
                match tokio::net::TcpListener::bind(settings.notifier.listen).await {
                    Ok(l) => {
                        listener = Some(l);
                        break;
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
            let listener = listener.expect("notifier address free again");
            if let Err(e) = glocal_notifier::serve(db, &settings, listener, shutdown).await {
                panic!("notifier failed: {e}");
            }
        });
        self.notifier = Some(NotifierRun { runtime, trigger });
    }

    /// Stops the notifier at once, wherever it is (its tasks are dropped at their next
    /// await point, as when its process is killed).
    pub fn kill_notifier(&mut self) {
        if let Some(run) = self.notifier.take() {
            run.trigger.trigger();
            run.runtime.shutdown_background();
        }
    }

    /// Stops the stack's own gateway (as SIGTERM does) and waits until it has stopped; the
    /// services keep running. [`Stack::start_replica`] starts gateways again.
    pub async fn stop_gateway(&mut self) {
        if let Some((trigger, task)) = self.gateway.take() {
            trigger.trigger();
            let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
        }
    }

    /// Starts another gateway replica of this stack on a port of its own.
    pub async fn start_replica(&self) -> Replica {
        self.start_replica_with(|_| {}).await
    }

    /// Like [`Stack::start_replica`], with a hook to adjust its settings first.
    pub async fn start_replica_with(&self, adjust: impl FnOnce(&mut Settings)) -> Replica {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let mut settings = self.settings.clone();
        settings.gateway.listen = listener.local_addr().expect("local addr");
        adjust(&mut settings);
        let base_url = format!("http://{}", settings.gateway.listen);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("replica runtime");
        let (trigger, shutdown) = glocal_kit::shutdown::channel();
        let (done, finished) = tokio::sync::oneshot::channel();
        runtime.spawn(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            if let Err(e) = glocal_gateway::run(&settings, listener, shutdown).await {
                panic!("gateway replica failed: {e}");
            }
            let _ = done.send(());
        });
        let replica = Replica {
            base_url,
            runtime: Some(runtime),
            trigger,
            finished: Some(finished),
            http: self.http.clone(),
        };
        replica.wait_listening().await;
        replica
    }

    /// POSTs a GraphQL operation to the gateway at `base_url` (see [`Stack::gql`]).
    pub async fn gql_at(
        &self,
        base_url: &str,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Gql {
        let mut req = self
            .http
            .post(format!("{base_url}/graphql"))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Self::read(req.send().await.expect("gateway reachable")).await
    }

    /// A token for a bureau administrator.
    pub fn admin(&self) -> String {
        self.token(&Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin]))
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `{base_url}/graphql`.
    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.base_url)
    }

    /// `{base_url}/subgraph`, the partner graph.
    pub fn subgraph_url(&self) -> String {
        format!("{}/subgraph", self.base_url)
    }

    /// POSTs a GraphQL operation to the partner graph (`/subgraph`).
    pub async fn subgraph(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut req = self
            .http
            .post(self.subgraph_url())
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Self::read(req.send().await.expect("gateway reachable")).await
    }

    /// POSTs a GraphQL operation (JSON, `Accept: application/graphql-response+json`).
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Gql {
        let mut req = self
            .http
            .post(self.graphql_url())
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Self::read(req.send().await.expect("gateway reachable")).await
    }

    /// Asks the public (no token) `query` until `settled` holds for its answer, for at most
    /// ten seconds: the public's answers are cached whole (ADR 0053) and a change shows once
    /// its change event has reached the gateway. Panics with `what` when it never does.
    pub async fn public_eventually(
        &self,
        query: &str,
        variables: Value,
        what: &str,
        settled: impl Fn(&Gql) -> bool,
    ) -> Gql {
        let started = std::time::Instant::now();
        loop {
            let answer = self.gql(None, query, variables.clone()).await;
            if settled(&answer) {
                return answer;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "{what} within the change stream's delay: {answer:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// [`Stack::gql`] with `Accept-Language: accept_language`.
    pub async fn gql_in(
        &self,
        accept_language: &str,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Gql {
        let mut req = self
            .http
            .post(self.graphql_url())
            .header("accept", "application/graphql-response+json")
            .header("accept-language", accept_language)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Self::read(req.send().await.expect("gateway reachable")).await
    }

    /// Turns an HTTP response into a [`Gql`].
    pub async fn read(resp: reqwest::Response) -> Gql {
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "raw": text }));
        Gql {
            status,
            content_type,
            body,
        }
    }

    /// Counts rows of a table in the requests service's database.
    pub async fn count_rows(&self, table: &str) -> i64 {
        count_rows_in(&self.requests_db, table).await
    }

    /// The token subject of the staff member with directory id `staff_id`.
    pub async fn staff_subject(&self, staff_id: &str) -> String {
        let backend = self.requests_db.get_database_backend();
        let row = self
            .requests_db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                "SELECT subject FROM staff WHERE id = $1",
                [staff_id.into()],
            ))
            .await
            .expect("staff query")
            .unwrap_or_else(|| panic!("no staff member {staff_id}"));
        row.try_get::<String>("", "subject").expect("subject")
    }

    async fn wait_ready(&self) {
        for _ in 0..100 {
            let ready = self
                .http
                .get(format!("{}/readyz", self.base_url))
                .send()
                .await;
            if let Ok(body) = match ready {
                Ok(r) => r.json::<Value>().await,
                Err(e) => Err(e),
            } {
                let services = body["services"].as_object().cloned().unwrap_or_default();
                let cache = if self.settings.redis.url.expose().is_empty() {
                    "local"
                } else {
                    "shared"
                };
                if !services.is_empty()
                    && services.values().all(|s| s == "SERVING")
                    && body["cache"] == cache
                {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("stack did not become ready");
    }
}

/// A gateway replica in a runtime of its own, so that a test can stop it as SIGTERM does
/// (then the runtime ends when `run` returns, as the process exits) or kill it at any await
/// point (as SIGKILL does). Killed when dropped.
pub struct Replica {
    /// `http://127.0.0.1:<port>` of this replica.
    pub base_url: String,
    runtime: Option<tokio::runtime::Runtime>,
    trigger: ShutdownTrigger,
    finished: Option<tokio::sync::oneshot::Receiver<()>>,
    http: reqwest::Client,
}

impl Replica {
    async fn wait_listening(&self) {
        for _ in 0..200 {
            let alive = self
                .http
                .get(format!("{}/healthz", self.base_url))
                .send()
                .await;
            if alive.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("gateway replica did not start");
    }

    /// The body of `/readyz` (`Null` when it does not answer JSON).
    pub async fn readyz(&self) -> Value {
        match self
            .http
            .get(format!("{}/readyz", self.base_url))
            .send()
            .await
        {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }

    /// Waits until `/readyz` says `"cache": tier`; false when it did not within `wait`.
    pub async fn wait_for_tier(&self, tier: &str, wait: Duration) -> bool {
        let until = tokio::time::Instant::now() + wait;
        while tokio::time::Instant::now() < until {
            if self.readyz().await["cache"] == tier {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// Stops the replica as SIGTERM does: starts its shutdown, waits (at most 30 s) until
    /// `run` returns, then ends its runtime as the process would exit. Answers how long
    /// `run` took to return.
    pub async fn stop(mut self) -> Duration {
        let started = std::time::Instant::now();
        self.trigger.trigger();
        if let Some(finished) = self.finished.take() {
            let _ = tokio::time::timeout(Duration::from_secs(30), finished).await;
        }
        let took = started.elapsed();
        self.kill_now();
        took
    }

    /// Kills the replica at once, wherever it is (SIGKILL).
    pub fn kill(mut self) {
        self.kill_now();
    }

    fn kill_now(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// An SMTP server on loopback (aiosmtpd from PyPI, which `scripts/test` installs into
/// `.venv`; `GLOCAL_TEST_SMTP_PYTHON` names its Python) that stores every message it accepts
/// in a Maildir of its own. Stopped when dropped.
pub struct SmtpSink {
    child: std::process::Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: std::path::PathBuf,
}

/// One message an [`SmtpSink`] received, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The `To` header.
    pub to: String,
    /// The decoded subject.
    pub subject: String,
    /// The decoded plain-text body.
    pub body: String,
    /// The `Message-ID` header.
    pub message_id: String,
}

fn smtp_python() -> String {
    std::env::var("GLOCAL_TEST_SMTP_PYTHON")
        .unwrap_or_else(|_| format!("{}/../.venv/bin/python", env!("CARGO_MANIFEST_DIR")))
}

/// A port on 127.0.0.1 nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(free_port()).await
    }

    /// Starts a sink on `port` and waits until it accepts connections (a test that cannot
    /// run it fails: run `scripts/test`, which installs it).
    pub async fn start_on(port: u16) -> SmtpSink {
        let dir = std::env::temp_dir().join(format!("glocal-smtp-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("maildir folder");
        let python = smtp_python();
        let child = std::process::Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.join("maildir"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the SMTP sink with {python} (run scripts/test to install aiosmtpd): {e}"));
        let sink = SmtpSink { child, port, dir };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return sink;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the SMTP sink did not start on port {port}");
    }

    /// `smtp://127.0.0.1:{port}` (plain SMTP: the sink offers no TLS).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in no particular order.
    pub fn messages(&self) -> Vec<Mail> {
        const DUMP: &str = r#"
import email, email.policy, json, os, sys
d = os.path.join(sys.argv[1], 'new')
out = []
for f in (sorted(os.listdir(d)) if os.path.isdir(d) else []):
    m = email.message_from_bytes(open(os.path.join(d, f), 'rb').read(), policy=email.policy.default)
    out.append({'to': str(m['To']), 'subject': str(m['Subject']), 'body': m.get_content(), 'message_id': str(m['Message-ID'])})
print(json.dumps(out))
"#;
        let output = std::process::Command::new(smtp_python())
            .args(["-c", DUMP])
            .arg(self.dir.join("maildir"))
            .output()
            .expect("read the maildir");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let list: Vec<Value> = serde_json::from_slice(&output.stdout).expect("maildir JSON");
        list.into_iter()
            .map(|m| Mail {
                to: m["to"].as_str().unwrap_or_default().to_owned(),
                subject: m["subject"].as_str().unwrap_or_default().to_owned(),
                body: m["body"].as_str().unwrap_or_default().to_owned(),
                message_id: m["message_id"].as_str().unwrap_or_default().to_owned(),
            })
            .collect()
    }

    /// The messages once at least `n` arrived (panics after 30 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        for _ in 0..300 {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} messages, got {:#?}", self.messages());
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Counts rows of `table` in `db` (any service's database).
pub async fn count_rows_in(db: &DatabaseConnection, table: &str) -> i64 {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count query")
        .expect("one row");
    row.try_get::<i64>("", "n").expect("count")
}
