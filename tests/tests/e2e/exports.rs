//! Exports of the request list (issue 19) over real HTTP: CSV and XLSX scoped exactly like
//! `serviceRequests` (the same filter, the caller's local government or department), headers
//! in the caller's language, and clear refusals for bad input and anonymous callers.

use std::io::Read;

use glocal_e2e::Stack;
use serde_json::json;

use crate::support::submit;

/// GETs an export as `token`: status, content type and body.
async fn export(
    stack: &Stack,
    token: Option<&str>,
    file: &str,
    query: &[(&str, &str)],
    accept_language: Option<&str>,
) -> (u16, String, Vec<u8>) {
    let mut request = stack
        .http()
        .get(format!("{}/exports/{file}", stack.base_url))
        .query(query);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(lang) = accept_language {
        request = request.header("accept-language", lang);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

fn csv_lines(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8(body.to_vec()).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn request_exports_are_scoped_filtered_and_localized() {
    let stack = glocal_e2e::spawn_stack().await;
    let seoul = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");
    let mut numbers = Vec::new();
    for key in ["x-1", "x-2"] {
        let r = submit(&stack, &seoul, key).await;
        numbers.push(
            r.data()["submitServiceRequest"]["number"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let busan_request = submit(&stack, &busan, "x-busan").await;
    let busan_number = busan_request.data()["submitServiceRequest"]["number"]
        .as_str()
        .unwrap()
        .to_owned();

    // Seoul's official gets Seoul's two requests, headers in the language asked.
    let (status, content_type, body) = export(
        &stack,
        Some(&seoul),
        "service-requests.csv",
        &[],
        Some("ko-KR,ko;q=0.9"),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "text/csv; charset=utf-8");
    let lines = csv_lines(&body);
    assert!(
        lines[0].starts_with("접수번호,유형,제목,상태"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 3, "{lines:?}");
    for number in &numbers {
        assert!(
            lines.iter().any(|l| l.starts_with(number.as_str())),
            "{lines:?}"
        );
    }
    assert!(!lines.iter().any(|l| l.contains(&busan_number)));
    assert!(lines[1].contains("Interpreter for the Osaka delegation"));
    assert!(
        lines[1].contains(",INTERPRETATION_TRANSLATION,"),
        "{}",
        lines[1]
    );

    // The admin sees all three; a filter narrows exactly like the list's; English headers
    // when no language is asked (the API's default).
    let admin = stack.admin();
    let (_, _, body) = export(&stack, Some(&admin), "service-requests.csv", &[], None).await;
    let lines = csv_lines(&body);
    assert!(lines[0].starts_with("Number,Type,Title,State,Local government"));
    assert_eq!(lines.len(), 4, "{lines:?}");
    let filter = json!({ "localGovernmentCode": "26000" }).to_string();
    let (_, _, body) = export(
        &stack,
        Some(&admin),
        "service-requests.csv",
        &[("filter", filter.as_str()), ("lang", "ja")],
        None,
    )
    .await;
    let lines = csv_lines(&body);
    assert!(lines[0].starts_with("受付番号,"), "{}", lines[0]);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[1].starts_with(busan_number.as_str()));

    // The workbook holds the same rows.
    let (status, content_type, body) = export(
        &stack,
        Some(&seoul),
        "service-requests.xlsx",
        &[("lang", "zh")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let mut xml = String::new();
    for name in ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"] {
        if let Ok(mut file) = book.by_name(name) {
            file.read_to_string(&mut xml).unwrap();
        }
    }
    assert!(xml.contains("编号"), "{xml}");
    for number in &numbers {
        assert!(xml.contains(number.as_str()), "{number} missing");
    }
    assert!(!xml.contains(&busan_number));

    // Refusals: no token, a filter that is not JSON or not a filter, an unknown language.
    let (status, _, body) = export(&stack, None, "service-requests.csv", &[], None).await;
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
    for (name, value) in [
        ("filter", "{not json"),
        ("filter", r#"{"states": ["NOT_A_STATE"]}"#),
        ("lang", "fr"),
    ] {
        let (status, _, body) = export(
            &stack,
            Some(&seoul),
            "service-requests.csv",
            &[(name, value)],
            None,
        )
        .await;
        assert_eq!(status, 400, "{name}={value}");
        let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert!(
            error["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with(name),
            "{error}"
        );
    }
}
