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
    /// The requests service's own database, for asserting what was (not) written.
    pub requests_db: DatabaseConnection,
    /// The training service's own database.
    pub training_db: DatabaseConnection,
    /// The events service's own database.
    pub events_db: DatabaseConnection,
    /// The research service's own database.
    pub research_db: DatabaseConnection,
    /// The settings every component was started with.
    pub settings: Settings,
    tokens: DevTokens,
    http: reqwest::Client,
    trigger: ShutdownTrigger,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _databases: Vec<TestDatabase>,
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

async fn spawn(adjust: impl FnOnce(&mut Settings), demo: bool) -> Stack {
    glocal_kit::telemetry::init_for_test();
    let mut databases = Vec::new();
    for _ in 0..4 {
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

    // gateway
    {
        let (settings, shutdown) = (settings.clone(), shutdown.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = glocal_gateway::run(&settings, gateway_l, shutdown).await {
                panic!("gateway failed: {e}");
            }
        }));
    }
    let tokens = DevTokens::new(
        settings.auth.jwt_secret.expose().as_bytes(),
        &settings.auth.issuer,
        &settings.auth.audience,
    );
    let stack = Stack {
        base_url: format!("http://{}", settings.gateway.listen),
        requests_db,
        training_db,
        events_db,
        research_db,
        settings,
        tokens,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client"),
        trigger,
        tasks,
        _databases: databases,
    };
    stack.wait_ready().await;
    stack
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.trigger.trigger();
        for t in &self.tasks {
            t.abort();
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
                if !services.is_empty() && services.values().all(|s| s == "SERVING") {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("stack did not become ready");
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
