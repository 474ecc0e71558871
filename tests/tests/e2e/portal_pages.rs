//! The portal's public pages over plain HTTP against a real stack with demo data: an event's
//! page at `/events/<id>` (where the events feed links), in the language asked, and the
//! verification of a certificate by its code, the library of best practices, the events not
//! yet over and the training programmes; and a staff form's refusal, shown next to its field.

use glocal_e2e::spawn_demo_stack;
use serde_json::json;

#[tokio::test]
async fn an_event_page_shows_the_event_in_the_language_asked_and_an_unknown_one_is_not_found() {
    let stack = spawn_demo_stack().await;
    let body = stack
        .gql(
            None,
            "{ events(first: 1) { edges { node { id title(lang: EN) } } } }",
            json!({}),
        )
        .await;
    let event = &body.data()["events"]["edges"][0]["node"];
    let (id, title) = (
        event["id"].as_str().unwrap(),
        event["title"].as_str().unwrap(),
    );

    let page = stack
        .http()
        .get(format!("{}/events/{id}", stack.portal_url))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"), "{html}");
    assert!(html.contains(&format!("<h1>{title}</h1>")), "{html}");
    assert!(
        html.contains("Time zone (the event&#x27;s own)") || html.contains("Time zone (the event"),
        "{html}"
    );

    let missing = stack
        .http()
        .get(format!(
            "{}/events/{}",
            stack.portal_url,
            uuid::Uuid::new_v4()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("찾을 수 없습니다"));
}

#[tokio::test]
async fn a_certificate_code_is_verified_in_the_language_asked_and_an_unknown_one_is_not() {
    let stack = spawn_demo_stack().await;
    // The demo's issued certificate, as the bureau sees it.
    let body = stack
        .gql(
            Some(&stack.admin()),
            "{ applications(first: 100) { edges { node { certificateCode } } } }",
            json!({}),
        )
        .await;
    let code = body.data()["applications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| e["node"]["certificateCode"].as_str())
        .expect("the demo issues a certificate")
        .to_owned();
    let verified = stack
        .gql(
            None,
            "query($c: String!) { verifyCertificate(code: $c) { holderName programmeTitle(lang: JA) } }",
            json!({ "c": code }),
        )
        .await;
    let holder = verified.data()["verifyCertificate"]["holderName"]
        .as_str()
        .unwrap()
        .to_owned();
    let programme = verified.data()["verifyCertificate"]["programmeTitle"]
        .as_str()
        .unwrap()
        .to_owned();

    // Anyone, signed in or not, in Japanese; the code as typed, with spaces around it.
    let page = stack
        .http()
        .get(format!("{}/certificates/verify", stack.portal_url))
        .query(&[("code", format!("  {code} "))])
        .header("accept-language", "ja")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"ja\">"), "{html}");
    assert!(html.contains("この修了証は有効です"), "{html}");
    assert!(
        html.contains(&format!("<dd id=\"certificate-holder\">{holder}</dd>")),
        "{html}"
    );
    assert!(html.contains(&programme), "{html}");

    // The empty form, then a code no certificate has and one too long to be one: 404 with
    // the reason next to the field, in Korean by default.
    let form = stack
        .http()
        .get(format!("{}/certificates/verify", stack.portal_url))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(
        form.contains("수료증 진위 확인") && !form.contains("certificate-error"),
        "{form}"
    );
    for bad in ["NOPE-0000-0000".to_owned(), "X".repeat(200)] {
        let page = stack
            .http()
            .get(format!("{}/certificates/verify", stack.portal_url))
            .query(&[("code", bad.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 404, "{bad}");
        let html = page.text().await.unwrap();
        assert!(html.contains("이 코드의 수료증이 없습니다"), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert!(!html.contains(&holder), "{html}");
    }
}

#[tokio::test]
async fn the_library_searches_and_shows_practices_in_the_language_asked() {
    let stack = spawn_demo_stack().await;
    let body = stack
        .gql(
            None,
            r#"{ practices(search: "교통", first: 50) { totalCount edges { node { id title(lang: KO) en: title(lang: EN) } } } }"#,
            json!({}),
        )
        .await;
    let found = &body.data()["practices"];
    let total = found["totalCount"].as_i64().unwrap();
    assert!(total > 0, "the demo has a practice about 교통: {body:?}");
    let first = &found["edges"][0]["node"];
    let (id, ko, en) = (
        first["id"].as_str().unwrap(),
        first["title"].as_str().unwrap(),
        first["en"].as_str().unwrap(),
    );

    // The search, in Korean by default: the same count as the API, the practice linked.
    let page = stack
        .http()
        .get(format!("{}/practices", stack.portal_url))
        .query(&[("search", "교통")])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("사례 {total}건")), "{html}");
    assert!(
        html.contains(&format!("<a href=\"/practices/{id}\">{}</a>", escaped(ko))),
        "{html}"
    );
    // Words nothing has: an empty list that says so.
    let none = stack
        .http()
        .get(format!("{}/practices", stack.portal_url))
        .query(&[("search", "zzqxjvw")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(none.contains("일치하는 사례가 없습니다"), "{none}");

    // The practice's page (where the Atom feed links), in English.
    let page = stack
        .http()
        .get(format!("{}/practices/{id}", stack.portal_url))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("<h1>{}</h1>", escaped(en))),
        "{html}"
    );
    assert!(html.contains("Back to the library"), "{html}");

    // No such practice, and an id that is not one: not found, nothing else.
    for missing in [uuid::Uuid::new_v4().to_string(), "not-an-id".to_owned()] {
        let page = stack
            .http()
            .get(format!("{}/practices/{missing}", stack.portal_url))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 404, "{missing}");
        assert!(page.text().await.unwrap().contains("찾을 수 없습니다"));
    }
}

