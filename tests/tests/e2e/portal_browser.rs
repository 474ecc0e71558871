//! The portal in a real browser (issue 20): headless Chromium from Debian driven over
//! WebDriver by Debian's chromedriver, against a real stack with the portal in front of the
//! gateway. An official and a staff member work one request in two browser sessions; a Busan
//! official cannot open a Seoul request by URL; switching language changes the page; an
//! official registers for an event from its page, and a delegation; an official applies to a programme, first with
//! a profile the edition does not take (its reasons shown by the fields), then with one it does;
//! an administrator adds and deletes a routing rule; a person sees their data and asks for its
//! erasure, which an administrator approves.
//!
//! These tests FAIL (never skip) when chromium or chromedriver is missing: `scripts/test`
//! installs both with apt-get.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use glocal_e2e::{Stack, spawn_demo_stack, spawn_stack};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// A chromedriver of this test's own on a free port, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    pub(crate) async fn start() -> Driver {
        let port = glocal_e2e::free_port();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver must be installed (scripts/test installs Debian's chromium-driver)",
            );
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let status = format!("{}/status", driver.url);
        for _ in 0..100 {
            if reqwest::get(&status)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        drop(driver);
        panic!("chromedriver did not start on port {port}");
    }

    /// A new browser session of its own (own cookies), headless, asking for `lang` first.
    pub(crate) async fn browser(&self, lang: &str) -> Client {
        self.session(lang, json!({}), "--window-size=1280,1000")
            .await
    }

    /// A session like [`Driver::browser`] whose page (viewport) is exactly `width` × `height`
    /// CSS pixels at a device pixel ratio of 1 (Chromium's device emulation), as on a phone
    /// (mobile viewport, touch) when `phone`: what the screenshots in docs/portal.md and the
    /// accessibility audit use.
    pub(crate) async fn sized(&self, lang: &str, width: u32, height: u32, phone: bool) -> Client {
        let emulation = json!({ "mobileEmulation": { "deviceMetrics": {
            "width": width, "height": height, "pixelRatio": 1.0, "touch": phone, "mobile": phone
        } } });
        self.session(lang, emulation, &format!("--window-size={width},{height}"))
            .await
    }

    async fn session(&self, lang: &str, extra: serde_json::Value, window: &str) -> Client {
        let mut options = json!({
            "binary": chromium(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", window, format!("--lang={lang}")],
            "prefs": { "intl.accept_languages": lang }
        });
        if let (Some(o), Some(e)) = (options.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(caps);
        builder
            .connect(&self.url)
            .await
            .expect("a chromium session (is Debian's chromium installed?)")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> String {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("chromedriver")
        .to_owned()
}

fn chromium() -> String {
    ["/usr/bin/chromium", "/usr/lib/chromium/chromium"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("chromium")
        .to_owned()
}

pub(crate) async fn sign_in(b: &Client, stack: &Stack, subject: &str) {
    b.goto(&format!("{}/sign-in", stack.portal_url))
        .await
        .unwrap();
    b.find(Locator::Id(&format!("sign-in-{subject}")))
        .await
        .unwrap_or_else(|e| panic!("{subject} on the sign-in page: {e}"))
        .click()
        .await
        .unwrap();
    // The click submits a form: wait until the browser has left the sign-in page (on a
    // loaded machine the next command can otherwise still see it).
    for _ in 0..100 {
        let url = b.current_url().await.unwrap();
        if !url.path().ends_with("/sign-in") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{subject} never left the sign-in page:\n{}",
        source(b).await
    );
}

/// Finds an element, waiting (up to 10 s) for it to appear: after a click that submits a form
/// the browser may still show the previous page, which does not have it.
pub(crate) async fn find(
    b: &Client,
    locator: Locator<'_>,
) -> Result<fantoccini::elements::Element, String> {
    b.wait()
        .at_most(Duration::from_secs(10))
        .every(Duration::from_millis(100))
        .for_element(locator)
        .await
        .map_err(|e| e.to_string())
}

pub(crate) async fn text_of(b: &Client, css: &str) -> String {
    match find(b, Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap(),
        Err(e) => panic!("{css}: {e}\n{}", source(b).await),
    }
}

pub(crate) async fn fill(b: &Client, id: &str, value: &str) {
    let field = find(b, Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Sets an `<input type=date|datetime-local>` by script (typing into them depends on locale).
pub(crate) async fn set_value(b: &Client, id: &str, value: &str) {
    b.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![json!(id), json!(value)],
    )
    .await
    .unwrap();
}

pub(crate) async fn click(b: &Client, id: &str) {
    find(b, Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .click()
        .await
        .unwrap();
}

pub(crate) async fn source(b: &Client) -> String {
    b.source().await.unwrap()
}

/// How the request page's script gets updates once it has settled (up to 10 s): `socket`
/// (the portal's WebSocket) or `polling`.
async fn live_channel(b: &Client) -> String {
    let mut channel = String::new();
    for _ in 0..100 {
        channel = b
            .execute("return document.body.dataset.live || '';", vec![])
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if !channel.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    channel
}

/// Waits (up to 10 s) until the page's text holds `needle`.
pub(crate) async fn wait_for_text(b: &Client, needle: &str) {
    for _ in 0..100 {
        if source(b).await.contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed {needle:?}:\n{}", source(b).await);
}

#[tokio::test]
async fn an_official_and_staff_work_a_request_through_the_portal_in_two_browsers() {
    let stack = spawn_stack().await;
    let driver = Driver::start().await;
    let official = driver.browser("ko").await;
    let staff = driver.browser("ko").await;

    // The official signs in and submits a Korean–Japanese interpretation request.
    sign_in(&official, &stack, "official-seoul").await;
    assert!(
        official
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/requests")
    );
    official
        .goto(&format!("{}/requests/new", stack.portal_url))
        .await
        .unwrap();
    click(&official, "type-INTERPRETATION_TRANSLATION").await;
    click(&official, "choose-type").await;
    // A bad delegation of languages first: the API's field error appears next to the field.
    fill(&official, "field-title", "오사카 대표단 통역").await;
    fill(
        &official,
        "field-description",
        "자매도시 회의 한일 통역이 필요합니다.",
    )
    .await;
    find(
        &official,
        Locator::Css("#field-mode option[value=INTERPRETATION]"),
    )
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    fill(&official, "field-source_language", "ko").await;
    fill(&official, "field-target_language", "ko").await;
    set_value(&official, "field-start_date", "2030-12-10").await;
    set_value(&official, "field-end_date", "2030-12-11").await;
    fill(&official, "field-venue", "서울시청").await;
    click(&official, "submit-request").await;
    let error = text_of(&official, "#error-target_language").await;
    assert!(
        !error.is_empty(),
        "the target language's error is shown next to it"
    );
    let field = official
        .find(Locator::Id("field-target_language"))
        .await
        .unwrap();
    assert_eq!(
        field.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    fill(&official, "field-target_language", "ja").await;
    click(&official, "submit-request").await;
    wait_for_text(&official, "요청을 보냈습니다").await;
    let request_url = official.current_url().await.unwrap();
    let request_path = request_url.path().to_owned();
    let number = text_of(&official, ".summary .number").await;
    assert!(number.starts_with("OB-"), "{number}");

    // Staff (the Japan desk routes ko→ja interpretation) see it in their queue, with its SLA.
    sign_in(&staff, &stack, "staff-japan-sato").await;
    assert!(
        staff
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/queue")
    );
    wait_for_text(&staff, &number).await;
    let row = text_of(&staff, "table.requests tbody").await;
    assert!(
        row.contains("오사카 대표단 통역") && row.contains("남음"),
        "{row}"
    );
    staff
        .find(Locator::LinkText(&number))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The official's page listens on the portal's WebSocket (the gateway's subscription),
    // not by polling.
    assert_eq!(live_channel(&official).await, "socket");
    fill(&staff, "mid-response-body", "통역사를 섭외하고 있습니다.").await;
    set_value(&staff, "mid-response-expected", "2030-12-01T10:00").await;
    click(&staff, "do-mid-response").await;
    wait_for_text(&staff, "중간 답변을 보냈습니다").await;
    assert!(source(&staff).await.contains("2030-12-01 10:00 KST"));

    // The official's open page shows the mid-response without reloading, pushed through the
    // socket (the script polls only when the socket is closed).
    wait_for_text(&official, "통역사를 섭외하고 있습니다.").await;
    assert!(official.current_url().await.unwrap().path() == request_path);
    assert_eq!(live_channel(&official).await, "socket");
    // The history's note names the expected completion in Korean time, not the API's UTC.
    let page = source(&official).await;
    assert!(!page.contains("2030-12-01T01:00"), "{page}");

    // The final response, then the official closes and rates.
    fill(
        &staff,
        "final-response-body",
        "통역사 두 명을 배정했습니다.",
    )
    .await;
    click(&staff, "do-final-response").await;
    wait_for_text(&staff, "최종 답변을 보냈습니다").await;

    official.goto(request_url.as_str()).await.unwrap();
    wait_for_text(&official, "통역사 두 명을 배정했습니다.").await;
    click(&official, "do-close").await;
    wait_for_text(&official, "요청을 종결했습니다").await;
    assert_eq!(text_of(&official, "#request-state").await, "종결");
    click(&official, "rate-5").await;
    fill(&official, "rate-comment", "빠르고 정확했습니다.").await;
    click(&official, "do-rate").await;
    wait_for_text(&official, "만족도를 보냈습니다").await;
    assert!(source(&official).await.contains("5 / 5"));

    // What the browser did is what the API holds.
    let id = request_path.rsplit('/').next().unwrap().to_owned();
    let token = stack.official("official-seoul", "11000");
    let body = stack
        .gql(
            Some(&token),
            "query($id: ID!) { serviceRequest(id: $id) { state survey { rating } responses { kind } } }",
            json!({ "id": id }),
        )
        .await;
    let r = &body.data()["serviceRequest"];
    assert_eq!(r["state"], "CLOSED");
    assert_eq!(r["survey"]["rating"], 5);
    let kinds: Vec<&str> = r["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["MID_RESPONSE", "FINAL_RESPONSE"]);

    // A Busan official opening the Seoul request by its URL sees "not found", nothing of it.
    let busan = driver.browser("ko").await;
    sign_in(&busan, &stack, "official-busan").await;
    busan.goto(request_url.as_str()).await.unwrap();
    let page = source(&busan).await;
    assert!(page.contains("찾을 수 없습니다"), "{page}");
    assert!(!page.contains("오사카 대표단 통역") && !page.contains(&number));

    for b in [official, staff, busan] {
        b.close().await.unwrap();
    }
}

#[tokio::test]
async fn switching_language_changes_the_whole_page_and_is_remembered() {
    let stack = spawn_stack().await;
    let driver = Driver::start().await;
    let b = driver.browser("ko").await;
    sign_in(&b, &stack, "official-seoul").await;
    assert_eq!(
        b.find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("ko")
    );
    assert_eq!(text_of(&b, "h1").await, "요청 목록");
    for (code, link, heading) in [
        ("en", "English", "Requests"),
        ("zh", "中文", "请求列表"),
        ("ja", "日本語", "依頼一覧"),
    ] {
        b.find(Locator::LinkText(link))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The link loads the page again: wait for the new one before reading it.
        let mut lang = None;
        for _ in 0..100 {
            // Mid-navigation the element can go stale: read again on the next turn.
            lang = match b.find(Locator::Css("html")).await {
                Ok(html) => html.attr("lang").await.ok().flatten(),
                Err(_) => None,
            };
            if lang.as_deref() == Some(code) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(lang.as_deref(), Some(code));
        assert_eq!(text_of(&b, "h1").await, heading, "{code}");
        // Remembered on the next page.
        b.goto(&format!("{}/requests/new", stack.portal_url))
            .await
            .unwrap();
        assert_eq!(
            b.find(Locator::Css("html"))
                .await
                .unwrap()
                .attr("lang")
                .await
                .unwrap()
                .as_deref(),
            Some(code)
        );
        b.back().await.unwrap();
    }
    // The skip link is the first thing the keyboard reaches.
    b.goto(&format!("{}/requests", stack.portal_url))
        .await
        .unwrap();
    b.execute("document.activeElement.blur();", vec![])
        .await
        .unwrap();
    b.active_element()
        .await
        .unwrap()
        .send_keys("\u{e004}")
        .await
        .unwrap();
    let focused = b.active_element().await.unwrap();
    assert_eq!(
        focused.attr("class").await.unwrap().as_deref(),
        Some("skip-link")
    );
    b.close().await.unwrap();
}

#[tokio::test]
async fn an_official_registers_for_an_event_from_its_page() {
    let stack = spawn_demo_stack().await;
    let token = stack.official("official-busan", "26000");
    let body = stack
        .gql(
            Some(&token),
            "{ events(first: 50) { edges { node { id title(lang: KO) registrationOpenNow } } } }",
            json!({}),
        )
        .await;
    let open = body.data()["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["registrationOpenNow"] == true)
        .expect("the demo has an event open for registration")
        .clone();
    let id = open["id"].as_str().unwrap();

    let driver = Driver::start().await;
    let b = driver.browser("ko").await;
    // Signed out, the page shows no form.
    b.goto(&format!("{}/events/{id}", stack.portal_url))
        .await
        .unwrap();
    assert!(!source(&b).await.contains("do-register"));
    sign_in(&b, &stack, "official-busan").await;
    b.goto(&format!("{}/events/{id}", stack.portal_url))
        .await
        .unwrap();
    // A name over 100 characters is refused next to the field, in Korean.
    fill(&b, "attendee", &"가".repeat(101)).await;
    click(&b, "do-register").await;
    let error = text_of(&b, "#attendee-error").await;
    assert!(!error.is_empty());
    fill(&b, "attendee", "김부산").await;
    click(&b, "do-register").await;
    wait_for_text(&b, "참가 신청이 접수되었습니다").await;
    let state = text_of(&b, "#registration-state").await;
    assert!(
        ["확정", "대기", "처리 중"].contains(&state.as_str()),
        "{state}"
    );
    // Registered: no second form.
    assert!(!source(&b).await.contains("do-register"));

    let mine = stack
        .gql(
            Some(&token),
            "query($id: ID!) { eventRegistrations(filter: { eventId: $id, mine: true }) { edges { node { attendeeName } } } }",
            json!({ "id": id }),
        )
        .await;
    let names: Vec<&str> = mine.data()["eventRegistrations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["attendeeName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["김부산"]);

    // Cancelling shows the cancelled state and the form again.
    click(&b, "do-cancel").await;
    wait_for_text(&b, "참가 신청을 취소했습니다").await;
    assert_eq!(text_of(&b, "#registration-state").await, "취소");
    find(&b, Locator::Id("do-register")).await.unwrap();
    let states = stack
        .gql(
            Some(&token),
            "query($id: ID!) { eventRegistrations(filter: { eventId: $id, mine: true }) { edges { node { state } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        states.data()["eventRegistrations"]["edges"][0]["node"]["state"],
        "CANCELLED"
    );
    b.close().await.unwrap();
}

#[tokio::test]
async fn an_official_applies_to_a_programme_and_sees_why_a_profile_is_not_eligible() {
    let stack = spawn_demo_stack().await;
    // A fellowship for foreign local governments' officials, open for applications.
    let (_, edition) = crate::training::fellowship(&stack, 5).await;
    let edition_id = edition["id"].as_str().unwrap().to_owned();
    let token = stack.official("official-busan", "26000");
    let mine = "query($id: ID!) { applications(filter: { editionId: $id, mine: true }) {
        totalCount edges { node { state profile { nationality organisationType } } } } }";

    let driver = Driver::start().await;
    let b = driver.browser("en").await;
    sign_in(&b, &stack, "official-busan").await;
    b.goto(&format!("{}/programmes", stack.portal_url))
        .await
        .unwrap();
    click(&b, &format!("apply-{edition_id}")).await;
    let rules = text_of(&b, "#apply-rules").await;
    assert!(rules.contains("foreign nationals only"), "{rules}");

    // A Korean local government's official is not eligible: each failed rule is said next
    // to its field, and nothing is submitted.
    fill(&b, "field-nationality", "KR").await;
    set_value(&b, "field-organisation_type", "KOREAN_LOCAL_GOVERNMENT").await;
    fill(&b, "field-organisation", "Busan Metropolitan City").await;
    fill(&b, "field-languages", "ko").await;
    click(&b, "do-apply").await;
    let nationality = text_of(&b, "#error-nationality").await;
    assert!(!nationality.is_empty());
    let organisation = text_of(&b, "#error-organisation_type").await;
    assert!(!organisation.is_empty());
    let none = stack
        .gql(Some(&token), mine, json!({ "id": edition_id }))
        .await;
    assert_eq!(none.data()["applications"]["totalCount"], 0);

    // An eligible profile is sent; the page then shows the application's state.
    fill(&b, "field-nationality", "VN").await;
    set_value(&b, "field-organisation_type", "FOREIGN_LOCAL_GOVERNMENT").await;
    fill(&b, "field-organisation", "Da Nang City People's Committee").await;
    fill(&b, "field-languages", "en, ko").await;
    fill(&b, "field-answer", "A smart-port exchange with Busan.").await;
    click(&b, "do-apply").await;
    wait_for_text(&b, "Your application was received").await;
    assert_eq!(text_of(&b, "#application-state").await, "Submitted");
    assert!(
        !source(&b).await.contains("do-apply"),
        "one active application"
    );
    let sent = stack
        .gql(Some(&token), mine, json!({ "id": edition_id }))
        .await;
    let apps = &sent.data()["applications"];
    assert_eq!(apps["totalCount"], 1);
    assert_eq!(apps["edges"][0]["node"]["profile"]["nationality"], "VN");
    b.close().await.unwrap();
}

#[tokio::test]
async fn a_delegation_is_registered_from_the_event_page() {
    let stack = spawn_demo_stack().await;
    let token = stack.official("official-busan", "26000");
    let body = stack
        .gql(
            Some(&token),
            "{ events(first: 50) { edges { node { id registrationOpenNow } } } }",
            json!({}),
        )
        .await;
    let id = body.data()["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["registrationOpenNow"] == true)
        .expect("the demo has an event open for registration")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let driver = Driver::start().await;
    let b = driver.browser("en").await;
    sign_in(&b, &stack, "official-busan").await;
    b.goto(&format!("{}/events/{id}", stack.portal_url))
        .await
        .unwrap();
    click(&b, "kind-delegation").await;
    // A country off the ISO list is refused next to its field.
    fill(&b, "country", "XX").await;
    fill(&b, "organization", "Busan Metropolitan City").await;
    fill(&b, "head", "Park Busan").await;
    fill(&b, "members", "Kim One\nLee Two").await;
    click(&b, "do-register").await;
    let error = text_of(&b, "#country-error").await;
    assert!(!error.is_empty());
    // The delegation as typed is still there; with a real country it is registered.
    assert_eq!(
        find(&b, Locator::Id("head"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Park Busan")
    );
    fill(&b, "country", "KR").await;
    click(&b, "do-register").await;
    wait_for_text(&b, "You are registered").await;
    let mine = stack
        .gql(
            Some(&token),
            "query($id: ID!) { eventRegistrations(filter: { eventId: $id, mine: true }) {
                edges { node { kind seats members attendeeName country } } } }",
            json!({ "id": id }),
        )
        .await;
    let r = &mine.data()["eventRegistrations"]["edges"][0]["node"];
    assert_eq!(r["kind"], "DELEGATION");
    assert_eq!(r["seats"], 3);
    assert_eq!(r["members"], json!(["Kim One", "Lee Two"]));
    assert_eq!(r["attendeeName"], "Park Busan");
    b.close().await.unwrap();
}

#[tokio::test]
async fn an_administrator_adds_and_deletes_a_routing_rule() {
    let stack = spawn_demo_stack().await;
    let admin = stack.admin();
    let rules = "{ routingRules { id type language departmentCode priority } }";
    let before = stack.gql(Some(&admin), rules, json!({})).await;
    let before = before.data()["routingRules"].as_array().unwrap().len();
    let departments = stack
        .gql(Some(&admin), "{ departments { code } }", json!({}))
        .await;
    let department = departments.data()["departments"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();

    let driver = Driver::start().await;
    // Staff see neither the link nor the page.
    let staff = driver.browser("en").await;
    sign_in(&staff, &stack, "staff-interp-kim").await;
    assert!(!source(&staff).await.contains("nav-routing"));
    staff
        .goto(&format!("{}/admin/routing", stack.portal_url))
        .await
        .unwrap();
    assert!(!source(&staff).await.contains("do-add-rule"));
    staff.close().await.unwrap();

    let b = driver.browser("en").await;
    sign_in(&b, &stack, "admin").await;
    click(&b, "nav-routing").await;
    find(&b, Locator::Id("routing-rules")).await.unwrap();
    // A language off the ISO list is refused next to its field; nothing is saved.
    set_value(&b, "rule-type", "INTERPRETATION_TRANSLATION").await;
    fill(&b, "rule-language", "qq").await;
    set_value(&b, "rule-department", &department).await;
    fill(&b, "rule-priority", "5").await;
    click(&b, "do-add-rule").await;
    assert!(!text_of(&b, "#rule-language-error").await.is_empty());
    let same = stack.gql(Some(&admin), rules, json!({})).await;
    assert_eq!(
        same.data()["routingRules"].as_array().unwrap().len(),
        before
    );
    // A real language is saved.
    fill(&b, "rule-language", "vi").await;
    click(&b, "do-add-rule").await;
    wait_for_text(&b, "The rule is saved").await;
    let after = stack.gql(Some(&admin), rules, json!({})).await;
    let added = after.data()["routingRules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["language"] == "vi")
        .expect("the new rule")
        .clone();
    assert_eq!(added["departmentCode"], department.as_str());
    assert_eq!(added["priority"], 5);
    // And deleted again.
    click(&b, &format!("delete-{}", added["id"].as_str().unwrap())).await;
    wait_for_text(&b, "The rule is deleted").await;
    let last = stack.gql(Some(&admin), rules, json!({})).await;
    assert_eq!(
        last.data()["routingRules"].as_array().unwrap().len(),
        before
    );
    b.close().await.unwrap();
}

#[tokio::test]
async fn a_person_sees_their_data_and_asks_for_its_erasure() {
    let stack = spawn_demo_stack().await;
    let token = stack.official("official-seoul", "11000");
    let held = stack
        .gql(
            Some(&token),
            "{ myPersonalData { serviceRequests { totalCount } } }",
            json!({}),
        )
        .await;
    let requests = held.data()["myPersonalData"]["serviceRequests"]["totalCount"]
        .as_i64()
        .unwrap();
    assert!(requests > 0, "the demo's Seoul official has requests");

    let driver = Driver::start().await;
    let b = driver.browser("en").await;
    sign_in(&b, &stack, "official-seoul").await;
    click(&b, "nav-my-data").await;
    assert_eq!(text_of(&b, "#my-data-subject").await, "official-seoul");
    assert_eq!(
        text_of(&b, "#held-requests-count").await,
        format!("({requests})")
    );
    fill(&b, "erasure-reason", "I left the city hall.").await;
    click(&b, "do-ask-erasure").await;
    wait_for_text(&b, "Your request for erasure was sent").await;
    assert!(
        text_of(&b, "#erasure-requests")
            .await
            .contains("Waiting for a decision")
    );
    assert!(
        !source(&b).await.contains("do-ask-erasure"),
        "one pending request"
    );

    // An administrator approves; the page then shows nothing held but the decision.
    let admin = stack.admin();
    let pending = stack
        .gql(
            Some(&admin),
            "{ personalDataErasureRequests(state: PENDING) { edges { node { id subject } } } }",
            json!({}),
        )
        .await;
    let request = &pending.data()["personalDataErasureRequests"]["edges"][0]["node"];
    assert_eq!(request["subject"], "official-seoul");
    stack
        .gql(
            Some(&admin),
            "mutation($id: ID!) { decidePersonalDataErasure(id: $id, approve: true) { state } }",
            json!({ "id": request["id"] }),
        )
        .await
        .data();
    let mut count = String::new();
    for _ in 0..100 {
        b.goto(&format!("{}/me", stack.portal_url)).await.unwrap();
        count = text_of(&b, "#held-requests-count").await;
        if count == "(0)" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count, "(0)");
    assert!(text_of(&b, "#erasure-requests").await.contains("Approved"));
    b.close().await.unwrap();
}

#[tokio::test]
async fn an_official_attaches_a_file_to_their_request_and_a_refused_file_says_why() {
    let stack = spawn_demo_stack().await;
    let seoul = glocal_requests::demo::demo_callers()
        .into_iter()
        .find(|c| c.subject == "official-seoul")
        .unwrap();
    let token = stack.token(&seoul);
    let submitted = crate::support::submit(&stack, &token, "portal-attach-1").await;
    let id = submitted.data()["submitServiceRequest"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Two files on disk: a text, and a Windows executable the bureau does not take.
    let folder = std::env::temp_dir().join(format!("glocal-e2e-attach-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    let text = "Osaka delegation, day 1: Seoul City Hall, 10:00.\n".repeat(40);
    let programme = folder.join("programme.txt");
    std::fs::write(&programme, &text).unwrap();
    let tool = folder.join("tool.exe");
    std::fs::write(&tool, b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0").unwrap();

    let driver = Driver::start().await;
    let b = driver.browser("en").await;
    sign_in(&b, &stack, "official-seoul").await;
    b.goto(&format!("{}/requests/{id}", stack.portal_url))
        .await
        .unwrap();
    assert!(source(&b).await.contains("No files attached."));
    find(&b, Locator::Id("attach-file"))
        .await
        .unwrap()
        .send_keys(programme.to_str().unwrap())
        .await
        .unwrap();
    click(&b, "do-attach").await;
    wait_for_text(&b, "The file was attached.").await;
    let files = text_of(&b, "#files").await;
    assert!(files.contains("programme.txt"), "{files}");
    assert!(files.contains("2 KB"), "{files}");

    // The executable: refused by the gateway's check of its bytes, said next to the field.
    find(&b, Locator::Id("attach-file"))
        .await
        .unwrap()
        .send_keys(tool.to_str().unwrap())
        .await
        .unwrap();
    click(&b, "do-attach").await;
    let error = text_of(&b, "#attach-file-error").await;
    assert!(!error.is_empty());
    assert!(
        source(&b)
            .await
            .contains("aria-describedby=\"attach-file-error\""),
        "the error is linked to the field"
    );
    b.close().await.unwrap();

    // What the API holds: the text, whole; not the executable.
    let body = stack
        .gql(
            Some(&token),
            "query($id: ID!) { serviceRequest(id: $id) { attachments { fileName sizeBytes mediaType } } }",
            json!({ "id": id }),
        )
        .await;
    let attachments = body.data()["serviceRequest"]["attachments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(attachments.len(), 1, "{attachments:?}");
    assert_eq!(attachments[0]["fileName"], "programme.txt");
    assert_eq!(attachments[0]["sizeBytes"], text.len());
    let _ = std::fs::remove_dir_all(&folder);
}

#[tokio::test]
async fn an_official_sends_files_with_a_new_request_and_a_refused_one_keeps_the_request() {
    let stack = spawn_demo_stack().await;
    let seoul = glocal_requests::demo::demo_callers()
        .into_iter()
        .find(|c| c.subject == "official-seoul")
        .unwrap();
    let token = stack.token(&seoul);
    let folder =
        std::env::temp_dir().join(format!("glocal-e2e-new-files-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    let agenda = folder.join("agenda.txt");
    std::fs::write(&agenda, "Day 1: Seoul City Hall.\n".repeat(20)).unwrap();
    let minutes = folder.join("minutes.txt");
    std::fs::write(&minutes, "Minutes of the preparatory call.\n").unwrap();
    let tool = folder.join("tool.exe");
    std::fs::write(&tool, b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0").unwrap();
    let both = format!("{}\n{}", agenda.display(), minutes.display());

    let driver = Driver::start().await;
    let b = driver.browser("en").await;
    sign_in(&b, &stack, "official-seoul").await;
    let form = format!("{}/requests/new?type=GENERAL_INQUIRY", stack.portal_url);

    // A missing title: the form comes back with its error, and asks for the files again.
    b.goto(&form).await.unwrap();
    fill(
        &b,
        "field-description",
        "Our delegation's programme, for review.",
    )
    .await;
    fill(&b, "field-topic", "Programme review").await;
    find(&b, Locator::Id("field-files"))
        .await
        .unwrap()
        .send_keys(&both)
        .await
        .unwrap();
    click(&b, "submit-request").await;
    assert!(!text_of(&b, "#error-title").await.is_empty());
    assert!(!text_of(&b, "#error-files").await.is_empty());

    // Both files with the request: on its page once it is sent.
    fill(&b, "field-title", "Programme of the Osaka delegation").await;
    find(&b, Locator::Id("field-files"))
        .await
        .unwrap()
        .send_keys(&both)
        .await
        .unwrap();
    click(&b, "submit-request").await;
    wait_for_text(&b, "Your request was sent.").await;
    let files = text_of(&b, "#files").await;
    assert!(
        files.contains("agenda.txt") && files.contains("minutes.txt"),
        "{files}"
    );
    let first = shown_request(&b).await;

    // An executable among the files: the request is sent, the file refused by name.
    b.goto(&form).await.unwrap();
    fill(&b, "field-title", "Tool for the visit").await;
    fill(&b, "field-description", "A tool we use.").await;
    fill(&b, "field-topic", "Tools").await;
    find(&b, Locator::Id("field-files"))
        .await
        .unwrap()
        .send_keys(tool.to_str().unwrap())
        .await
        .unwrap();
    click(&b, "submit-request").await;
    wait_for_text(&b, "Your request was sent.").await;
    let error = text_of(&b, "#attach-file-error").await;
    assert!(error.contains("tool.exe"), "{error}");
    // The page answers the form's POST: its request is the one its file form attaches to.
    let second = shown_request(&b).await;
    b.close().await.unwrap();

    // What the API holds: two whole files on the first request, the second without any.
    let read =
        "query($id: ID!) { serviceRequest(id: $id) { title attachments { fileName sizeBytes } } }";
    let one = stack.gql(Some(&token), read, json!({ "id": first })).await;
    let mut names: Vec<(String, u64)> = one.data()["serviceRequest"]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["fileName"].as_str().unwrap().to_owned(),
                a["sizeBytes"].as_u64().unwrap(),
            )
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            (
                "agenda.txt".to_owned(),
                std::fs::metadata(&agenda).unwrap().len()
            ),
            (
                "minutes.txt".to_owned(),
                std::fs::metadata(&minutes).unwrap().len()
            ),
        ]
    );
    let two = stack.gql(Some(&token), read, json!({ "id": second })).await;
    assert_eq!(two.data()["serviceRequest"]["title"], "Tool for the visit");
    assert_eq!(two.data()["serviceRequest"]["attachments"], json!([]));
    let _ = std::fs::remove_dir_all(&folder);
}

/// The id of the request whose page `b` shows (its file form's action).
async fn shown_request(b: &Client) -> String {
    let form = find(b, Locator::Css("form[action$='/attach']"))
        .await
        .unwrap_or_else(|e| panic!("a request page with its file form: {e}"));
    let action = form.attr("action").await.unwrap().unwrap_or_default();
    action
        .trim_end_matches("/attach")
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}
