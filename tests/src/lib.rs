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
    tokens: DevTokens,
    http: reqwest::Client,
    trigger: ShutdownTrigger,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    _database: TestDatabase,
}

/// Starts the requests service and the gateway on port 0 with the directory's demo data.
pub async fn spawn_stack() -> Stack {
    spawn_stack_with(|_| {}).await
}

/// Like [`spawn_stack`], with a hook to adjust the settings first.
pub async fn spawn_stack_with(adjust: impl FnOnce(&mut Settings)) -> Stack {
    glocal_kit::telemetry::init_for_test();
    let database = TestDatabase::postgres().await;
    let mut settings = Settings::default();
    settings.requests.database_url = Secret::new(database.url.clone());
    settings.redis.url = Secret::new(glocal_kit::testing::redis_url());
    settings.redis.key_prefix = glocal_kit::testing::redis_prefix();
    settings.grpc.drain_timeout_ms = 2_000;

    let requests_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind requests");
    settings.requests.listen = requests_listener.local_addr().expect("requests addr");
    settings.gateway.requests_url = format!("http://{}", settings.requests.listen);
    let gateway_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind gateway");
    settings.gateway.listen = gateway_listener.local_addr().expect("gateway addr");
    adjust(&mut settings);

    let db = glocal_kit::db::connect(settings.requests.database_url.expose())
        .await
        .expect("connect requests db");
    glocal_requests::migrate(&db)
        .await
        .expect("migrate requests db");
    glocal_requests::demo::seed_directory(&db)
        .await
        .expect("seed directory");

    let (trigger, shutdown) = glocal_kit::shutdown::channel();
    let mut tasks = Vec::new();
    {
        let (settings, shutdown, db) = (settings.clone(), shutdown.clone(), db.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = glocal_requests::serve(db, &settings, requests_listener, shutdown).await
            {
                panic!("requests service failed: {e}");
            }
        }));
    }
    {
        let (settings, shutdown) = (settings.clone(), shutdown.clone());
        tasks.push(tokio::spawn(async move {
            if let Err(e) = glocal_gateway::run(&settings, gateway_listener, shutdown).await {
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
        requests_db: db,
        tokens,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client"),
        trigger,
        tasks,
        _database: database,
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
        let backend = self.requests_db.get_database_backend();
        let row = self
            .requests_db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("one row");
        row.try_get::<i64>("", "n").expect("count")
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
            if ready.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("stack did not become ready");
    }
}
