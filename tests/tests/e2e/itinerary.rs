//! Overseas training's itinerary and trip reports end to end (ADR 0052): visits linked to
//! the partner network's organisations and practices, each id checked against the research
//! service by the gateway (UNKNOWN_ORGANISATION, UNKNOWN_PRACTICE, nothing written); a
//! page of visits resolving its organisations and practices in one batched call per kind;
//! who sees the itinerary; and a trip report published as one practice draft — also when
//! the publication's last step fails and is retried, and when it is published twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use glocal_e2e::{Gql, Stack, count_rows_in, spawn_stack_with};
use glocal_kit::{Caller, Role};
use serde_json::{Value, json};
use tonic::transport::{Channel, Endpoint};
use tower::ServiceExt;

const VISIT: &str = "id day time city country organisationIds practiceIds purpose version
  organisations { id name(lang: EN) } practices { id title(lang: EN) }";

const REPORT: &str = "id state version practiceId title(lang: EN) areaCode
  practice { id state }";

const RECORD: &str = "/glocal.training.v1.ItineraryService/RecordTripReportPractice";

/// Between the gateway and a service: counts every call by path, and fails the next
/// `RecordTripReportPractice` with UNAVAILABLE when asked to (the publication's last step
/// lost on the way).
#[derive(Clone)]
struct Proxy {
    upstream: Channel,
    calls: Arc<Mutex<Vec<String>>>,
    fail_record: Arc<AtomicBool>,
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    proxy.calls.lock().unwrap().push(path.clone());
    if path == RECORD && proxy.fail_record.swap(false, Ordering::SeqCst) {
        return tonic::Status::unavailable("injected: the training service went away")
            .into_http::<axum::body::Body>();
    }
    match proxy
        .upstream
        .oneshot(request.map(tonic::body::Body::new))
        .await
    {
        Ok(response) => response.map(axum::body::Body::new),
        Err(error) => (axum::http::StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
    }
}

fn proxy(upstream: std::net::SocketAddr, p: &Proxy) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind proxy");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("proxy addr");
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    let state = Proxy {
        upstream: Endpoint::from_shared(format!("http://{upstream}"))
            .expect("upstream URL")
            .connect_lazy(),
        ..p.clone()
    };
    let router = axum::Router::new().fallback(forward).with_state(state);
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_routes(tonic::service::Routes::from(router))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
            .await
            .expect("proxy serves");
    });
    format!("http://{addr}")
}

struct Env {
    stack: Stack,
    calls: Arc<Mutex<Vec<String>>>,
    fail_record: Arc<AtomicBool>,
}

impl Env {
    /// A stack whose gateway reaches training and research through the proxy.
    async fn new() -> Env {
        let p = Proxy {
            upstream: Endpoint::from_static("http://127.0.0.1:1").connect_lazy(),
            calls: Arc::default(),
            fail_record: Arc::default(),
        };
        let (calls, fail_record) = (p.calls.clone(), p.fail_record.clone());
        let stack = spawn_stack_with(|s| {
            s.gateway.training_url = proxy(s.training.listen, &p);
            s.gateway.research_url = proxy(s.research.listen, &p);
        })
        .await;
        Env {
            stack,
            calls,
            fail_record,
        }
    }

    /// How many calls of each method since the last look.
    fn calls(&self, method: &str) -> usize {
        let mut calls = self.calls.lock().unwrap();
        let n = calls.iter().filter(|c| c.ends_with(method)).count();
        calls.clear();
        n
    }

    async fn gql(&self, token: Option<&str>, q: &str, v: Value) -> Gql {
        self.stack.gql(token, q, v).await
    }

    async fn training(&self, table: &str) -> i64 {
        count_rows_in(&self.stack.training_db, table).await
    }

