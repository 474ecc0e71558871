//! Production sign-in at the portal: OpenID Connect's authorization code flow with PKCE
//! against a real, certified provider — panva's `oidc-provider` from npm (installed by
//! `scripts/test`, run by Node on loopback from `tests/oidc/provider.mjs`), whose development
//! login form the browser fills in. The gateway checks the provider's JWT access tokens
//! (`auth.oidc_issuer`) as it would in production; the portal has no development sign-in.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::{Client, Locator};
use glocal_e2e::{Stack, spawn_demo_stack_with};
use serde_json::json;

use crate::portal_browser::{Driver, source, wait_for_text};

/// The portal's client id at the provider.
const CLIENT_ID: &str = "glocal-portal";
/// The gateway's audience: the resource the provider issues access tokens for (an absolute
/// URI, as resource indicators must be).
const AUDIENCE: &str = "https://api.glocal.test";

/// The provider, killed when dropped; its stdout lines (token grants) are kept.
struct Provider {
    child: Child,
    issuer: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Provider {
    /// Starts the provider on `port` for a portal at `portal_url`, its access tokens living
    /// `access_ttl` seconds, and waits until its discovery document answers.
    async fn start(port: u16, portal_url: &str, access_ttl: u64) -> Provider {
        let module = std::env::var("GLOCAL_TEST_OIDC_PROVIDER").expect(
            "GLOCAL_TEST_OIDC_PROVIDER must name the oidc-provider package (scripts/test installs it from npm)",
        );
        let script = format!("{}/oidc/provider.mjs", env!("CARGO_MANIFEST_DIR"));
        let accounts = json!({
            "official-seoul": {
                "name": "김민지 (서울특별시)", "org": "11000", "roles": ["local_official"],
                "email": "minji.kim@seoul.example.org"
            }
        });
        let mut child = Command::new("node")
            .arg(&script)
            .env("OIDC_PROVIDER_MODULE", &module)
            .env("OIDC_PORT", port.to_string())
            .env("OIDC_REDIRECT_URI", format!("{portal_url}/auth/callback"))
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_AUDIENCE", AUDIENCE)
            .env("OIDC_ACCESS_TTL", access_ttl.to_string())
            .env("OIDC_ACCOUNTS", accounts.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node must be installed to run the OpenID Connect provider (scripts/test)");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stdout = child.stdout.take().expect("the provider's stdout");
        let kept = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                kept.lock().unwrap().push(line);
            }
        });
        let issuer = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http
                .get(format!("{issuer}/.well-known/openid-configuration"))
                .send()
                .await
                && r.status().is_success()
            {
                return Provider {
                    child,
                    issuer,
                    lines,
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the OpenID Connect provider exited: {status}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the OpenID Connect provider did not answer within 20 s");
    }

    /// How many token grants of `grant_type` the provider made.
    fn grants(&self, grant_type: &str) -> usize {
        let wanted = format!("grant {grant_type}");
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| **l == wanted)
            .count()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A demo stack whose gateway trusts the provider on `port` and whose portal signs people
/// in there only.
async fn stack_with_provider(port: u16) -> Stack {
    spawn_demo_stack_with(|s| {
        s.auth.oidc_issuer = format!("http://127.0.0.1:{port}");
        s.auth.audience = AUDIENCE.into();
        // The provider starts after the stack (it must know the portal's address), so the
        // gateway's failed fetch at start-up must not hold back the next one for long.
        s.auth.jwks_refresh_min_interval_ms = 200;
        s.portal.oidc_client_id = CLIENT_ID.into();
    })
    .await
}

/// Waits until the browser is at a URL whose path is `path`.
async fn wait_for_path(b: &Client, path: &str) {
    for _ in 0..150 {
        if b.current_url().await.unwrap().path() == path {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the browser never reached {path} (at {}):\n{}",
        b.current_url().await.unwrap(),
        source(b).await
    );
}

/// Fills the provider's development login form and confirms the consent it asks for.
async fn log_in_at_provider(b: &Client, provider: &Provider, login: &str) {
    for _ in 0..150 {
        if b.current_url()
            .await
            .unwrap()
            .as_str()
            .starts_with(&provider.issuer)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let field = match b
        .wait()
        .for_element(Locator::Css("input[name=login]"))
        .await
    {
        Ok(field) => field,
        Err(e) => panic!("the provider's login form: {e}\n{}", source(b).await),
    };
    field.send_keys(login).await.unwrap();
    b.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("any password")
        .await
        .unwrap();
    b.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The consent page: the same kind of button, on a new page.
    for _ in 0..150 {
        let url = b.current_url().await.unwrap();
        if !url.as_str().starts_with(&provider.issuer) {
            return;
        }
        if source(b).await.contains("value=\"consent\"") {
            b.find(Locator::Css("button[type=submit]"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the provider never asked for consent:\n{}", source(b).await);
}

#[tokio::test]
async fn an_official_signs_in_through_the_provider_stays_signed_in_and_is_signed_out_when_renewal_fails()
 {
    let port = glocal_e2e::free_port();
    let stack = stack_with_provider(port).await;
    // Access tokens live 32 s: the portal renews them 30 s before they expire, so the pages
    // after signing in already need a renewal.
    let mut provider = Provider::start(port, &stack.portal_url, 32).await;
    let driver = Driver::start().await;
    let b = driver.browser("ko").await;

    // A page that needs a person sends them to sign in; there is no demo person to choose.
    b.goto(&format!("{}/notices", stack.portal_url))
        .await
        .unwrap();
    wait_for_path(&b, "/sign-in").await;
    let page = source(&b).await;
    assert!(
        !page.contains("sign-in-official-seoul"),
        "no development sign-in"
    );
    b.find(Locator::Id("sign-in-oidc"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    log_in_at_provider(&b, &provider, "official-seoul").await;

    // Back at the page she asked for, signed in as the provider said; the gateway accepts
    // the provider's access token: Seoul's requests are listed.
    wait_for_path(&b, "/notices").await;
    b.goto(&format!("{}/requests", stack.portal_url))
        .await
        .unwrap();
    wait_for_path(&b, "/requests").await;
    wait_for_text(&b, "김민지 (서울특별시)").await;
    assert_eq!(provider.grants("authorization_code"), 1);
    let requests = source(&b).await;
    assert!(
        requests.contains("href=\"/requests/"),
        "Seoul's requests are listed:\n{requests}"
    );

    // The access token now expires within 30 s: the next page renews it with the refresh
    // token and still works.
    tokio::time::sleep(Duration::from_secs(3)).await;
    b.goto(&format!("{}/requests", stack.portal_url))
        .await
        .unwrap();
    wait_for_text(&b, "김민지 (서울특별시)").await;
    assert!(
        provider.grants("refresh_token") >= 1,
        "the portal renewed the access token"
    );
    assert!(source(&b).await.contains("href=\"/requests/"));

    // When the token can no longer be renewed (the provider is gone), the person is signed
    // out and sent to sign in again, not shown an error.
    provider.stop();
    tokio::time::sleep(Duration::from_secs(3)).await;
    b.goto(&format!("{}/requests", stack.portal_url))
        .await
        .unwrap();
    wait_for_path(&b, "/sign-in").await;
    assert!(!source(&b).await.contains("김민지 (서울특별시)"));
    b.close().await.unwrap();
}

/// The `Set-Cookie` pairs of a response, as one `Cookie` header.
fn cookies_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn the_callback_refuses_a_foreign_state_a_missing_start_and_a_refusal() {
    let port = glocal_e2e::free_port();
    let stack = stack_with_provider(port).await;
    let provider = Provider::start(port, &stack.portal_url, 300).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Starting: to the provider's authorization endpoint, with PKCE (S256), state and nonce.
    let start = http
        .get(format!("{}/sign-in/oidc", stack.portal_url))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    let location = start.headers()["location"].to_str().unwrap().to_owned();
    let url = reqwest::Url::parse(&location).unwrap();
    assert!(location.starts_with(&format!("{}/auth?", provider.issuer)));
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param("code_challenge").map(|c| c.len()), Some(43));
    assert_eq!(param("client_id").as_deref(), Some(CLIENT_ID));
    assert_eq!(param("response_type").as_deref(), Some("code"));
    assert_eq!(
        param("redirect_uri"),
        Some(format!("{}/auth/callback", stack.portal_url))
    );
    assert!(param("scope").unwrap().split(' ').any(|s| s == "openid"));
    let state = param("state").unwrap();
    assert!(param("nonce").is_some());
    let cookies = cookies_of(&start);
    assert!(cookies.contains("glocal_oidc="), "{cookies}");
    assert!(
        !cookies.contains(&state),
        "the pending sign-in cookie is encrypted"
    );

    let callback = |query: String, cookies: Option<String>| {
        let mut request = http
            .get(format!("{}/auth/callback?{query}", stack.portal_url))
            .header("accept-language", "en");
        if let Some(c) = cookies {
            request = request.header("cookie", c);
        }
        request.send()
    };
    let signed_in = |response: &reqwest::Response| {
        response.status() == 303 && response.headers()["location"] == "/"
    };

    // A state this browser was not sent with (a forged callback): refused, nobody signed in.
    let forged = callback(format!("code=abc&state=not-{state}"), Some(cookies.clone()))
        .await
        .unwrap();
    assert!(!signed_in(&forged));
    assert_eq!(forged.status(), 400);
    assert!(
        forged
            .text()
            .await
            .unwrap()
            .contains("Signing in did not work")
    );

    // A callback without the start's cookie (expired, or another browser): refused.
    let lost = callback(format!("code=abc&state={state}"), None)
        .await
        .unwrap();
    assert_eq!(lost.status(), 400);
    assert!(lost.text().await.unwrap().contains("took too long"));

    // The provider's refusal (the person declined): said, nobody signed in.
    let refused = callback(
        format!("error=access_denied&state={state}"),
        Some(cookies.clone()),
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("did not sign you in")
    );

    // A made-up code with the right state: the provider refuses the exchange.
    let bad_code = callback(format!("code=made-up&state={state}"), Some(cookies))
        .await
        .unwrap();
    assert_eq!(bad_code.status(), 502);
    assert_eq!(provider.grants("authorization_code"), 0);
}
