//! The portal's accessibility audit (issue 20): axe-core (npm, pinned by `scripts/test`, which
//! passes its path in `GLOCAL_TEST_AXE_JS`) injected into every page of the portal in headless
//! Chromium, run with the WCAG 2.0, 2.1 and 2.2 A and AA rules. The test fails listing every
//! violation of impact serious or critical with its rule, page and elements.
//!
//! The pages: signed out, the sign-in page, the events, an event, the programmes, the library,
//! a practice, certificate verification empty, with a valid code and with an unknown one (its
//! error next to the field); an official's requests, the new-request form (the choice of type,
//! a type's form, and the form with the API's field error), a request, an apply page (empty, and
//! with the reasons a profile is not eligible), an event with its registration form and with a
//! refused name, a request another local government's official cannot see; staff's queue and a
//! request with the staff forms.
//!
//! Like the other browser tests it FAILS (never skips) when it cannot run: without
//! `GLOCAL_TEST_AXE_JS` (or with a path that is not there), chromium or chromedriver.

use fantoccini::{Client, Locator};
use glocal_e2e::{Stack, spawn_demo_stack};
use serde_json::{Value, json};

use crate::portal_browser::{Driver, click, fill, find, set_value, sign_in, text_of};

/// The rules run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// axe-core's source, from the path `scripts/test` exports.
fn axe_source() -> String {
    let path = std::env::var("GLOCAL_TEST_AXE_JS").unwrap_or_else(|_| {
        panic!(
            "GLOCAL_TEST_AXE_JS must name axe-core's axe.min.js (scripts/test installs axe-core \
             from npm under target/axe-core and sets it)"
        )
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("GLOCAL_TEST_AXE_JS={path}: {e} (run scripts/test once)"))
}

/// Runs axe-core on the browser's current page, labelled `page`, and returns one line per
/// serious or critical violation: its rule, impact, help text and each element it names.
async fn audit(b: &Client, axe: &str, page: &str) -> Vec<String> {
    // Injected on every page (a navigation drops it); WebDriver's scripts are not subject to
    // the page's Content-Security-Policy.
    b.execute(axe, vec![]).await.expect("inject axe-core");
    let result = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: arguments[0] },
                                 resultTypes: ['violations', 'passes'] })
               .then(r => done({ passes: r.passes.length, violations: r.violations.map(v => ({
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html,
                                              summary: n.failureSummary })) })) }))
               .catch(e => done({ error: String(e) }));",
            vec![json!(TAGS)],
        )
        .await
        .expect("axe.run");
    if let Some(error) = result.get("error") {
        panic!("axe.run failed on {page}: {error}");
    }
    let url = b
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    assert!(
        result["passes"].as_u64().unwrap_or(0) > 0,
        "axe-core checked nothing on {page}: {result}"
    );
    for v in result["violations"].as_array().into_iter().flatten() {
        eprintln!(
            "axe on {page}: {} [{}] ({} elements)",
            v["id"],
            v["impact"],
            v["nodes"].as_array().map_or(0, Vec::len)
        );
    }
    result["violations"]
        .as_array()
        .expect("axe's violations")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| {
                    format!(
                        "      {} {}\n        {}",
                        n["target"].as_str().unwrap_or(""),
                        n["html"].as_str().unwrap_or(""),
                        n["summary"]
                            .as_str()
                            .unwrap_or("")
                            .replace('\n', "\n        ")
                    )
                })
                .collect();
            format!(
                "{page} ({url}): {} [{}] {}\n{}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                nodes.join("\n")
            )
        })
        .collect()
}

/// The `href` of the first element `css` matches on the current page.
async fn first_href(b: &Client, css: &str) -> String {
    let link = find(b, Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    link.attr("href")
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{css} has no href"))
}

/// Goes to `path` on the portal.
async fn visit(b: &Client, stack: &Stack, path: &str) {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("{}{path}", stack.portal_url)
    };
    b.goto(&url).await.unwrap();
}

