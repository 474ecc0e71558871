//! Screenshots of the portal's main pages for docs/portal.md (issue 20), taken with the same
//! headless Chromium as the browser tests against a demo stack, in Korean, at a phone's width
//! (390 × 844 CSS pixels, Chromium's mobile emulation) and a desktop's (1280 × 900): the
//! sign-in page, an official's requests, the new-request form, a request with its history,
//! the staff queue, the events and the library. Each is the window's fixed viewport, not the
//! whole page, so the files stay small.
//!
//! Every run takes them (so the pages they show keep rendering) into a temporary folder and
//! checks each is a PNG; to re-take the committed ones, name the folder:
//!
//! ```sh
//! GLOCAL_PORTAL_SCREENSHOTS=docs/portal scripts/test --test e2e -- portal_screenshots
//! ```
//!
//! which writes `docs/portal/<page>-<phone|desktop>.png` (the folder is relative to the
//! workspace).

use std::path::PathBuf;

use fantoccini::{Client, Locator};
use glocal_e2e::{Stack, spawn_demo_stack};

use crate::portal_browser::{Driver, click, find, sign_in};

/// Where the PNGs go: `GLOCAL_PORTAL_SCREENSHOTS` (relative to the workspace), or a
/// temporary folder of this run.
fn out_dir() -> PathBuf {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = match std::env::var("GLOCAL_PORTAL_SCREENSHOTS") {
        Ok(d) if !d.is_empty() => workspace.join(d),
        _ => std::env::temp_dir().join(format!("glocal-screenshots-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Waits for the page's fonts, then saves the viewport as `<name>-<suffix>.png`.
async fn shoot(b: &Client, name: &str, suffix: &str) {
    b.execute_async(
        "const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done(true));",
        vec![],
    )
    .await
    .unwrap();
    let png = b.screenshot().await.expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1024,
        "{name}-{suffix}: not a PNG of a page ({} bytes)",
        png.len()
    );
    let path = out_dir().join(format!("{name}-{suffix}.png"));
    std::fs::write(&path, &png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    eprintln!("{} ({} KB)", path.display(), png.len() / 1024);
}

async fn visit(b: &Client, stack: &Stack, path: &str) {
    b.goto(&format!("{}{path}", stack.portal_url))
        .await
        .unwrap();
}

/// Takes every screenshot at one size.
async fn take(stack: &Stack, driver: &Driver, suffix: &str, width: u32, height: u32, phone: bool) {
    let official = driver.sized("ko", width, height, phone).await;
    visit(&official, stack, "/sign-in").await;
    shoot(&official, "sign-in", suffix).await;
    sign_in(&official, stack, "official-seoul").await;
    visit(&official, stack, "/requests").await;
    shoot(&official, "requests", suffix).await;
    visit(&official, stack, "/requests/new").await;
    click(&official, "type-INTERPRETATION_TRANSLATION").await;
    click(&official, "choose-type").await;
    find(&official, Locator::Id("submit-request"))
        .await
        .unwrap();
    shoot(&official, "new-request", suffix).await;
    // The demo's brochure translation, answered in the middle.
    visit(&official, stack, "/requests").await;
    let link = find(
        &official,
        Locator::XPath("//table[@class='requests']//tr[contains(., 'tourism brochure')]//a"),
    )
    .await
    .unwrap_or_else(|e| panic!("the demo's brochure request: {e}"));
    link.click().await.unwrap();
    find(&official, Locator::Id("history-heading"))
        .await
        .unwrap();
    // On a desktop its responses, actions and history fit; a phone shows the history.
    let from = if phone {
        "history-heading"
    } else {
        "messages-heading"
    };
    official
        .execute(
            "document.getElementById(arguments[0]).scrollIntoView();",
            vec![serde_json::json!(from)],
        )
        .await
        .unwrap();
    shoot(&official, "request", suffix).await;
    visit(&official, stack, "/events").await;
    shoot(&official, "events", suffix).await;
    visit(&official, stack, "/practices").await;
    shoot(&official, "library", suffix).await;
    official.close().await.unwrap();

    let staff = driver.sized("ko", width, height, phone).await;
    sign_in(&staff, stack, "staff-interp-kim").await;
    visit(&staff, stack, "/queue").await;
    shoot(&staff, "queue", suffix).await;
    staff.close().await.unwrap();
}

#[tokio::test]
async fn portal_screenshots() {
    let stack = spawn_demo_stack().await;
    let driver = Driver::start().await;
    take(&stack, &driver, "phone", 390, 844, true).await;
    take(&stack, &driver, "desktop", 1280, 900, false).await;
    if std::env::var("GLOCAL_PORTAL_SCREENSHOTS").is_err() {
        let _ = std::fs::remove_dir_all(out_dir());
    }
}
