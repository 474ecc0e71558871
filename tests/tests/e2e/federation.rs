//! Apollo Federation v2: Glocal's partner graph (`/subgraph`) composed with a partner's
//! subgraph by Apollo's own packages (`tests/federation/`: @apollo/subgraph for the
//! partner, @apollo/composition to compose, @apollo/gateway to serve the supergraph), and
//! queries that cross both through the Apollo gateway against the running stack. The
//! partner owns generic names (`Department`, `Staff`, `Contact`, a `Language` enum,
//! `EventFilter`) and the composition must still succeed; the supergraph's API schema must
//! hold none of the private types ([`glocal_gateway::authz::private_types`], derived from
//! the authorization matrix).
//!
//! The npm packages are installed by this test with `npm ci` into
//! `target/federation-node` (never committed). Without `npm` or `node` on the machine the
//! test fails and says what to install (`scripts/test` installs them).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use glocal_e2e::spawn_stack;
use serde_json::{Value, json};

/// `tests/federation/`, the committed sources.
fn sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("federation")
}

/// The scratch folder the packages are installed in.
fn scratch() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .join("target")
        .join("federation-node")
}

fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Copies the sources into the scratch folder and runs `npm ci` when the lock file changed
/// since the last install (or nothing is installed yet).
fn install(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the scratch folder");
    for entry in std::fs::read_dir(sources()).expect("tests/federation") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".mjs") || name.ends_with(".json") {
            std::fs::copy(&path, dir.join(&name)).expect("copy a source");
        }
    }
    let lock = std::fs::read(dir.join("package-lock.json")).expect("package-lock.json");
    let stamp = dir.join("node_modules").join(".glocal-installed-lock");
    if std::fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        return;
    }
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .output()
        .expect("run npm ci");
    assert!(
        output.status.success(),
        "npm ci failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(&stamp, lock).expect("stamp the install");
}

/// A node process, killed when dropped.
struct Node {
    child: Child,
    stderr: PathBuf,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `node script args…` in `dir` and waits for the `PREFIX=<value>` line of each of
/// `prefixes` (the last one is printed when listening); the values in `prefixes` order.
async fn start(dir: &Path, script: &str, args: &[&str], prefixes: &[&str]) -> (Node, Vec<String>) {
    let stderr = dir.join(format!("{script}.stderr.log"));
    let mut child = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).expect("stderr log"))
        .spawn()
        .expect("start node");
    let stdout = child.stdout.take().expect("stdout");
    let node = Node { child, stderr };
    let (tx, rx) = mpsc::channel();
    let wanted: Vec<String> = prefixes.iter().map(|p| format!("{p}=")).collect();
    std::thread::spawn(move || {
        let mut values = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(value) = wanted
                .get(values.len())
                .and_then(|prefix| line.strip_prefix(prefix.as_str()))
            {
                values.push(value.trim().to_owned());
                if values.len() == wanted.len() {
                    let _ = tx.send(values);
                    return;
                }
            }
        }
    });
    let values = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(90)))
        .await
        .expect("join");
    match values {
        Ok(values) => (node, values),
        Err(_) => panic!(
            "`node {script}` did not start:\n{}",
            std::fs::read_to_string(&node.stderr).unwrap_or_default()
        ),
    }
}

async fn post(http: &reqwest::Client, url: &str, token: Option<&str>, query: &str) -> Value {
    let mut request = http
        .post(url)
        .header("content-type", "application/json")
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("reachable")
        .json()
        .await
        .expect("a JSON answer")
}

