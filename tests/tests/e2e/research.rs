//! The research service end to end: the best-practice library's workflow, search in four
//! languages with facets, versions, tombstones and the language fallback; the partner
//! network with references resolved across services; the Atom feed; scoping, bad input that
//! writes nothing, and conflicts.

use glocal_e2e::{Stack, count_rows_in, spawn_stack};
use serde_json::{Value, json};

const PRACTICE: &str = "id version latestVersion revision state tombstone approved
  title summary originalLanguage languages country year tags
  area { code label(lang: KO) }
  sourceOrganisation { id name }
  localGovernment { code name(lang: EN) }
  withdrawalReason
  versions { version note }
  history { action from to }";

pub(crate) fn content(key: &str) -> Value {
    json!({
        "idempotencyKey": key,
        "title": { "ko": "대중교통정책 혁신", "en": "Public transport policy reform" },
        "summary": { "ko": "버스 노선을 전면 개편했다." },
        "originalLanguage": "KO",
        "areaCode": "transportation",
        "country": "KR",
        "localGovernmentCode": "11000",
        "year": 2024,
        "tags": ["bus"]
    })
}

pub(crate) async fn draft(stack: &Stack, token: &str, input: Value) -> Value {
    let q = format!(
        "mutation($input: DraftPracticeInput!) {{ draftPractice(input: $input) {{ {PRACTICE} }} }}"
    );
    stack
        .gql(Some(token), &q, json!({ "input": input }))
        .await
        .body
}

async fn step(
    stack: &Stack,
    token: &str,
    name: &str,
    input_type: &str,
    input: Value,
) -> glocal_e2e::Gql {
    let q = format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {PRACTICE} }} }}");
    stack.gql(Some(token), &q, json!({ "input": input })).await
}

const SEARCH: &str = "query($s: String, $f: PracticeFilter) { practices(search: $s, filter: $f, first: 10) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id title(lang: EN) } }
        facets { areas { value count area { label(lang: JA) } } countries { value count } years { value count } languages { value count } } } }";

async fn search(stack: &Stack, token: Option<&str>, search: &str, filter: Value) -> Value {
    stack
        .gql(token, SEARCH, json!({ "s": search, "f": filter }))
        .await
        .data()["practices"]
        .clone()
}

/// Publishes the standard practice through the gateway and returns it.
pub(crate) async fn publish(stack: &Stack, author: &str, reviewer: &str, key: &str) -> Value {
    let d = draft(stack, author, content(key)).await;
    let p = &d["data"]["draftPractice"];
    let id = p["id"].as_str().unwrap().to_owned();
    let s = step(
        stack,
        author,
        "submitPractice",
        "PracticeTransitionInput",
        json!({ "id": id, "revision": p["revision"] }),
    )
    .await;
    let r = s.data()["submitPractice"]["revision"].clone();
    let a = step(
        stack,
        reviewer,
        "reviewPractice",
        "ReviewPracticeInput",
        json!({ "id": id, "revision": r, "approve": true }),
    )
    .await;
    let r = a.data()["reviewPractice"]["revision"].clone();
    let published = step(
        stack,
        reviewer,
        "publishPractice",
        "PracticeTransitionInput",
        json!({ "id": id, "revision": r }),
    )
    .await;
    published.data()["publishPractice"].clone()
}