#[tokio::test]
async fn the_library_narrows_by_its_facets_with_the_apis_counts() {
    let stack = spawn_demo_stack().await;
    let body = stack
        .gql(
            None,
            "{ practices(first: 1) { totalCount facets { countries { value count } years { value count } } } }",
            json!({}),
        )
        .await;
    let all = body.data()["practices"]["totalCount"].as_i64().unwrap();
    let country = &body.data()["practices"]["facets"]["countries"][0];
    let (code, in_country) = (
        country["value"].as_str().unwrap().to_owned(),
        country["count"].as_i64().unwrap(),
    );
    assert!(
        in_country < all,
        "the demo's practices come from more than one country"
    );

    // Every page lists the facets as links with their counts.
    let html = stack
        .http()
        .get(format!("{}/practices", stack.portal_url))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let link = format!("<a href=\"/practices?country={code}\">{code} ({in_country})</a>");
    assert!(html.contains(&link), "{link} in {html}");

    // Following it narrows the list to the API's count; the chosen value links back.
    let page = stack
        .http()
        .get(format!("{}/practices", stack.portal_url))
        .query(&[("country", code.as_str())])
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("{in_country} practices")), "{html}");
    assert!(html.contains("aria-current=\"true\""), "{html}");
    assert!(
        html.contains("<a href=\"/practices\" aria-current"),
        "{html}"
    );
    // A search keeps the filter (a hidden field of the form).
    assert!(
        html.contains(&format!(
            "<input type=\"hidden\" name=\"country\" value=\"{code}\">"
        )),
        "{html}"
    );
    // A country code the API refuses starts the list over rather than failing.
    let bad = stack
        .http()
        .get(format!("{}/practices?country=1", stack.portal_url))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 200);
    assert_eq!(
        bad.url().query(),
        Some("search="),
        "redirected to the whole list"
    );
}