#[tokio::test]
async fn a_partner_supergraph_composes_us_and_crosses_both_subgraphs() {
    for program in ["node", "npm"] {
        assert!(
            available(program),
            "`{program}` is not on PATH: this test composes the supergraph with Apollo's npm \
             packages and needs Node.js 20 or later with npm (Debian: `apt-get install nodejs \
             npm`; scripts/test installs them)"
        );
    }
    let stack = spawn_stack().await;
    let dir = scratch();
    tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || install(&dir)
    })
    .await
    .expect("install");

    let (_partner, partner) = start(&dir, "partner.mjs", &[], &["PARTNER_URL"]).await;
    let partner_url = partner[0].clone();
    let (_gateway, composed) = start(
        &dir,
        "gateway.mjs",
        &[&stack.subgraph_url(), &partner_url],
        &["API_TYPES", "GLOCAL_TYPES", "GATEWAY_URL"],
    )
    .await;
    let [api_types, glocal_types, gateway_url] = <[String; 3]>::try_from(composed).unwrap();
    let api_types: Vec<String> = serde_json::from_str(&api_types).expect("API_TYPES");
    let glocal_types: Vec<String> = serde_json::from_str(&glocal_types).expect("GLOCAL_TYPES");
    let http = stack.http();

    // The supergraph's API schema holds no private type of ours: none of the types only the
    // matrix's closed root fields reach, and none of the portal-only types public types
    // lead to on /graphql. The partner's own `Department`, `Staff`, `Contact`, `Language`
    // and `EventFilter` are there, and they are the partner's.
    let private = glocal_gateway::authz::private_types();
    assert!(
        private.contains("ServiceRequest") && private.contains("RoutingRule"),
        "{private:?}"
    );
    assert!(
        glocal_types.iter().any(|t| t == "Event"),
        "{glocal_types:?}"
    );
    for ty in &glocal_types {
        let ours = ty.strip_prefix("Glocal").unwrap_or(ty);
        assert!(
            !private.contains(ours),
            "private `{ty}` is in the supergraph"
        );
    }
    for portal_only in [
        "Contribution",
        "Interaction",
        "TrainingAttendance",
        "PracticeHistoryEntry",
        "PracticeVersion",
        "Me",
        "Mutation",
        "Subscription",
        "Staff",
        "Department",
        "Contact",
        "Language",
    ] {
        assert!(
            !glocal_types.iter().any(|t| t == portal_only),
            "`{portal_only}` of ours is in the supergraph: {glocal_types:?}"
        );
    }
    for theirs in ["Department", "Staff", "Contact", "Language", "EventFilter"] {
        assert!(api_types.iter().any(|t| t == theirs), "{api_types:?}");
    }
    let names = post(
        http,
        &gateway_url,
        None,
        "{ departments { code name(lang: FR) staff { displayName } contact { email } } \
           localGovernments { code name(lang: EN) } }",
    )
    .await;
    assert!(names.get("errors").is_none(), "{names:#}");
    assert_eq!(
        names["data"]["departments"][0]["name"],
        "Relations internationales"
    );

    // From the partner's root into our entity, and from our root into the partner's field.
    let crossed = post(
        http,
        &gateway_url,
        None,
        "{ partnerOffices { id city localGovernment { code name(lang: EN) level } } \
           localGovernments { code name(lang: EN) partnerOffice { city since } } }",
    )
    .await;
    assert!(crossed.get("errors").is_none(), "{crossed:#}");
    let offices = crossed["data"]["partnerOffices"].as_array().unwrap();
    let osaka = offices.iter().find(|o| o["id"] == "osaka").expect("osaka");
    assert_eq!(osaka["localGovernment"]["code"], "11000");
    assert_eq!(
        osaka["localGovernment"]["name"], "Seoul Metropolitan Government",
        "resolved by Glocal's _entities: {crossed:#}"
    );
    assert_eq!(osaka["localGovernment"]["level"], "METROPOLITAN");
    let lgs = crossed["data"]["localGovernments"].as_array().unwrap();
    let busan = lgs.iter().find(|l| l["code"] == "26000").expect("Busan");
    assert_eq!(
        busan["partnerOffice"]["city"], "Fukuoka",
        "resolved by the partner"
    );
    let gangnam = lgs.iter().find(|l| l["code"] == "11680").expect("Gangnam");
    assert!(gangnam["partnerOffice"].is_null());

    // Our other public entities are in the supergraph too.
    let public = post(
        http,
        &gateway_url,
        None,
        "{ events(first: 1) { totalCount } practices(first: 1) { totalCount } \
           programmes(first: 1) { totalCount } researchAreas { code } }",
    )
    .await;
    assert!(public.get("errors").is_none(), "{public:#}");

    // Private operations are not part of the supergraph, whoever asks.
    let admin = stack.admin();
    for private in [
        "{ serviceRequests { totalCount } }",
        "{ routingRules { id } }",
        "{ me { subject } }",
        "mutation { deleteRoutingRule(id: \"1\") }",
    ] {
        let refused = post(http, &gateway_url, Some(&admin), private).await;
        assert!(
            refused.get("data").is_none_or(Value::is_null),
            "{private}: {refused:#}"
        );
        // Unknown fields fail validation; with no mutation root at all the planner refuses.
        let code = refused["errors"][0]["extensions"]["code"].as_str();
        assert!(
            matches!(code, Some("GRAPHQL_VALIDATION_FAILED" | "INVALID_GRAPHQL")),
            "{private}: {refused:#}"
        );
    }

    // Entities straight from our subgraph: found ones resolved, unknown ones null.
    let entities = post(
        http,
        &stack.subgraph_url(),
        None,
        "{ _entities(representations: [\
             {__typename: \"LocalGovernment\", code: \"26000\"}, \
             {__typename: \"LocalGovernment\", code: \"99999\"}]) \
           { ... on LocalGovernment { code name(lang: EN) } } }",
    )
    .await;
    assert_eq!(
        entities["data"]["_entities"][0]["code"], "26000",
        "{entities:#}"
    );
    assert!(entities["data"]["_entities"][1].is_null(), "{entities:#}");
}