#[tokio::test]
async fn the_library_from_draft_to_tombstone() {
    let stack = spawn_stack().await;
    let author = stack.staff("staff-research-lee");
    let reviewer = stack.staff("staff-research-park");
    let seoul = stack.official("official-seoul", "11000");

    // Bad input is BAD_USER_INPUT naming the field, and writes nothing.
    let before = count_rows_in(&stack.research_db, "practice").await;
    let mut bad = content("k-bad");
    bad["country"] = json!("Korea");
    let e = draft(&stack, &author, bad).await;
    assert_eq!(
        e["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{e:#}"
    );
    assert_eq!(e["errors"][0]["extensions"]["field"], "country");
    let mut bad = content("k-bad");
    bad["areaCode"] = json!("space_travel");
    let e = draft(&stack, &author, bad).await;
    assert_eq!(e["errors"][0]["extensions"]["field"], "areaCode");
    assert_eq!(count_rows_in(&stack.research_db, "practice").await, before);
    assert_eq!(count_rows_in(&stack.research_db, "outbox").await, 0);
    // Officials do not write the library.
    let e = draft(&stack, &seoul, content("k1")).await;
    assert_eq!(e["errors"][0]["extensions"]["code"], "FORBIDDEN");

    // Draft → review → publish, with the author barred from reviewing.
    let d = draft(&stack, &author, content("k1")).await;
    let p = d["data"]["draftPractice"].clone();
    assert_eq!(p["state"], "DRAFT", "{d:#}");
    assert_eq!(p["area"]["label"], "교통");
    assert_eq!(
        p["localGovernment"]["name"],
        "Seoul Metropolitan Government"
    );
    let id = p["id"].as_str().unwrap().to_owned();
    let again = draft(&stack, &author, content("k1")).await;
    assert_eq!(
        again["data"]["draftPractice"]["id"],
        id.as_str(),
        "idempotent"
    );
    let hidden = stack
        .gql(
            None,
            "query($id: ID!) { practice(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");

    let s = step(
        &stack,
        &author,
        "submitPractice",
        "PracticeTransitionInput",
        json!({ "id": id, "revision": 1 }),
    )
    .await;
    assert_eq!(s.data()["submitPractice"]["state"], "IN_REVIEW");
    let own = step(
        &stack,
        &author,
        "reviewPractice",
        "ReviewPracticeInput",
        json!({ "id": id, "revision": 2, "approve": true }),
    )
    .await;
    assert_eq!(own.error_code(), "FORBIDDEN");
    let early = step(
        &stack,
        &reviewer,
        "publishPractice",
        "PracticeTransitionInput",
        json!({ "id": id, "revision": 2 }),
    )
    .await;
    assert_eq!(early.error_code(), "CONFLICT");
    let a = step(
        &stack,
        &reviewer,
        "reviewPractice",
        "ReviewPracticeInput",
        json!({ "id": id, "revision": 2, "approve": true }),
    )
    .await;
    assert_eq!(a.data()["reviewPractice"]["approved"], true);
    let stale = step(
        &stack,
        &reviewer,
        "publishPractice",
        "PracticeTransitionInput",
        json!({ "id": id, "revision": 2 }),
    )
    .await;
    assert_eq!(stale.error_code(), "CONFLICT");
    let published = step(
        &stack,
        &reviewer,
        "publishPractice",
        "PracticeTransitionInput",
        json!({ "id": id, "revision": 3 }),
    )
    .await;
    let p = published.data()["publishPractice"].clone();
    assert_eq!(p["state"], "PUBLISHED");
    let actions: Vec<&str> = p["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["draft", "submit", "approve", "publish"]);

    // The public finds it with a two-character query inside the compound, with facets.
    let found = search(&stack, None, "정책", json!(null)).await;
    assert_eq!(found["totalCount"], 1, "{found:#}");
    assert_eq!(
        found["edges"][0]["node"]["title"],
        "Public transport policy reform"
    );
    assert_eq!(
        found["facets"]["areas"],
        json!([{ "value": "transportation", "count": 1, "area": { "label": "交通" } }])
    );
    assert_eq!(
        found["facets"]["languages"],
        json!([{ "value": "KO", "count": 1 }, { "value": "EN", "count": 1 }]),
        "the same case as Practice.languages and the filter"
    );
    assert_eq!(
        search(&stack, None, "reforms", json!(null)).await["totalCount"],
        1,
        "English stemming"
    );
    assert_eq!(
        search(&stack, None, "", json!({ "countries": ["JP"] })).await["totalCount"],
        0
    );

    // Language fallback: asked (ja, absent) → original (ko); Accept-Language sets the default.
    let q = "query($id: ID!) { practice(id: $id) { ja: title(lang: JA) zh: summary(lang: ZH) en: summary(lang: EN) dflt: title } }";
    let r = stack.gql(None, q, json!({ "id": id })).await;
    let t = &r.data()["practice"];
    assert_eq!(t["ja"], "대중교통정책 혁신");
    assert_eq!(t["zh"], "버스 노선을 전면 개편했다.");
    assert_eq!(t["en"], "버스 노선을 전면 개편했다.");
    let resp = stack
        .http()
        .post(stack.graphql_url())
        .header("accept-language", "ko-KR, en;q=0.5")
        .json(&json!({ "query": q, "variables": { "id": id } }))
        .send()
        .await
        .unwrap();
    let r = Stack::read(resp).await;
    assert_eq!(r.data()["practice"]["dflt"], "대중교통정책 혁신");

    // An edit makes version 2; version 1 stays readable.
    let mut edit = content("unused");
    edit.as_object_mut().unwrap().remove("idempotencyKey");
    edit["summary"] = json!({ "ko": "버스와 지하철을 통합했다." });
    edit["id"] = json!(id);
    edit["revision"] = json!(4);
    edit["note"] = json!("Metro added");
    let v2 = step(
        &stack,
        &author,
        "updatePractice",
        "UpdatePracticeInput",
        edit,
    )
    .await;
    let v2 = v2.data()["updatePractice"].clone();
    assert_eq!(
        (v2["version"].as_i64(), v2["state"].as_str()),
        (Some(2), Some("PUBLISHED"))
    );
    let q = "query($id: ID!, $v: Int) { practice(id: $id, version: $v) { version latestVersion summary(lang: KO) versions { version note } } }";
    let v1 = stack.gql(None, q, json!({ "id": id, "v": 1 })).await;
    assert_eq!(
        v1.data()["practice"]["summary"],
        "버스 노선을 전면 개편했다."
    );
    assert_eq!(v1.data()["practice"]["latestVersion"], 2);
    let cur = stack.gql(None, q, json!({ "id": id, "v": null })).await;
    assert_eq!(
        cur.data()["practice"]["summary"],
        "버스와 지하철을 통합했다."
    );
    assert_eq!(cur.data()["practice"]["versions"][1]["note"], "Metro added");

    // Withdrawn: the id still answers, as a tombstone, and the library no longer lists it.
    let w = step(
        &stack,
        &reviewer,
        "withdrawPractice",
        "WithdrawPracticeInput",
        json!({ "id": id, "revision": 5, "reason": "Superseded" }),
    )
    .await;
    assert_eq!(w.data()["withdrawPractice"]["state"], "WITHDRAWN");
    let t = stack
        .gql(
            Some(&seoul),
            &format!("query($id: ID!) {{ practice(id: $id) {{ {PRACTICE} }} }}"),
            json!({ "id": id }),
        )
        .await;
    let t = &t.data()["practice"];
    assert_eq!(
        (t["tombstone"].as_bool(), t["state"].as_str()),
        (Some(true), Some("WITHDRAWN"))
    );
    assert_eq!(t["title"], "Public transport policy reform");
    assert_eq!(t["summary"], "");
    assert_eq!(t["withdrawalReason"], "Superseded");
    assert!(
        t["history"].as_array().unwrap().is_empty(),
        "history is for bureau staff"
    );
    // The public's search answer is cached whole: the withdrawal drops it once its change
    // event has reached the gateway.
    stack
        .public_eventually(
            SEARCH,
            json!({ "s": "정책", "f": null }),
            "the withdrawn practice leaves the search",
            |r| r.data()["practices"]["totalCount"] == 0,
        )
        .await;
    // Every change left an audit and an outbox row.
    assert_eq!(count_rows_in(&stack.research_db, "outbox").await, 6);
    assert_eq!(
        count_rows_in(&stack.research_db, "practice_history").await,
        6
    );
}

#[tokio::test]
async fn vocabulary_search_facets_and_the_feed() {
    let stack = spawn_stack().await;
    let author = stack.staff("staff-a");
    let reviewer = stack.staff("staff-b");
    let areas = stack.gql(None, "{ researchAreas { code ko: label(lang: KO) en: label(lang: EN) zh: label(lang: ZH) ja: label(lang: JA) } }", json!({})).await;
    let areas = areas.data()["researchAreas"].as_array().unwrap().clone();
    assert_eq!(areas.len(), 17);
    assert_eq!(
        areas[3],
        json!({ "code": "transportation", "ko": "교통", "en": "Transportation", "zh": "交通", "ja": "交通" })
    );
    let create = "mutation($i: CreateResearchAreaInput!) { createResearchArea(input: $i) { code label(lang: ZH) } }";
    let label =
        json!({ "ko": "스마트시티", "en": "Smart city", "zh": "智慧城市", "ja": "スマートシティ" });
    let denied = stack
        .gql(
            Some(&author),
            create,
            json!({ "i": { "code": "smart_city", "label": label } }),
        )
        .await;
    assert_eq!(denied.error_code(), "FORBIDDEN");
    let made = stack
        .gql(
            Some(&stack.admin()),
            create,
            json!({ "i": { "code": "smart_city", "label": label } }),
        )
        .await;
    assert_eq!(made.data()["createResearchArea"]["label"], "智慧城市");

    let p = publish(&stack, &author, &reviewer, "k1").await;
    let busy = stack
        .gql(
            Some(&stack.admin()),
            "mutation { deleteResearchArea(code: \"transportation\") }",
            json!({}),
        )
        .await;
    assert_eq!(busy.error_code(), "CONFLICT");
    let gone = stack
        .gql(
            Some(&stack.admin()),
            "mutation { deleteResearchArea(code: \"smart_city\") }",
            json!({}),
        )
        .await;
    assert_eq!(gone.data()["deleteResearchArea"], true);

    // Staff see drafts when they ask; the public may not ask.
    draft(&stack, &author, content("k2")).await;
    let drafts = search(&stack, Some(&author), "", json!({ "states": ["DRAFT"] })).await;
    assert_eq!(drafts["totalCount"], 1);
    let denied = stack
        .gql(
            None,
            "{ practices(filter: { states: [DRAFT] }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(denied.error_code(), "FORBIDDEN");
    let all = search(
        &stack,
        None,
        "교통",
        json!({ "areaCodes": ["transportation"], "years": [2024] }),
    )
    .await;
    let counts: i64 = all["facets"]["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    assert_eq!(counts, all["totalCount"].as_i64().unwrap());

    // The Atom feed lists the published practice and parses back.
    let resp = stack
        .http()
        .get(format!("{}/feeds/practices.atom?lang=ko", stack.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed: atom_syndication::Feed = resp.text().await.unwrap().parse().unwrap();
    assert_eq!(feed.entries().len(), 1);
    let entry = &feed.entries()[0];
    assert_eq!(
        entry.id(),
        format!("urn:glocal:practice:{}", p["id"].as_str().unwrap())
    );
    assert_eq!(entry.title().as_str(), "대중교통정책 혁신");
    assert_eq!(entry.categories()[0].term(), "transportation");
    assert!(
        entry.links()[0]
            .href()
            .starts_with(&format!("{}/graphql?query=", stack.base_url)),
        "absolute; no portal configured, so the gateway's answer: {}",
        entry.links()[0].href()
    );
}

#[tokio::test]
async fn the_partner_network_with_references_across_services() {
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-network");
    let seoul = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");

    let create = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id name(lang: KO) contacts { name email expertiseAreas { code } } } }";
    let osaka = json!({
        "idempotencyKey": "osaka", "kind": "FOREIGN_LOCAL_GOVERNMENT",
        "name": { "ja": "大阪市", "ko": "오사카시" }, "originalLanguage": "JA",
        "country": "JP", "public": true, "languages": ["ja", "en"],
        "contacts": [{ "name": "Sato", "email": "sato@example.jp", "languages": ["ja"], "expertiseAreaCodes": ["cultural_tourism"] }]
    });
    let made = stack.gql(Some(&staff), create, json!({ "i": osaka })).await;
    let org = made.data()["createOrganisation"].clone();
    assert_eq!(org["name"], "오사카시");
    assert_eq!(
        org["contacts"][0]["expertiseAreas"][0]["code"],
        "cultural_tourism"
    );
    assert_eq!(org["contacts"][0]["email"], "sato@example.jp");
    let org_id = org["id"].as_str().unwrap().to_owned();
    let denied = stack.gql(Some(&seoul), create, json!({ "i": osaka })).await;
    assert_eq!(denied.error_code(), "FORBIDDEN");
    // Contacts' personal details only reach bureau staff.
    let public = stack.gql(None, "{ organisations { totalCount edges { node { name(lang: ZH) contacts { name email phone } } } } }", json!({})).await;
    let public = public.data()["organisations"].clone();
    assert_eq!(public["totalCount"], 1);
    assert_eq!(
        public["edges"][0]["node"]["name"], "大阪市",
        "zh absent: falls back to the original ja"
    );
    assert_eq!(
        public["edges"][0]["node"]["contacts"][0],
        json!({ "name": "Sato", "email": null, "phone": null })
    );

    let rel = "mutation($i: CreateRelationshipInput!) { createRelationship(input: $i) { id status revision
        localGovernment { code name(lang: EN) } partner { id name(lang: JA) } } }";
    let input = json!({ "idempotencyKey": "r1", "kind": "SISTER_CITY", "localGovernmentCode": "11000", "partnerOrganisationId": org_id, "status": "ACTIVE", "signedOn": "2009-09-01" });
    let r = stack.gql(Some(&staff), rel, json!({ "i": input })).await;
    let r = r.data()["createRelationship"].clone();
    assert_eq!(
        r["localGovernment"],
        json!({ "code": "11000", "name": "Seoul Metropolitan Government" })
    );
    assert_eq!(r["partner"], json!({ "id": org_id, "name": "大阪市" }));
    let mut dup = input.clone();
    dup["idempotencyKey"] = json!("r2");
    let dup = stack.gql(Some(&staff), rel, json!({ "i": dup })).await;
    assert_eq!(dup.error_code(), "CONFLICT");
    let rel_id = r["id"].as_str().unwrap().to_owned();

    // Seoul logs a visit; Busan may not; the log shows on the relationship.
    let record = "mutation($i: RecordInteractionInput!) { recordInteraction(input: $i) { id kind occurredOn recordedByName } }";
    let visit = json!({ "idempotencyKey": "v1", "relationshipId": rel_id, "kind": "VISIT", "occurredOn": "2026-04-02", "summary": "Mayor's visit" });
    let v = stack.gql(Some(&seoul), record, json!({ "i": visit })).await;
    assert_eq!(v.data()["recordInteraction"]["occurredOn"], "2026-04-02");
    let no = stack.gql(Some(&busan), record, json!({ "i": visit })).await;
    assert_eq!(no.error_code(), "FORBIDDEN");
    let list = "{ relationships(filter: { localGovernmentCode: \"11000\" }) { totalCount edges { node { kind interactionCount interactions { totalCount edges { node { summary } } } } } } }";
    let mine = stack.gql(Some(&seoul), list, json!({})).await;
    let node = &mine.data()["relationships"]["edges"][0]["node"];
    assert_eq!(node["interactionCount"], 1);
    assert_eq!(
        node["interactions"]["edges"][0]["node"]["summary"],
        "Mayor's visit"
    );
    // The public sees the relationship, but the log field fails alone.
    let theirs = stack.gql(None, list, json!({})).await;
    assert_eq!(
        theirs.body["data"]["relationships"]["totalCount"], 1,
        "{:#}",
        theirs.body
    );
    assert_eq!(theirs.error_code(), "UNAUTHENTICATED");

    // Opportunities: proposed by a partner, screened by staff.
    let propose = "mutation($i: ProposeOpportunityInput!) { proposeOpportunity(input: $i) { id status revision areas { label(lang: EN) } organisation { id } } }";
    let partner = stack.token(&glocal_kit::Caller::new(
        "partner-1",
        "Partner",
        "CLAIR",
        [glocal_kit::Role::Partner],
    ));
    let o = stack.gql(Some(&partner), propose, json!({ "i": { "idempotencyKey": "o1", "title": { "en": "Youth climate camp" }, "originalLanguage": "EN", "areaCodes": ["environment"], "organisationId": org_id } })).await;
    let o = o.data()["proposeOpportunity"].clone();
    assert_eq!(o["status"], "PROPOSED");
    assert_eq!(o["areas"][0]["label"], "Environment");
    assert_eq!(o["organisation"]["id"], org_id.as_str());
    let count = "{ opportunities { totalCount } }";
    assert_eq!(
        stack.gql(None, count, json!({})).await.data()["opportunities"]["totalCount"],
        0
    );
    let open = stack.gql(Some(&staff), "mutation($i: SetOpportunityStatusInput!) { setOpportunityStatus(input: $i) { status } }", json!({ "i": { "id": o["id"], "revision": 1, "status": "OPEN" } })).await;
    assert_eq!(open.data()["setOpportunityStatus"]["status"], "OPEN");
    // The public's answers are cached whole (ADR 0053): the change shows once its event has
    // reached the gateway.
    stack
        .public_eventually(count, json!({}), "the opened opportunity is counted", |r| {
            r.data()["opportunities"]["totalCount"] == 1
        })
        .await;
}

#[tokio::test]
async fn codes_off_the_iso_lists_are_refused_with_their_field() {
    let stack = spawn_stack().await;
    let author = stack.staff("staff-research-lee");
    let refused = |body: &Value, field: &str| {
        let e = &body["errors"][0]["extensions"];
        assert_eq!(e["code"], "BAD_USER_INPUT", "{body:#}");
        assert_eq!(e["field"], field, "{body:#}");
    };

    // A practice's country: two letters, but not a country.
    let mut bad = content("k-zz");
    bad["country"] = json!("ZZ");
    refused(&draft(&stack, &author, bad).await, "country");
    assert_eq!(count_rows_in(&stack.research_db, "practice").await, 0);

    // The search filter's countries.
    let q = "query($f: PracticeFilter) { practices(filter: $f, first: 1) { totalCount } }";
    let body = stack
        .gql(None, q, json!({ "f": { "countries": ["NL", "QQ"] } }))
        .await
        .body;
    refused(&body, "filter.countries[1]");

    // A partner organisation's country and languages.
    let staff = stack.staff("staff-network");
    let create = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }";
    let org = |country: &str, languages: Value| {
        json!({
            "idempotencyKey": format!("org-{country}"), "kind": "FOREIGN_LOCAL_GOVERNMENT",
            "name": { "ja": "大阪市" }, "originalLanguage": "JA",
            "country": country, "public": true, "languages": languages,
        })
    };
    let body = stack
        .gql(
            Some(&staff),
            create,
            json!({ "i": org("QQ", json!(["ja"])) }),
        )
        .await
        .body;
    refused(&body, "country");
    let body = stack
        .gql(
            Some(&staff),
            create,
            json!({ "i": org("JP", json!(["ja", "xx"])) }),
        )
        .await
        .body;
    refused(&body, "languages[1]");
    // Real codes beyond the bureau's four pass (Swahili).
    let body = stack
        .gql(
            Some(&staff),
            create,
            json!({ "i": org("TZ", json!(["sw"])) }),
        )
        .await
        .body;
    assert!(
        body["data"]["createOrganisation"]["id"].is_string(),
        "{body:#}"
    );
}