/// The demo's issued certificate's code, as the bureau sees it.
async fn certificate_code(stack: &Stack) -> String {
    let body = stack
        .gql(
            Some(&stack.admin()),
            "{ applications(first: 100) { edges { node { certificateCode } } } }",
            json!({}),
        )
        .await;
    body.data()["applications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| e["node"]["certificateCode"].as_str())
        .expect("the demo issues a certificate")
        .to_owned()
}

/// An event of the demo open for registration.
async fn open_event(stack: &Stack) -> String {
    let body = stack
        .gql(
            None,
            "{ events(first: 50) { edges { node { id registrationOpenNow } } } }",
            json!({}),
        )
        .await;
    body.data()["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["registrationOpenNow"] == Value::Bool(true))
        .and_then(|n| n["id"].as_str())
        .expect("the demo has an event open for registration")
        .to_owned()
}

/// What one pass over the pages needs: the stack, its ids, axe-core, and the browser's size.
struct Pass<'a> {
    stack: &'a Stack,
    driver: &'a Driver,
    axe: &'a str,
    fellowship: &'a str,
    code: &'a str,
    event: &'a str,
    lang: &'a str,
    /// CSS pixels wide and high, and whether as a phone.
    size: (u32, u32, bool),
}

impl Pass<'_> {
    async fn browser(&self) -> Client {
        let (w, h, phone) = self.size;
        self.driver.sized(self.lang, w, h, phone).await
    }

    /// Audits every page, returning the violations found (each labelled with its page, language
    /// and width) and how many pages were audited.
    async fn run(&self) -> (Vec<String>, usize) {
        let (stack, axe) = (self.stack, self.axe);
        let (fellowship, code, event) = (self.fellowship, self.code, self.event);
        let at = format!("{}, {} px", self.lang, self.size.0);
        let mut found = Vec::new();
        let mut audited = 0;
        let mut check = async |b: &Client, page: &str| {
            found.extend(audit(b, axe, &format!("{page} ({at})")).await);
            audited += 1;
        };

        // Signed out.
        let b = self.browser().await;
        for (page, path) in [
            ("sign-in", "/sign-in".to_owned()),
            ("events", "/events".to_owned()),
            ("programmes", "/programmes".to_owned()),
            ("library", "/practices".to_owned()),
            (
                "certificate verification",
                "/certificates/verify".to_owned(),
            ),
            (
                "a valid certificate",
                format!("/certificates/verify?code={code}"),
            ),
            (
                "an unknown certificate (field error)",
                "/certificates/verify?code=NOPE-0000".to_owned(),
            ),
            ("an event, signed out", format!("/events/{event}")),
        ] {
            visit(&b, stack, &path).await;
            check(&b, page).await;
        }
        visit(&b, stack, "/practices").await;
        let practice = first_href(&b, "ul.practices a").await;
        visit(&b, stack, &practice).await;
        check(&b, "a practice").await;
        b.close().await.unwrap();

        // An official of Seoul.
        let b = self.browser().await;
        sign_in(&b, stack, "official-seoul").await;
        visit(&b, stack, "/requests").await;
        check(&b, "an official's requests").await;
        let request = first_href(&b, "table.requests tbody a").await;
        visit(&b, stack, &request).await;
        check(&b, "a request, official").await;
        visit(&b, stack, "/requests/new").await;
        check(&b, "new request: its type").await;
        click(&b, "type-INTERPRETATION_TRANSLATION").await;
        click(&b, "choose-type").await;
        find(&b, Locator::Id("submit-request")).await.unwrap();
        check(&b, "new request: interpretation form").await;
        // The API's field error next to the field, with the summary at the top.
        fill(&b, "field-title", "오사카 대표단 통역").await;
        fill(&b, "field-description", "한일 통역이 필요합니다.").await;
        fill(&b, "field-source_language", "ko").await;
        fill(&b, "field-target_language", "ko").await;
        set_value(&b, "field-start_date", "2030-12-10").await;
        set_value(&b, "field-end_date", "2030-12-11").await;
        fill(&b, "field-venue", "서울시청").await;
        click(&b, "submit-request").await;
        text_of(&b, "#error-summary").await;
        check(&b, "new request with a field error").await;
        visit(&b, stack, &format!("/editions/{fellowship}/apply")).await;
        check(&b, "apply").await;
        // A profile the edition does not take: its reasons next to the fields.
        fill(&b, "field-nationality", "KR").await;
        set_value(&b, "field-organisation_type", "KOREAN_LOCAL_GOVERNMENT").await;
        fill(&b, "field-organisation", "서울특별시").await;
        fill(&b, "field-languages", "ko").await;
        click(&b, "do-apply").await;
        text_of(&b, "#error-nationality").await;
        check(&b, "apply, not eligible (field errors)").await;
        visit(&b, stack, "/programmes").await;
        let apply = first_href(&b, "a[id^=apply-]").await;
        visit(&b, stack, &apply).await;
        check(&b, "apply, a demo edition").await;
        visit(&b, stack, &format!("/events/{event}")).await;
        check(&b, "an event, signed in").await;
        fill(&b, "attendee", &"가".repeat(101)).await;
        click(&b, "do-register").await;
        text_of(&b, "#attendee-error").await;
        check(&b, "an event, a refused name (field error)").await;
        b.close().await.unwrap();

        // Another local government's official asking for that request: not found.
        let b = self.browser().await;
        sign_in(&b, stack, "official-busan").await;
        visit(&b, stack, &request).await;
        check(&b, "not found").await;
        b.close().await.unwrap();

        // Staff of the interpretation team: the queue and a request with the staff forms.
        let b = self.browser().await;
        sign_in(&b, stack, "staff-interp-kim").await;
        visit(&b, stack, "/queue").await;
        check(&b, "the queue").await;
        let queued = first_href(&b, "table.requests tbody a").await;
        visit(&b, stack, &queued).await;
        find(&b, Locator::Id("do-final-response")).await.unwrap();
        check(&b, "a request, staff").await;
        // Their notices (the demo assignments, once the notifier has read them).
        for _ in 0..50 {
            visit(&b, stack, "/notices").await;
            if b.find(Locator::Css("ol.notices")).await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        find(&b, Locator::Css("ol.notices")).await.unwrap();
        check(&b, "notices").await;
        b.close().await.unwrap();

        (found, audited)
    }
}

#[tokio::test]
async fn no_portal_page_has_a_serious_or_critical_accessibility_violation() {
    let axe = axe_source();
    let stack = spawn_demo_stack().await;
    let (_, fellowship) = crate::training::fellowship(&stack, 5).await;
    let fellowship = fellowship["id"].as_str().unwrap().to_owned();
    let code = certificate_code(&stack).await;
    let event = open_event(&stack).await;
    let driver = Driver::start().await;

    // The audit sees what it should: a button without a name, planted on purpose, is a
    // critical violation.
    let b = driver.browser("ko").await;
    visit(&b, &stack, "/sign-in").await;
    b.execute(
        "const x = document.createElement('button'); x.id = 'planted';
         document.querySelector('main').append(x);",
        vec![],
    )
    .await
    .unwrap();
    let planted = audit(&b, &axe, "control").await;
    assert!(
        planted
            .iter()
            .any(|v| v.contains("button-name") && v.contains("#planted")),
        "axe-core did not report the planted button: {planted:?}"
    );
    b.close().await.unwrap();

    // Every page in Korean on a desktop, then in English on a phone.
    let mut found = Vec::new();
    let mut audited = 0;
    for (lang, size) in [("ko", (1280, 1000, false)), ("en", (390, 844, true))] {
        let pass = Pass {
            stack: &stack,
            driver: &driver,
            axe: &axe,
            fellowship: &fellowship,
            code: &code,
            event: &event,
            lang,
            size,
        };
        let (f, n) = pass.run().await;
        found.extend(f);
        audited += n;
    }
    assert!(audited >= 40, "only {audited} pages audited");
    assert!(
        found.is_empty(),
        "{} serious or critical accessibility violation(s) on {audited} pages (axe-core, {}):\n{}",
        found.len(),
        TAGS.join(", "),
        found.join("\n")
    );
}