/// `text` as the portal's templates write it into HTML.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn events_ahead_and_programmes_are_listed_for_everyone() {
    let stack = spawn_demo_stack().await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Seoul)
        .date_naive()
        .to_string();
    let body = stack
        .gql(
            None,
            "query($d: Date!) { events(filter: { fromDate: $d }, first: 20) { totalCount edges { node { id title(lang: KO) calendarUrl } } } programmes(first: 50) { edges { node { title(lang: KO) editions { term } } } } }",
            json!({ "d": today }),
        )
        .await;
    let events = &body.data()["events"];
    let total = events["totalCount"].as_i64().unwrap();
    assert!(total > 0, "the demo plans an event ahead: {body:?}");
    let first = &events["edges"][0]["node"];
    let (id, title, calendar) = (
        first["id"].as_str().unwrap(),
        first["title"].as_str().unwrap(),
        first["calendarUrl"].as_str().unwrap(),
    );

    let html = stack
        .http()
        .get(format!("{}/events", stack.portal_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("예정된 행사 {total}건")), "{html}");
    assert!(
        html.contains(&format!("<a href=\"/events/{id}\">{}</a>", escaped(title))),
        "{html}"
    );
    // The event's page offers its iCalendar file, absolute, as the API gives it.
    let page = stack
        .http()
        .get(format!("{}/events/{id}", stack.portal_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(calendar.starts_with("http"), "{calendar}");
    assert!(
        page.contains(&format!("href=\"{}\"", escaped(calendar))),
        "{page}"
    );
    let ics = stack.http().get(calendar).send().await.unwrap();
    assert_eq!(ics.status(), 200);
    assert!(ics.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));

    // Every published programme, with its editions' terms.
    let html = stack
        .http()
        .get(format!("{}/programmes", stack.portal_url))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let programmes = body.data()["programmes"]["edges"].as_array().unwrap();
    assert!(!programmes.is_empty());
    for p in programmes {
        let title = p["node"]["title"].as_str().unwrap();
        assert!(html.contains(&escaped(title)), "{title}: {html}");
        for e in p["node"]["editions"].as_array().unwrap() {
            assert!(html.contains(&format!("<td>{}</td>", e["term"].as_str().unwrap())));
        }
    }
}

/// The `name=value` pairs a response sets, as one `Cookie` header (the portal's session).
fn cookies_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The value of the first `_csrf` field of a page.
fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"_csrf\" value=\"")
        .expect("a form with a CSRF token")
        + 20;
    html[at..].split('"').next().unwrap().to_owned()
}