    /// A published edition of a `kind` programme travelling 4–10 October 2100, application
    /// window always open.
    async fn edition(&self, kind: &str) -> String {
        let admin = self.stack.admin();
        let p = self
            .gql(
                Some(&admin),
                "mutation($i: CreateProgrammeInput!) { createProgramme(input: $i) { id } }",
                json!({ "i": { "idempotencyKey": format!("p-{kind}"), "kind": kind,
                    "title": { "en": "Overseas Training Program" }, "published": true } }),
            )
            .await;
        let e = self
            .gql(
                Some(&admin),
                "mutation($i: CreateEditionInput!) { createEdition(input: $i) { id } }",
                json!({ "i": {
                    "idempotencyKey": format!("e-{kind}"),
                    "programmeId": p.data()["createProgramme"]["id"],
                    "term": "2100", "startsOn": "2100-10-04", "endsOn": "2100-10-10",
                    "applicationsOpenOn": "2000-01-01", "applicationsCloseOn": "2100-03-31",
                    "capacity": 20, "languages": ["ko", "en"], "published": true,
                } }),
            )
            .await;
        e.data()["createEdition"]["id"].as_str().unwrap().to_owned()
    }

    /// A public foreign local government of the partner network.
    async fn organisation(&self, key: &str, name: &str, city: &str) -> String {
        let o = self
            .gql(
                Some(&self.stack.admin()),
                "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }",
                json!({ "i": { "idempotencyKey": key, "kind": "FOREIGN_LOCAL_GOVERNMENT",
                    "name": { "en": name }, "originalLanguage": "EN", "country": "JP",
                    "city": city, "public": true } }),
            )
            .await;
        o.data()["createOrganisation"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A practice draft of the library.
    async fn practice(&self, key: &str, title: &str) -> String {
        let p = self
            .gql(
                Some(&self.stack.admin()),
                "mutation($i: DraftPracticeInput!) { draftPractice(input: $i) { id } }",
                json!({ "i": { "idempotencyKey": key, "title": { "en": title },
                    "originalLanguage": "EN", "areaCode": "environment", "country": "JP",
                    "year": 2024 } }),
            )
            .await;
        p.data()["draftPractice"]["id"].as_str().unwrap().to_owned()
    }

    async fn add_visit(&self, token: &str, input: Value) -> Gql {
        let q = format!(
            "mutation($i: AddItineraryVisitInput!) {{ addItineraryVisit(input: $i) {{ {VISIT} }} }}"
        );
        self.gql(Some(token), &q, json!({ "i": input })).await
    }

    async fn report(&self, token: &str, name: &str, ty: &str, input: Value) -> Gql {
        let q = format!("mutation($i: {ty}!) {{ {name}(input: $i) {{ {REPORT} }} }}");
        self.gql(Some(token), &q, json!({ "i": input })).await
    }

    /// The edition's itinerary as `token` sees it (null when they may not).
    async fn itinerary(&self, token: Option<&str>, edition: &str) -> Value {
        let q = format!(
            "query($id: ID!) {{ edition(id: $id) {{ itinerary {{ {VISIT} }} tripReports {{ {REPORT} }} }} }}"
        );
        let g = self.gql(token, &q, json!({ "id": edition })).await;
        g.data()["edition"].clone()
    }

    /// `official` applies to `edition` and is accepted.
    async fn accept(&self, official: &str, edition: &str) {
        let admin = self.stack.admin();
        let a = self
            .gql(
                Some(official),
                "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id version } }",
                json!({ "i": { "idempotencyKey": "apply", "editionId": edition,
                    "profile": { "kind": "OFFICIAL", "fullName": "Kim Minji", "nationality": "KR",
                        "organisationType": "KOREAN_LOCAL_GOVERNMENT", "organisation": "Seoul",
                        "grade": 7, "languages": ["ko"] } } }),
            )
            .await;
        let mut a = a.data()["submitApplication"].clone();
        for outcome in ["START", "PASS"] {
            let s = self
                .gql(
                    Some(&admin),
                    "mutation($i: ScreenApplicationInput!) { screenApplication(input: $i) { id version } }",
                    json!({ "i": { "id": a["id"], "version": a["version"], "outcome": outcome } }),
                )
                .await;
            a = s.data()["screenApplication"].clone();
        }
        let d = self
            .gql(
                Some(&admin),
                "mutation($i: DecideApplicationInput!) { decideApplication(input: $i) { state } }",
                json!({ "i": { "id": a["id"], "version": a["version"], "decision": "ACCEPT" } }),
            )
            .await;
        assert_eq!(d.data()["decideApplication"]["state"], "ACCEPTED");
    }
}

fn reason(g: &Gql) -> (&str, &str, &str) {
    let ext = &g.body["errors"][0]["extensions"];
    (
        ext["code"].as_str().unwrap_or_default(),
        ext["reason"].as_str().unwrap_or_default(),
        ext["field"].as_str().unwrap_or_default(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visits_link_checked_ids_resolve_in_batches_and_stay_with_the_group() {
    let env = Env::new().await;
    let admin = env.stack.admin();
    let edition = env.edition("OVERSEAS_TRAINING").await;
    let academy = env.edition("ACADEMY").await;
    let orgs = [
        env.organisation("o1", "Fukuoka City", "Fukuoka").await,
        env.organisation("o2", "Osaka City", "Osaka").await,
        env.organisation("o3", "Kitakyushu City", "Kitakyushu")
            .await,
    ];
    let practices = [
        env.practice("p1", "Toyama's light rail").await,
        env.practice("p2", "Yokohama's community care").await,
    ];
    let visit = |key: &str, day: &str, org: &[&String], practice: &[&String]| {
        json!({ "idempotencyKey": key, "editionId": edition, "day": day, "time": "10:00",
            "city": "Fukuoka", "country": "JP", "organisationIds": org,
            "practiceIds": practice, "purpose": "Benchmark" })
    };

    // Unknown ids are refused with their reason and field; nothing is written.
    let unknown = "00000000-0000-4000-8000-000000000000";
    let g = env
        .add_visit(
            &admin,
            json!({ "idempotencyKey": "bad", "editionId": edition, "day": "2100-10-05",
                "city": "Fukuoka", "country": "JP", "organisationIds": [orgs[0], unknown] }),
        )
        .await;
    assert_eq!(
        reason(&g),
        (
            "BAD_USER_INPUT",
            "UNKNOWN_ORGANISATION",
            "organisationIds[1]"
        )
    );
    let g = env
        .add_visit(
            &admin,
            json!({ "idempotencyKey": "bad", "editionId": edition, "day": "2100-10-05",
                "city": "Fukuoka", "country": "JP", "organisationIds": [orgs[0]],
                "practiceIds": ["not-a-practice"] }),
        )
        .await;
    assert_eq!(
        reason(&g),
        ("BAD_USER_INPUT", "UNKNOWN_PRACTICE", "practiceIds[0]")
    );
    // The rule lives in training: another programme's edition, a day outside the dates.
    let g = env
        .add_visit(
            &admin,
            json!({ "idempotencyKey": "academy", "editionId": academy, "day": "2100-10-05",
                "city": "Fukuoka", "country": "JP", "organisationIds": [orgs[0]] }),
        )
        .await;
    assert_eq!(reason(&g).0, "CONFLICT");
    assert_eq!(reason(&g).1, "NOT_OVERSEAS_TRAINING");
    let g = env
        .add_visit(&admin, visit("late", "2100-10-11", &[&orgs[0]], &[]))
        .await;
    assert_eq!(reason(&g).2, "day");
    assert_eq!(env.training("itinerary_visit").await, 0);
    assert_eq!(
        env.training("history").await,
        4,
        "the programmes and editions only"
    );

    // Five visits naming the three organisations and two practices.
    for (i, day) in [
        "2100-10-08",
        "2100-10-05",
        "2100-10-06",
        "2100-10-07",
        "2100-10-09",
    ]
    .into_iter()
    .enumerate()
    {
        let g = env
            .add_visit(
                &admin,
                visit(
                    &format!("v{i}"),
                    day,
                    &[&orgs[i % 3], &orgs[(i + 1) % 3]],
                    &[&practices[i % 2]],
                ),
            )
            .await;
        assert_eq!(
            g.data()["addItineraryVisit"]["organisations"][1]["id"],
            orgs[(i + 1) % 3]
        );
    }

    // A page of five visits costs one itinerary call, one organisation and one practice
    // batch.
    env.calls("");
    let it = env.itinerary(Some(&admin), &edition).await;
    let calls = std::mem::take(&mut *env.calls.lock().unwrap());
    for method in [
        "BatchGetItineraries",
        "BatchGetOrganisations",
        "BatchGetPractices",
    ] {
        let n = calls.iter().filter(|c| c.ends_with(method)).count();
        assert_eq!(n, 1, "{method}: {calls:?}");
    }
    let visits = it["itinerary"].as_array().unwrap();
    assert_eq!(visits.len(), 5);
    let days: Vec<&str> = visits.iter().map(|v| v["day"].as_str().unwrap()).collect();
    assert_eq!(
        days,
        [
            "2100-10-05",
            "2100-10-06",
            "2100-10-07",
            "2100-10-08",
            "2100-10-09"
        ]
    );
    assert!(
        visits
            .iter()
            .all(|v| v["organisations"].as_array().unwrap().len() == 2)
    );
    assert!(
        visits
            .iter()
            .all(|v| v["practices"].as_array().unwrap().len() == 1)
    );
    assert_eq!(visits[0]["organisations"][0]["name"], "Osaka City");

    // Staff and accepted participants see it; applicants, partners and the public do not.
    let going = env.stack.official("seoul-kim", "11000");
    env.accept(&going, &edition).await;
    let applied = env.stack.official("busan-park", "26000");
    assert_eq!(
        env.itinerary(Some(&going), &edition).await["itinerary"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        env.itinerary(Some(&env.stack.staff("staff-any")), &edition)
            .await["itinerary"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let partner = env
        .stack
        .token(&Caller::new("partner-1", "Partner", "JP", [Role::Partner]));
    for token in [Some(applied.as_str()), Some(partner.as_str()), None] {
        let seen = env.itinerary(token, &edition).await;
        assert_eq!(seen["itinerary"], Value::Null, "{token:?}");
        assert_eq!(seen["tripReports"], Value::Null, "{token:?}");
    }
    // Officials do not change the itinerary.
    let g = env
        .add_visit(&going, visit("mine", "2100-10-05", &[&orgs[0]], &[]))
        .await;
    assert_eq!(g.error_code(), "FORBIDDEN");
    assert_eq!(env.training("itinerary_visit").await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trip_report_becomes_one_practice_draft_even_after_a_failure_and_a_retry() {
    let env = Env::new().await;
    let admin = env.stack.admin();
    let edition = env.edition("OVERSEAS_TRAINING").await;
    let org = env.organisation("o1", "Yokohama City", "Yokohama").await;
    let v = env
        .add_visit(
            &admin,
            json!({ "idempotencyKey": "v", "editionId": edition, "day": "2100-10-06",
                "city": "Yokohama", "country": "JP", "organisationIds": [org] }),
        )
        .await;
    let visit = v.data()["addItineraryVisit"]["id"].clone();
    let participant = env.stack.official("seoul-kim", "11000");
    env.accept(&participant, &edition).await;

    let text = |area: &str| {
        json!({ "title": { "en": "Yokohama's waterfront" },
            "summary": { "en": "Piers turned into public space." },
            "findings": { "en": "A public-private board runs the piers." },
            "originalLanguage": "EN", "areaCode": area })
    };
    // An unknown research area is refused before training writes anything.
    let g = env
        .report(
            &participant,
            "writeTripReport",
            "WriteTripReportInput",
            json!({ "idempotencyKey": "r", "visitId": visit, "report": text("no_such_area") }),
        )
        .await;
    assert_eq!(
        reason(&g),
        ("BAD_USER_INPUT", "UNKNOWN_RESEARCH_AREA", "report.areaCode")
    );
    assert_eq!(env.training("trip_report").await, 0);

    let r = env
        .report(
            &participant,
            "writeTripReport",
            "WriteTripReportInput",
            json!({ "idempotencyKey": "r", "visitId": visit, "report": text("environment") }),
        )
        .await;
    let r = r.data()["writeTripReport"].clone();
    assert_eq!(r["state"], "DRAFT");
    let r = env
        .report(
            &participant,
            "submitTripReport",
            "TripReportVersionInput",
            json!({ "id": r["id"], "version": r["version"] }),
        )
        .await;
    let r = r.data()["submitTripReport"].clone();
    assert_eq!(r["state"], "SUBMITTED");
    let publish = json!({ "id": r["id"], "version": r["version"] });

    // The participant may not publish.
    let g = env
        .report(
            &participant,
            "publishTripReportAsPractice",
            "TripReportVersionInput",
            publish.clone(),
        )
        .await;
    assert_eq!(g.error_code(), "FORBIDDEN");
    let practices_before = count_rows_in(&env.stack.research_db, "practice").await;

    // The practice is drafted, then recording it on the report is lost on the way.
    env.fail_record.store(true, Ordering::SeqCst);
    let g = env
        .report(
            &admin,
            "publishTripReportAsPractice",
            "TripReportVersionInput",
            publish.clone(),
        )
        .await;
    assert_eq!(g.error_code(), "UNAVAILABLE", "{:#}", g.body);
    assert_eq!(
        count_rows_in(&env.stack.research_db, "practice").await,
        practices_before + 1
    );
    let half = env.itinerary(Some(&admin), &edition).await;
    assert_eq!(half["tripReports"][0]["state"], "SUBMITTED");

    // Retried — by another member of staff — it finishes with the same practice.
    let staff = env.stack.staff("staff-exchange-choi");
    let g = env
        .report(
            &staff,
            "publishTripReportAsPractice",
            "TripReportVersionInput",
            publish.clone(),
        )
        .await;
    let done = g.data()["publishTripReportAsPractice"].clone();
    assert_eq!(done["state"], "PUBLISHED_AS_PRACTICE");
    assert_eq!(done["practice"]["state"], "DRAFT");
    let practice = done["practiceId"].as_str().unwrap().to_owned();
    assert_eq!(done["practice"]["id"], practice);
    // Published twice: the same report, the same practice.
    let g = env
        .report(
            &admin,
            "publishTripReportAsPractice",
            "TripReportVersionInput",
            publish,
        )
        .await;
    assert_eq!(
        g.data()["publishTripReportAsPractice"]["practiceId"],
        practice
    );
    assert_eq!(
        count_rows_in(&env.stack.research_db, "practice").await,
        practices_before + 1,
        "exactly one practice"
    );

    // The practice is filled from the report and its visit.
    let p = env
        .gql(
            Some(&admin),
            "query($id: ID!) { practice(id: $id) { title(lang: EN) summary(lang: EN) body(lang: EN)
               area { code } country city year origin sourceOrganisation { id } } }",
            json!({ "id": practice }),
        )
        .await;
    let p = &p.data()["practice"];
    assert_eq!(p["title"], "Yokohama's waterfront");
    assert_eq!(p["body"], "A public-private board runs the piers.");
    assert_eq!(
        (&p["area"]["code"], &p["country"], &p["city"], &p["year"]),
        (
            &json!("environment"),
            &json!("JP"),
            &json!("Yokohama"),
            &json!(2100)
        )
    );
    assert_eq!(p["sourceOrganisation"]["id"], org);
    assert_eq!(
        p["origin"],
        format!("training-trip-report:{}", r["id"].as_str().unwrap())
    );

    // The participant sees the report with its practice; the visit it is about stays.
    let seen = env.itinerary(Some(&participant), &edition).await;
    assert_eq!(seen["tripReports"][0]["practiceId"], practice);
    let v = &seen["itinerary"][0];
    let g = env
        .gql(
            Some(&admin),
            "mutation($i: RemoveItineraryVisitInput!) { removeItineraryVisit(input: $i) }",
            json!({ "i": { "id": v["id"], "version": v["version"] } }),
        )
        .await;
    assert_eq!(reason(&g).1, "VISIT_HAS_REPORTS");
}