/// The text of the page at `url`, in English, with the session `cookie`.
async fn page(http: &reqwest::Client, cookie: &str, url: String) -> String {
    http.get(url)
        .header("cookie", cookie)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The text in `html` between `marker` and the next `"` (an attribute's value).
fn value_after(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in:\n{html}"))
        + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// A client that does not follow redirects, and the session cookie of `subject` signed in
/// through the development sign-in form.
async fn signed_in(stack: &glocal_e2e::Stack, subject: &str) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(format!("{}/sign-in", stack.portal_url))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let cookie = cookies_of(&page);
    let csrf = csrf_of(&page.text().await.unwrap());
    let signed_in = http
        .post(format!("{}/sign-in", stack.portal_url))
        .header("cookie", &cookie)
        .form(&[("_csrf", csrf.as_str()), ("subject", subject)])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let cookie = cookies_of(&signed_in);
    (http, cookie)
}

#[tokio::test]
async fn a_refused_reassignment_says_why_next_to_the_select_once() {
    let stack = spawn_demo_stack().await;
    let (http, cookie) = signed_in(&stack, "staff-interp-kim").await;
    let queue = page(&http, &cookie, format!("{}/queue", stack.portal_url)).await;
    let at = queue
        .find("href=\"/requests/")
        .expect("a request in the queue")
        + 16;
    let id = queue[at..].split('"').next().unwrap().to_owned();
    let request = page(
        &http,
        &cookie,
        format!("{}/requests/{id}", stack.portal_url),
    )
    .await;
    assert!(request.contains("id=\"do-reassign\""), "{request}");
    let version = value_after(&request, "name=\"version\" value=\"");

    // A department that does not exist (as a tampered or stale form would send).
    let refused = http
        .post(format!("{}/requests/{id}/reassign", stack.portal_url))
        .header("cookie", &cookie)
        .header("accept-language", "en")
        .form(&[
            ("_csrf", csrf_of(&request).as_str()),
            ("version", version.as_str()),
            ("target", "NO-SUCH-DEPARTMENT/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    let errors: Vec<&str> = ["reassign-department-error", "reassign-staff-error"]
        .into_iter()
        .filter(|id| html.contains(&format!("id=\"{id}\"")))
        .collect();
    assert_eq!(errors.len(), 1, "one error shown:\n{html}");
    assert_eq!(
        html.matches(&format!("id=\"{}\"", errors[0])).count(),
        1,
        "its id is unique:\n{html}"
    );
    let select = &html[html.find("<select id=\"reassign-target\"").unwrap()..];
    let select = &select[..select.find('>').unwrap()];
    assert!(select.contains("aria-invalid=\"true\""), "{select}");
    assert!(
        select.contains(&format!("aria-describedby=\"{}", errors[0])),
        "{select}"
    );
}

/// A number in a page's text after `prefix` (e.g. `"notices-count">`).
fn number_after(html: &str, prefix: &str) -> i64 {
    let at = html
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in:\n{html}"))
        + prefix.len();
    html[at..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_person_reads_their_notices_and_marks_them_read() {
    let stack = spawn_demo_stack().await;
    let (http, cookie) = signed_in(&stack, "staff-interp-kim").await;
    // The demo requests assigned to them become notices as the notifier reads the events.
    let mut html = String::new();
    for _ in 0..100 {
        html = page(&http, &cookie, format!("{}/notices", stack.portal_url)).await;
        if html.contains("<ol class=\"notices\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(html.contains("<ol class=\"notices\""), "{html}");
    let unread = number_after(&html, "in all · ");
    assert!(unread >= 1, "{html}");
    // Each links to its page in this portal, whatever the configured public URL.
    assert!(html.contains("<a href=\"/requests/"), "{html}");
    assert!(
        !html.contains("href=\"https://portal.glocal.test"),
        "{html}"
    );

    // One marked read: one fewer unread, said on the page.
    let id = value_after(&html, "name=\"id\" value=\"");
    let marked = http
        .post(format!("{}/notices/read", stack.portal_url))
        .header("cookie", &cookie)
        .form(&[("_csrf", csrf_of(&html).as_str()), ("id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(marked.status(), 303);
    assert_eq!(marked.headers()["location"], "/notices?marked=1");
    let html = page(
        &http,
        &cookie,
        format!("{}/notices?marked=1", stack.portal_url),
    )
    .await;
    assert!(html.contains("Marked as read: 1."), "{html}");
    assert_eq!(number_after(&html, "in all · "), unread - 1);
    assert!(!html.contains(&format!("id=\"mark-{id}\"")), "{html}");

    // All marked read: none unread, the unread filter shows none.
    let marked = http
        .post(format!("{}/notices/read", stack.portal_url))
        .header("cookie", &cookie)
        .form(&[
            ("_csrf", csrf_of(&html).as_str()),
            ("all", "1"),
            ("unread", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(marked.status(), 303);
    assert_eq!(
        marked.headers()["location"],
        format!("/notices?unread=1&marked={}", unread - 1).as_str()
    );
    let html = page(
        &http,
        &cookie,
        format!("{}/notices?unread=1", stack.portal_url),
    )
    .await;
    assert!(html.contains("id=\"notices-none\""), "{html}");
    assert!(!html.contains("id=\"notices-mark-all\""), "{html}");
    // The bureau's data about them says the same: nothing unread.
    let staff = glocal_requests::demo::demo_callers()
        .into_iter()
        .find(|c| c.subject == "staff-interp-kim")
        .unwrap();
    let token = stack.token(&staff);
    let body = stack
        .gql(
            Some(&token),
            "{ notifications(first: 1) { unreadCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body.data()["notifications"]["unreadCount"], 0);
}

#[tokio::test]
async fn staff_merge_a_duplicate_into_an_open_request_of_the_same_local_government() {
    let stack = spawn_demo_stack().await;
    let (http, cookie) = signed_in(&stack, "admin").await;
    // A Seoul request in the queue, and the open Seoul requests it may be merged into.
    // (One that is no original itself: the demo has merged duplicates into some.)
    let queue = page(&http, &cookie, format!("{}/queue", stack.portal_url)).await;
    let mut chosen = None;
    for part in queue.split("href=\"/requests/").skip(1) {
        let id = part.split('"').next().unwrap().to_owned();
        let html = page(
            &http,
            &cookie,
            format!("{}/requests/{id}", stack.portal_url),
        )
        .await;
        if html.contains("id=\"do-merge\"") && !html.contains("id=\"merged-requests\"") {
            chosen = Some((id, html));
            break;
        }
    }
    let (duplicate, form) = chosen.expect("a request to merge in the queue");
    let select = &form[form.find("<select id=\"merge-original\"").unwrap()..];
    let select = &select[..select.find("</select>").unwrap()];
    assert!(
        !select.contains(&format!("value=\"{duplicate}\"")),
        "not into itself:\n{select}"
    );
    let original = value_after(select, "value=\"");
    let version = value_after(&form, "name=\"version\" value=\"");
    let merge = |original: String, version: String, csrf: String| {
        http.post(format!("{}/requests/{duplicate}/merge", stack.portal_url))
            .header("cookie", &cookie)
            .header("accept-language", "en")
            .form(&[
                ("_csrf", csrf),
                ("version", version),
                ("original", original),
                ("note", "The same delegation, asked twice.".to_owned()),
            ])
            .send()
    };

    // Into itself (a tampered form): the API's refusal, next to the select.
    let refused = merge(duplicate.clone(), version.clone(), csrf_of(&form))
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"merge-original-error\""), "{html}");
    assert!(
        html.contains("aria-describedby=\"merge-original-error\""),
        "{html}"
    );

    // Into the original: merged, pointing at it; the original lists it.
    let merged = merge(original.clone(), version, csrf_of(&form))
        .await
        .unwrap();
    let status = merged.status();
    assert_eq!(status, 303, "{}", merged.text().await.unwrap_or_default());
    let html = page(
        &http,
        &cookie,
        format!("{}/requests/{duplicate}?done=merge", stack.portal_url),
    )
    .await;
    assert!(
        html.contains("The request was merged into the original."),
        "{html}"
    );
    assert!(html.contains("state-MERGED"), "{html}");
    assert!(
        html.contains(&format!(
            "<a href=\"/requests/{original}\" id=\"merged-into\""
        )),
        "{html}"
    );
    assert!(!html.contains("id=\"do-merge\""), "{html}");
    let html = page(
        &http,
        &cookie,
        format!("{}/requests/{original}", stack.portal_url),
    )
    .await;
    let list = &html[html.find("id=\"merged-requests\"").expect("its duplicates")..];
    assert!(
        list.contains(&format!("href=\"/requests/{duplicate}\"")),
        "{list}"
    );
}

#[tokio::test]
async fn an_overseas_visit_is_submitted_with_several_destinations_and_a_bad_one_is_shown_by_its_fields()
 {
    let stack = spawn_demo_stack().await;
    let (http, cookie) = signed_in(&stack, "official-seoul").await;
    let form = page(
        &http,
        &cookie,
        format!("{}/requests/new?type=OVERSEAS_VISIT", stack.portal_url),
    )
    .await;
    assert!(form.contains("id=\"field-destination_city_3\""), "{form}");
    let csrf = csrf_of(&form);
    let submit = |third_city: &'static str, key: &'static str| {
        http.post(format!("{}/requests", stack.portal_url))
            .header("cookie", &cookie)
            .header("accept-language", "en")
            .form(&[
                ("_csrf", csrf.as_str()),
                ("type", "OVERSEAS_VISIT"),
                ("idempotency_key", key),
                ("title", "Benchmarking visit to Lyon and Turin"),
                ("description", "Urban regeneration projects."),
                ("destination_country", "fr"),
                ("destination_city", "Lyon"),
                ("destination_country_2", "IT"),
                ("destination_city_2", "Turin"),
                ("destination_country_3", "DE"),
                ("destination_city_3", third_city),
                ("departure_date", "2030-05-10"),
                ("return_date", "2030-05-16"),
                ("delegation_size", "6"),
                ("purpose", "Benchmarking"),
            ])
            .send()
    };
    // A third destination without its city: said next to that row's city.
    let refused = submit("", "portal-visit-bad").await.unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"error-destination_city_3\""), "{html}");
    assert!(!html.contains("id=\"error-destination_city\""), "{html}");

    // Three destinations, in order.
    let made = submit("Munich", "portal-visit-ok").await.unwrap();
    assert_eq!(made.status(), 303);
    let id = made.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/requests/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let seoul = glocal_requests::demo::demo_callers()
        .into_iter()
        .find(|c| c.subject == "official-seoul")
        .unwrap();
    let body = stack
        .gql(
            Some(&stack.token(&seoul)),
            "query($id: ID!) { serviceRequest(id: $id) { details { ... on OverseasVisitDetails { destinations { country city } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        body.data()["serviceRequest"]["details"]["destinations"],
        json!([
            { "country": "FR", "city": "Lyon" },
            { "country": "IT", "city": "Turin" },
            { "country": "DE", "city": "Munich" }
        ])
    );
}

#[tokio::test]
async fn the_gateway_counts_each_visitor_of_the_portal_not_the_portal() {
    let stack = glocal_e2e::spawn_stack_with(|s| {
        s.gateway.client_ip_header = "x-forwarded-for".into();
        s.gateway.rate_limit_anonymous_requests = 3;
        s.portal.client_ip_header = "x-forwarded-for".into();
    })
    .await;
    let visit = |ip: &'static str| {
        stack
            .http()
            .get(format!("{}/events", stack.portal_url))
            // What the portal's own proxy adds last; a visitor's own entries come first.
            .header("x-forwarded-for", format!("198.51.100.7, {ip}"))
            .header("accept-language", "en")
            .send()
    };
    // One visitor goes over the anonymous limit: told so, with a 429.
    let mut limited = None;
    for _ in 0..10 {
        let page = visit("203.0.113.1").await.unwrap();
        if page.status() == 429 {
            limited = Some(page.text().await.unwrap());
            break;
        }
        assert_eq!(page.status(), 200);
    }
    let limited = limited.expect("the first visitor is limited");
    assert!(limited.contains("Too many requests"), "{limited}");
    // Another visitor of the same portal is not.
    let other = visit("203.0.113.2").await.unwrap();
    assert_eq!(other.status(), 200, "{}", other.text().await.unwrap());
}

/// A published programme of `kind` with one published edition (the admin's), by the
/// edition's id: `edition` holds the edition's input but its programme.
async fn programme_edition(
    stack: &glocal_e2e::Stack,
    kind: &str,
    title: &str,
    mut edition: serde_json::Value,
) -> String {
    let admin = stack.admin();
    let programme = stack
        .gql(
            Some(&admin),
            "mutation($input: CreateProgrammeInput!) { createProgramme(input: $input) { id } }",
            json!({ "input": {
                "idempotencyKey": format!("portal-{kind}"), "kind": kind,
                "title": { "en": title }, "published": true,
            } }),
        )
        .await;
    edition["programmeId"] = programme.data()["createProgramme"]["id"].clone();
    let made = stack
        .gql(
            Some(&admin),
            "mutation($input: CreateEditionInput!) { createEdition(input: $input) { id } }",
            json!({ "input": edition }),
        )
        .await;
    made.data()["createEdition"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_application_to_a_contest_names_its_division_from_the_apply_page() {
    let stack = spawn_demo_stack().await;
    let id = programme_edition(
        &stack,
        "SPEECH_CONTEST",
        "Speech contest",
        json!({
            "idempotencyKey": "portal-contest-2100",
            "term": "2100", "startsOn": "2100-10-01", "endsOn": "2100-10-02",
            "applicationsOpenOn": "2000-01-01", "applicationsCloseOn": "2100-09-01",
            "capacity": 10, "languages": ["en", "zh"], "divisions": ["en", "zh"],
            "published": true,
        }),
    )
    .await;
    let (http, cookie) = signed_in(&stack, "official-busan").await;
    let url = format!("{}/editions/{id}/apply", stack.portal_url);
    let form = page(&http, &cookie, url.clone()).await;
    assert!(form.contains("id=\"field-division\""), "{form}");
    assert!(
        !form.contains("field-partner_organisation"),
        "only a fellowship asks for the partner organisation"
    );
    assert!(
        form.contains("<option value=\"zh\">Chinese</option>"),
        "{form}"
    );
    let csrf = csrf_of(&form);
    let key = value_after(&form, "name=\"idempotency_key\" value=\"");
    let apply = |division: &'static str| {
        http.post(&url)
            .header("cookie", &cookie)
            .header("accept-language", "en")
            .form(&[
                ("_csrf", csrf.as_str()),
                ("idempotency_key", key.as_str()),
                ("kind", "OFFICIAL"),
                ("full_name", "Park Sungho"),
                ("nationality", "KR"),
                ("organisation_type", "KOREAN_LOCAL_GOVERNMENT"),
                ("organisation", "Busan Metropolitan City"),
                ("grade", ""),
                ("languages", "zh"),
                ("answer", "Busan and Shanghai."),
                ("division", division),
            ])
            .send()
    };
    // No division chosen: the API's refusal next to the division's select.
    let refused = apply("").await.unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"error-division\""), "{html}");
    // Chosen: applied, in that division.
    let applied = apply("zh").await.unwrap();
    assert_eq!(applied.status(), 303);
    let busan = stack.official("official-busan", "26000");
    let mine = stack
        .gql(
            Some(&busan),
            "query($id: ID!) { applications(filter: { editionId: $id, mine: true }) { edges { node { division state } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        mine.data()["applications"]["edges"][0]["node"],
        json!({ "division": "zh", "state": "SUBMITTED" })
    );
}

#[tokio::test]
async fn a_fellowship_application_names_its_partner_local_government_from_the_apply_page() {
    let stack = spawn_demo_stack().await;
    let id = programme_edition(
        &stack,
        "INVITATION_FELLOWSHIP",
        "K2H",
        json!({
            "idempotencyKey": "portal-k2h-2100",
            "term": "2100", "startsOn": "2100-04-01", "endsOn": "2100-09-30",
            "applicationsOpenOn": "2000-01-01", "applicationsCloseOn": "2100-03-01",
            "capacity": 60, "languages": ["en"],
            "eligibility": { "organisationTypes": ["FOREIGN_LOCAL_GOVERNMENT"], "nationality": "FOREIGN" },
            "hostCodes": ["47130"], "published": true,
        }),
    )
    .await;
    // The demo's candidate from Hue, whose city and Gyeongju signed a partnership.
    let candidate = glocal_training::demo::demo_fellowship_candidate();
    let (http, cookie) = signed_in(&stack, &candidate.subject).await;
    let url = format!("{}/editions/{id}/apply", stack.portal_url);
    let form = page(&http, &cookie, url.clone()).await;
    let hue = glocal_training::demo::DEMO_PARTNER_HUE;
    assert!(
        form.contains(&format!("<option value=\"{hue}\">Hue City (VN)</option>")),
        "{form}"
    );
    assert!(form.contains("<option value=\"\">Not listed"), "{form}");
    let csrf = csrf_of(&form);
    let key = value_after(&form, "name=\"idempotency_key\" value=\"");
    let applied = http
        .post(&url)
        .header("cookie", &cookie)
        .header("accept-language", "en")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("idempotency_key", key.as_str()),
            ("kind", "OFFICIAL"),
            ("full_name", "Le Thi Hoa"),
            ("nationality", "VN"),
            ("organisation_type", "FOREIGN_LOCAL_GOVERNMENT"),
            ("organisation", "Hue City People's Committee"),
            ("grade", ""),
            ("languages", "en"),
            ("answer", "Heritage tourism with Gyeongju."),
            ("partner_organisation", hue),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(applied.status(), 303, "{}", applied.text().await.unwrap());
    // Named from the form, the signed partnership is seen at once: not held for staff.
    let mine = stack
        .gql(
            Some(&stack.token(&candidate)),
            "query($id: ID!) { applications(filter: { editionId: $id, mine: true }) { edges { node { relationship partnerOrganisation { name(lang: EN) } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        mine.data()["applications"]["edges"][0]["node"],
        json!({ "relationship": "CURRENT", "partnerOrganisation": { "name": "Hue City" } })
    );
}
