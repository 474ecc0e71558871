//! In-process tests of the gateway: GraphQL over HTTP (negotiation, status codes, error
//! codes, authentication), the operational endpoints, and — against a tiny in-test
//! requests service on 127.0.0.1:0 that counts its calls — error mapping, DataLoader
//! batching, look-ahead and caller propagation.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use glocal_kit::Settings;
use glocal_kit::caller::{Caller, DevTokens, Role};
use glocal_kit::config::GrpcSettings;
use glocal_kit::shutdown::ShutdownTrigger;
use glocal_proto::common::v1::{LocalizedText, PageInfo};
use glocal_proto::requests::v1 as pb;
use glocal_proto::requests::v1::requests_service_server::{RequestsService, RequestsServiceServer};
use http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tonic::{Response, Status};
use tower::ServiceExt;

const GQL: &str = "application/graphql-response+json";

// ---------------------------------------------------------------- helpers

fn settings(requests_url: &str) -> Settings {
    let mut s = Settings::default();
    s.gateway.requests_url = requests_url.to_owned();
    s.gateway.max_body_bytes = 2048;
    s.gateway.grpc_timeout_ms = 2_000;
    s
}

/// A URL nothing listens on.
async fn closed_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

async fn offline_app() -> Router {
    glocal_gateway::app(&settings(&closed_url().await))
        .await
        .unwrap()
}

fn admin() -> Caller {
    Caller::new("admin", "Admin", "GAOK", [Role::BureauAdmin])
}

fn token(caller: &Caller) -> String {
    let s = Settings::default();
    DevTokens::new(
        s.auth.jwt_secret.expose().as_bytes(),
        &s.auth.issuer,
        &s.auth.audience,
    )
    .mint(caller, Duration::from_secs(300))
}

fn official() -> Caller {
    Caller::new("u-kim", "Kim Official", "11000", [Role::LocalOfficial])
}

fn post(accept: Option<&str>) -> http::request::Builder {
    let mut b = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(accept) = accept {
        b = b.header(header::ACCEPT, accept);
    }
    b
}

fn gql(query: &str, variables: Value, accept: Option<&str>, bearer: Option<&str>) -> Request<Body> {
    let body = json!({ "query": query, "variables": variables }).to_string();
    let mut b = post(accept);
    if let Some(t) = bearer {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(body)).unwrap()
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
    fn codes(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        e["extensions"]["code"]
                            .as_str()
                            .unwrap_or("<none>")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

// ---------------------------------------------------------------- a fake requests service

#[derive(Default)]
struct Recorded {
    batch_local_government_calls: Vec<Vec<String>>,
    include_activity: Vec<bool>,
    callers: Vec<Option<String>>,
    /// How many `BatchGetLocalGovernments` calls still fail with UNAVAILABLE.
    unavailable_batches: usize,
    /// Every `BatchGetLocalGovernments` call, failed or not.
    batch_attempts: usize,
    /// `SubmitRequest` fails with UNAVAILABLE.
    unavailable_submits: bool,
    /// How many `GetRequest` and `ListRequests` calls still fail with UNAVAILABLE.
    unavailable_reads: usize,
    /// Every `GetRequest` and `ListRequests` call, failed or not.
    read_attempts: usize,
}

#[derive(Clone, Default)]
struct Fake(Arc<Mutex<Recorded>>);

const CODES: [&str; 5] = ["11000", "26000", "11000", "27000", "26000"];

fn text(ko: &str, en: &str) -> Option<LocalizedText> {
    Some(LocalizedText {
        ko: ko.into(),
        en: en.into(),
        zh: String::new(),
        ja: String::new(),
    })
}

fn fake_request(i: usize, lg: &str) -> pb::ServiceRequest {
    pb::ServiceRequest {
        id: format!("r{i}"),
        number: format!("OB-2026-{i:06}"),
        r#type: pb::RequestType::InterpretationTranslation as i32,
        title: format!("Request {i}"),
        state: pb::RequestState::StaffAssigned as i32,
        requester: Some(pb::Requester {
            subject: "u-kim".into(),
            name: "Kim".into(),
            local_government_code: lg.into(),
        }),
        // A stale embedded copy: the gateway must use the loader instead.
        local_government: Some(pb::LocalGovernment {
            code: lg.into(),
            name: text("옛이름", "stale"),
            level: String::new(),
            parent_code: String::new(),
        }),
        details: Some(pb::RequestDetails {
            kind: Some(pb::request_details::Kind::InterpretationTranslation(
                pb::InterpretationTranslationDetails {
                    mode: pb::interpretation_translation_details::Mode::Interpretation as i32,
                    source_language: "ko".into(),
                    target_language: "zh".into(),
                    start_date: "2026-05-01".into(),
                    end_date: "2026-05-02".into(),
                    venue: "Seoul City Hall".into(),
                    online: false,
                    document_pages: 0,
                },
            )),
        }),
        created_at: Some(prost_types::Timestamp {
            seconds: 1_780_000_000,
            nanos: 0,
        }),
        version: 3,
        ..Default::default()
    }
}

fn local_government(code: &str) -> pb::LocalGovernment {
    let (ko, en) = match code {
        "11000" => ("서울특별시", "Seoul"),
        "26000" => ("부산광역시", "Busan"),
        _ => ("대구광역시", ""),
    };
    pb::LocalGovernment {
        code: code.into(),
        name: text(ko, en),
        level: "METROPOLITAN".into(),
        parent_code: String::new(),
    }
}

impl Fake {
    fn record_caller<T>(&self, request: &tonic::Request<T>) {
        let sub = request
            .metadata()
            .get("glocal-caller-sub")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        self.0.lock().unwrap().callers.push(sub);
    }

    /// Counts a `GetRequest` or `ListRequests` call; UNAVAILABLE while
    /// `unavailable_reads` lasts.
    fn read_attempt(&self) -> Result<(), Status> {
        let mut recorded = self.0.lock().unwrap();
        recorded.read_attempts += 1;
        if recorded.unavailable_reads > 0 {
            recorded.unavailable_reads -= 1;
            return Err(Status::unavailable("restarting"));
        }
        Ok(())
    }
}

type R<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl RequestsService for Fake {
    async fn submit_request(
        &self,
        request: tonic::Request<pb::SubmitRequestRequest>,
    ) -> R<pb::ServiceRequest> {
        self.record_caller(&request);
        if self.0.lock().unwrap().unavailable_submits {
            return Err(Status::unavailable("restarting"));
        }
        let mut status = Status::invalid_argument("title is required");
        status
            .metadata_mut()
            .insert(glocal_kit::error::FIELD_METADATA, "title".parse().unwrap());
        Err(status)
    }
    async fn get_request(
        &self,
        request: tonic::Request<pb::GetRequestRequest>,
    ) -> R<pb::ServiceRequest> {
        self.record_caller(&request);
        self.read_attempt()?;
        if request.get_ref().id == "r1" {
            Ok(Response::new(fake_request(1, "11000")))
        } else {
            Err(Status::not_found("no such request"))
        }
    }
    async fn batch_get_requests(
        &self,
        _: tonic::Request<pb::BatchGetRequestsRequest>,
    ) -> R<pb::BatchGetRequestsResponse> {
        Err(Status::unimplemented("fake"))
    }
    async fn list_requests(
        &self,
        request: tonic::Request<pb::ListRequestsRequest>,
    ) -> R<pb::ListRequestsResponse> {
        self.record_caller(&request);
        self.read_attempt()?;
        self.0
            .lock()
            .unwrap()
            .include_activity
            .push(request.get_ref().include_activity);
        let requests: Vec<_> = CODES
            .iter()
            .enumerate()
            .map(|(i, lg)| fake_request(i, lg))
            .collect();
        let cursors = (0..requests.len()).map(|i| format!("c{i}")).collect();
        Ok(Response::new(pb::ListRequestsResponse {
            requests,
            cursors,
            page_info: Some(PageInfo {
                end_cursor: "c4".into(),
                has_next_page: true,
            }),
            total_count: 12,
        }))
    }
    async fn send_mid_response(
        &self,
        _: tonic::Request<pb::SendMidResponseRequest>,
    ) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn send_final_response(
        &self,
        _: tonic::Request<pb::SendFinalResponseRequest>,
    ) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn reassign(&self, _: tonic::Request<pb::ReassignRequest>) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn withdraw(&self, _: tonic::Request<pb::WithdrawRequest>) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn reject(&self, _: tonic::Request<pb::RejectRequest>) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn close(&self, request: tonic::Request<pb::CloseRequest>) -> R<pb::ServiceRequest> {
        assert_eq!(request.get_ref().version, 3);
        Err(Status::failed_precondition("stale version"))
    }
    async fn reopen(&self, _: tonic::Request<pb::ReopenRequest>) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn add_note(&self, _: tonic::Request<pb::AddNoteRequest>) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn reply(&self, _: tonic::Request<pb::ReplyRequest>) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn ask_requester(
        &self,
        _: tonic::Request<pb::AskRequesterRequest>,
    ) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn get_business_calendar(
        &self,
        _: tonic::Request<pb::GetBusinessCalendarRequest>,
    ) -> R<pb::BusinessCalendar> {
        Err(Status::unimplemented("fake"))
    }
    async fn set_holiday(&self, _: tonic::Request<pb::SetHolidayRequest>) -> R<pb::Holiday> {
        Err(Status::unimplemented("fake"))
    }
    async fn remove_holiday(&self, _: tonic::Request<pb::RemoveHolidayRequest>) -> R<pb::Holiday> {
        Err(Status::unimplemented("fake"))
    }
    async fn list_sla_policies(
        &self,
        _: tonic::Request<pb::ListSlaPoliciesRequest>,
    ) -> R<pb::ListSlaPoliciesResponse> {
        Err(Status::unimplemented("fake"))
    }
    async fn set_sla_policy(&self, _: tonic::Request<pb::SetSlaPolicyRequest>) -> R<pb::SlaPolicy> {
        Err(Status::unimplemented("fake"))
    }
    async fn get_sla_compliance(
        &self,
        _: tonic::Request<pb::GetSlaComplianceRequest>,
    ) -> R<pb::GetSlaComplianceResponse> {
        Err(Status::unimplemented("fake"))
    }
    async fn get_request_statistics(
        &self,
        _: tonic::Request<pb::GetRequestStatisticsRequest>,
    ) -> R<pb::GetRequestStatisticsResponse> {
        Err(Status::unimplemented("fake"))
    }
    async fn rate_request(
        &self,
        _: tonic::Request<pb::RateRequestRequest>,
    ) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn merge_request(
        &self,
        _: tonic::Request<pb::MergeRequestRequest>,
    ) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn link_requests(
        &self,
        _: tonic::Request<pb::LinkRequestsRequest>,
    ) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn unlink_requests(
        &self,
        _: tonic::Request<pb::LinkRequestsRequest>,
    ) -> R<pb::ServiceRequest> {
        Err(Status::unimplemented("fake"))
    }
    async fn get_survey_statistics(
        &self,
        _: tonic::Request<pb::GetSurveyStatisticsRequest>,
    ) -> R<pb::GetSurveyStatisticsResponse> {
        Err(Status::unimplemented("fake"))
    }
    async fn set_department_lead(
        &self,
        _: tonic::Request<pb::SetDepartmentLeadRequest>,
    ) -> R<pb::Department> {
        Err(Status::unimplemented("fake"))
    }
    async fn list_departments(
        &self,
        _: tonic::Request<pb::ListDepartmentsRequest>,
    ) -> R<pb::ListDepartmentsResponse> {
        Ok(Response::new(pb::ListDepartmentsResponse {
            departments: vec![pb::Department {
                code: "D1".into(),
                name: text("국제교류부", "International Exchange"),
                lead_staff_id: String::new(),
            }],
            staff: vec![
                pb::Staff {
                    id: "s1".into(),
                    name: "Lee".into(),
                    department_code: "D1".into(),
                    active: true,
                    ..Default::default()
                },
                pb::Staff {
                    id: "s2".into(),
                    name: "Park".into(),
                    department_code: "D1".into(),
                    active: false,
                    ..Default::default()
                },
            ],
        }))
    }
    async fn get_caller_staff(
        &self,
        _: tonic::Request<pb::GetCallerStaffRequest>,
    ) -> R<pb::GetCallerStaffResponse> {
        Err(Status::unimplemented("fake"))
    }
    async fn batch_get_local_governments(
        &self,
        request: tonic::Request<pb::BatchGetLocalGovernmentsRequest>,
    ) -> R<pb::BatchGetLocalGovernmentsResponse> {
        let codes = request.into_inner().codes;
        let local_governments = codes.iter().map(|c| local_government(c)).collect();
        let mut recorded = self.0.lock().unwrap();
        recorded.batch_attempts += 1;
        if recorded.unavailable_batches > 0 {
            recorded.unavailable_batches -= 1;
            return Err(Status::unavailable("restarting"));
        }
        recorded.batch_local_government_calls.push(codes);
        Ok(Response::new(pb::BatchGetLocalGovernmentsResponse {
            local_governments,
        }))
    }
    async fn list_local_governments(
        &self,
        _: tonic::Request<pb::ListLocalGovernmentsRequest>,
    ) -> R<pb::ListLocalGovernmentsResponse> {
        Err(Status::unavailable("database down"))
    }
    async fn list_routing_rules(
        &self,
        _: tonic::Request<pb::ListRoutingRulesRequest>,
    ) -> R<pb::ListRoutingRulesResponse> {
        Ok(Response::new(pb::ListRoutingRulesResponse {
            rules: vec![pb::RoutingRule {
                id: 7,
                r#type: pb::RequestType::GeneralInquiry as i32,
                language: String::new(),
                department_code: "D1".into(),
                priority: 10,
            }],
        }))
    }
    async fn set_routing_rule(
        &self,
        _: tonic::Request<pb::SetRoutingRuleRequest>,
    ) -> R<pb::RoutingRule> {
        Err(Status::unimplemented("fake"))
    }
    async fn delete_routing_rule(
        &self,
        _: tonic::Request<pb::DeleteRoutingRuleRequest>,
    ) -> R<pb::DeleteRoutingRuleResponse> {
        Err(Status::unimplemented("fake"))
    }
}

struct FakeService {
    fake: Fake,
    url: String,
    _stop: ShutdownTrigger,
}

async fn fake_service() -> FakeService {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let fake = Fake::default();
    let routes = tonic::service::Routes::new(RequestsServiceServer::new(fake.clone()));
    let (stop, shutdown) = glocal_kit::shutdown::channel();
    tokio::spawn(async move {
        let _ = glocal_kit::grpc::serve(
            listener,
            routes,
            &["glocal.requests.v1.RequestsService"],
            &GrpcSettings::default(),
            shutdown,
        )
        .await;
    });
    FakeService {
        fake,
        url,
        _stop: stop,
    }
}

// ---------------------------------------------------------------- HTTP behaviour

#[tokio::test]
async fn responses_follow_the_accept_header() {
    let app = offline_app().await;
    let r = send(&app, gql("{ __typename }", json!({}), Some(GQL), None)).await;
    assert_eq!((r.status, r.content_type()), (StatusCode::OK, GQL));
    assert_eq!(r.json()["data"]["__typename"], "Query");

    for accept in [Some("application/json"), Some("*/*"), None] {
        let r = send(&app, gql("{ __typename }", json!({}), accept, None)).await;
        assert_eq!(
            (r.status, r.content_type()),
            (StatusCode::OK, "application/json"),
            "{accept:?}"
        );
    }

    let r = send(
        &app,
        gql("{ __typename }", json!({}), Some("text/html"), None),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn request_errors_are_400_only_for_graphql_response_json() {
    let app = offline_app().await;
    let r = send(
        &app,
        gql("{ serviceRequests { nope } ", json!({}), Some(GQL), None),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json().get("data").is_none(),
        "a request error has no data: {}",
        r.text
    );
    assert_eq!(r.codes(), ["BAD_USER_INPUT"]);

    let r = send(
        &app,
        gql(
            "{ serviceRequests { nope } }",
            json!({}),
            Some("application/json"),
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn an_unknown_enum_value_is_bad_user_input() {
    let app = offline_app().await;
    let q = r#"mutation { submitServiceRequest(input: { idempotencyKey: "k", type: NOT_A_TYPE, title: "t", description: "d",
        details: { generalInquiry: { topic: "x" } } }) { id } }"#;
    let r = send(&app, gql(q, json!({}), Some(GQL), None)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"]);

    let q = "query($t: [ServiceRequestType!]) { serviceRequests(filter: { types: $t }) { totalCount } }";
    let r = send(
        &app,
        gql(
            q,
            json!({ "t": ["NOT_A_TYPE"] }),
            Some("application/json"),
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"], "{}", r.text);
}

#[tokio::test]
async fn details_must_name_exactly_one_type() {
    let app = offline_app().await;
    let q = r#"mutation { submitServiceRequest(input: { idempotencyKey: "k", type: GENERAL_INQUIRY, title: "t", description: "d",
        details: { generalInquiry: { topic: "x" }, informationRequest: { topic: "y" } } }) { id } }"#;
    let r = send(&app, gql(q, json!({}), Some("application/json"), None)).await;
    assert_eq!(r.codes(), ["BAD_USER_INPUT"], "{}", r.text);
}

#[tokio::test]
async fn mutations_over_get_are_405_and_queries_work() {
    let app = offline_app().await;
    let uri = "/graphql?query=mutation%7BdeleteRoutingRule(id%3A%221%22)%7D";
    let r = send(&app, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get(header::ALLOW).unwrap(), "POST");

    let uri = "/graphql?query=query%20Q(%24id%3AID!)%7BserviceRequest(id%3A%24id)%7Bid%7D%7D&variables=%7B%22id%22%3A%22r1%22%7D&operationName=Q";
    let r = send(
        &app,
        Request::get(uri)
            .header(header::ACCEPT, GQL)
            .header(
                header::AUTHORIZATION,
                format!("Bearer {}", token(&official())),
            )
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Executed (the service is down, so the field fails on its own).
    assert_eq!(r.json()["data"], json!({ "serviceRequest": null }));
    assert_eq!(r.codes(), ["UNAVAILABLE"]);
}

#[tokio::test]
async fn graphiql_for_browsers() {
    let app = offline_app().await;
    let r = send(
        &app,
        Request::get("/graphql")
            .header(header::ACCEPT, "text/html,*/*;q=0.8")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type().starts_with("text/html"));
    let r = send(&app, Request::get("/graphql").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413() {
    let app = offline_app().await;
    let big = json!({ "query": format!("{{ __typename }} # {}", "x".repeat(4096)) }).to_string();
    let r = send(&app, post(Some(GQL)).body(Body::from(big.clone())).unwrap()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"]);

    // Without Content-Length (a stream) the limit still holds.
    let stream = futures::stream::iter(
        big.into_bytes()
            .chunks(512)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let r = send(&app, post(None).body(Body::from_stream(stream)).unwrap()).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.codes(), ["BAD_USER_INPUT"]);
}

#[tokio::test]
async fn malformed_json_and_missing_query_are_400() {
    let app = offline_app().await;
    for body in ["{\"query\": ", "{\"variables\": {}}", "[1,2]"] {
        let r = send(&app, post(Some(GQL)).body(Body::from(body)).unwrap()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(r.codes(), ["BAD_USER_INPUT"], "{body}");
    }
}

#[tokio::test]
async fn tokens_are_checked() {
    let app = offline_app().await;
    let r = send(
        &app,
        gql("{ me { subject } }", json!({}), None, Some("not-a-token")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.codes(), ["UNAUTHENTICATED"]);

    let r = send(&app, gql("{ me { subject } }", json!({}), None, None)).await;
    assert_eq!(r.json(), json!({ "data": { "me": null } }));

    let t = token(&official());
    let r = send(
        &app,
        gql(
            "{ me { subject name org roles } }",
            json!({}),
            None,
            Some(&t),
        ),
    )
    .await;
    assert_eq!(
        r.json()["data"]["me"],
        json!({ "subject": "u-kim", "name": "Kim Official", "org": "11000", "roles": ["LOCAL_OFFICIAL"] })
    );
}

#[tokio::test]
async fn introspection_can_be_turned_off() {
    let mut s = settings(&closed_url().await);
    s.gateway.introspection = Some(false);
    let app = glocal_gateway::app(&s).await.unwrap();
    let r = send(
        &app,
        gql(
            "{ __schema { queryType { name } } }",
            json!({}),
            Some("application/json"),
            None,
        ),
    )
    .await;
    assert_eq!(r.json()["data"]["__schema"], Value::Null, "{}", r.text);
}

#[tokio::test]
async fn health_metrics_and_readiness_without_the_service() {
    let app = offline_app().await;
    let r = send(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    // Ready (a service that is down fails only its own fields), saying which is unreachable.
    let r = send(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json()["services"]["requests"],
        "UNREACHABLE",
        "{}",
        r.text
    );

    send(
        &app,
        post(None)
            .body(Body::from(
                r#"{"query":"query MetricsProbe { __typename }"}"#,
            ))
            .unwrap(),
    )
    .await;
    let r = send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains("graphql_operations_total"), "{}", r.text);
    assert!(r.text.contains("operation=\"MetricsProbe\""), "{}", r.text);
    assert!(
        r.text.contains("graphql_operation_duration_seconds"),
        "{}",
        r.text
    );
}

#[tokio::test]
async fn an_unreachable_service_fails_only_its_field() {
    let app = offline_app().await;
    let t = token(&official());
    let r = send(
        &app,
        gql(
            "{ me { subject } departments { code } }",
            json!({}),
            Some(GQL),
            Some(&t),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["data"]["me"]["subject"], "u-kim");
    assert_eq!(r.codes(), ["UNAVAILABLE"]);
    assert_eq!(body["errors"][0]["path"], json!(["departments"]));
}

// ---------------------------------------------------------------- against the fake service

#[tokio::test]
async fn readiness_follows_the_service_health() {
    let service = fake_service().await;
    let app = glocal_gateway::app(&settings(&service.url)).await.unwrap();
    let r = send(&app, Request::get("/readyz").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["services"]["requests"], "SERVING", "{}", r.text);
}

#[tokio::test]
async fn a_page_of_requests_loads_local_governments_in_one_call() {
    let service = fake_service().await;
    let app = glocal_gateway::app(&settings(&service.url)).await.unwrap();
    let t = token(&official());
    let q = r#"{ serviceRequests(first: 5) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id number type state version
            localGovernment { code name(lang: KO) en: name level }
            requester { localGovernment { code } }
            details { ... on InterpretationTranslationDetails { mode sourceLanguage startDate venue } } } } } }"#;
    let r = send(&app, gql(q, json!({}), Some(GQL), Some(&t))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    assert!(body.get("errors").is_none(), "{}", r.text);
    let conn = &body["data"]["serviceRequests"];
    assert_eq!(conn["totalCount"], 12);
    assert_eq!(
        conn["pageInfo"],
        json!({ "hasNextPage": true, "endCursor": "c4" })
    );
    let edges = conn["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 5);
    assert_eq!(edges[0]["cursor"], "c0");
    let node = &edges[0]["node"];
    assert_eq!(node["type"], "INTERPRETATION_TRANSLATION");
    assert_eq!(node["state"], "STAFF_ASSIGNED");
    assert_eq!(node["version"], 3);
    assert_eq!(
        node["localGovernment"],
        json!({ "code": "11000", "name": "서울특별시", "en": "Seoul", "level": "METROPOLITAN" })
    );
    assert_eq!(
        node["details"],
        json!({ "mode": "INTERPRETATION", "sourceLanguage": "ko", "startDate": "2026-05-01", "venue": "Seoul City Hall" })
    );
    // Daegu has no English name: English falls back to Korean.
    assert_eq!(edges[3]["node"]["localGovernment"]["en"], "대구광역시");

    let recorded = service.fake.0.lock().unwrap();
    assert_eq!(
        recorded.batch_local_government_calls.len(),
        1,
        "{:?}",
        recorded.batch_local_government_calls
    );
    let mut codes = recorded.batch_local_government_calls[0].clone();
    codes.sort();
    assert_eq!(codes, ["11000", "26000", "27000"]);
    assert_eq!(recorded.include_activity, [false]);
    assert_eq!(recorded.callers, [Some("u-kim".to_owned())]);
}

#[tokio::test]
async fn activity_is_asked_for_only_when_selected() {
    let service = fake_service().await;
    let app = glocal_gateway::app(&settings(&service.url)).await.unwrap();
    let q = "{ serviceRequests { edges { node { ...N } } } } fragment N on ServiceRequest { history { action } }";
    let r = send(&app, gql(q, json!({}), None, Some(&token(&official())))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(service.fake.0.lock().unwrap().include_activity, [true]);
}

#[tokio::test]
async fn accept_language_sets_the_default_language() {
    let service = fake_service().await;
    let app = glocal_gateway::app(&settings(&service.url)).await.unwrap();
    let mut request = gql(
        "{ departments { code name staff { id name active } } }",
        json!({}),
        None,
        Some(&token(&official())),
    );
    request.headers_mut().insert(
        header::ACCEPT_LANGUAGE,
        "ko-KR,ko;q=0.9,en;q=0.8".parse().unwrap(),
    );
    let r = send(&app, request).await;
    assert_eq!(
        r.json()["data"]["departments"],
        json!([{ "code": "D1", "name": "국제교류부", "staff": [
            { "id": "s1", "name": "Lee", "active": true }, { "id": "s2", "name": "Park", "active": false }] }])
    );
}

#[tokio::test]
async fn service_errors_keep_their_code_and_field() {
    let service = fake_service().await;
    let app = glocal_gateway::app(&settings(&service.url)).await.unwrap();
    let t = token(&official());

    let r = send(
        &app,
        gql(
            r#"{ serviceRequest(id: "missing") { id } me { subject } }"#,
            json!({}),
            Some(GQL),
            Some(&t),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(
        body["data"],
        json!({ "serviceRequest": null, "me": { "subject": "u-kim" } })
    );
    assert_eq!(r.codes(), ["NOT_FOUND"]);

    let q = r#"mutation($d: ServiceRequestDetailsInput!) { submitServiceRequest(input: { idempotencyKey: "k", type: GENERAL_INQUIRY,
        title: "", description: "d", details: $d }) { id } }"#;
    let r = send(
        &app,
        gql(
            q,
            json!({ "d": { "generalInquiry": { "topic": "x" } } }),
            Some(GQL),
            Some(&t),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let error = &r.json()["errors"][0];
    assert_eq!(
        error["extensions"],
        json!({ "code": "BAD_USER_INPUT", "field": "title" })
    );
    assert_eq!(error["message"], "title is required");

    let r = send(
        &app,
        gql(
            r#"mutation { closeServiceRequest(input: { id: "r1", version: 3 }) { id } }"#,
            json!({}),
            None,
            Some(&t),
        ),
    )
    .await;
    assert_eq!(r.codes(), ["CONFLICT"]);

    let r = send(&app, gql("{ localGovernments { code } routingRules { id type departmentCode department { code } } }", json!({}), None, Some(&token(&admin())))).await;
    let body = r.json();
    assert_eq!(r.codes(), ["UNAVAILABLE"]);
    assert_eq!(
        body["data"]["routingRules"],
        json!([{ "id": "7", "type": "GENERAL_INQUIRY", "departmentCode": "D1", "department": { "code": "D1" } }])
    );
}

#[tokio::test]
async fn one_request_with_its_details() {
    let service = fake_service().await;
    let app = glocal_gateway::app(&settings(&service.url)).await.unwrap();
    let q = r#"{ serviceRequest(id: "r1") { id title createdAt localGovernment { name(lang: EN) } department { code } assignee { id } routing } }"#;
    let r = send(&app, gql(q, json!({}), None, Some(&token(&official())))).await;
    assert_eq!(
        r.json(),
        json!({ "data": { "serviceRequest": { "id": "r1", "title": "Request 1", "createdAt": "2026-05-28T20:26:40.000Z",
            "localGovernment": { "name": "Seoul" }, "department": null, "assignee": null, "routing": null } } })
    );
}

#[tokio::test]
async fn unavailable_reads_are_retried_and_writes_are_not() {
    let service = fake_service().await;
    let mut s = settings(&service.url);
    s.gateway.retry_backoff_ms = 1;
    let t = token(&official());
    let q = "{ serviceRequests(first: 5) { edges { node { localGovernment { code } } } } }";

    // Two failures, then an answer: within the two retries.
    service.fake.0.lock().unwrap().unavailable_batches = 2;
    let app = glocal_gateway::app(&s).await.unwrap();
    let r = send(&app, gql(q, json!({}), None, Some(&t))).await;
    assert!(r.json().get("errors").is_none(), "{}", r.text);
    assert_eq!(
        r.json()["data"]["serviceRequests"]["edges"][0]["node"]["localGovernment"]["code"],
        "11000"
    );
    assert_eq!(service.fake.0.lock().unwrap().batch_attempts, 3);

    // Three failures: the read gives up after its retries and only its fields fail.
    {
        let mut recorded = service.fake.0.lock().unwrap();
        recorded.unavailable_batches = 3;
        recorded.batch_attempts = 0;
    }
    let app = glocal_gateway::app(&s).await.unwrap();
    let r = send(&app, gql(q, json!({}), None, Some(&t))).await;
    assert!(r.codes().iter().all(|c| c == "UNAVAILABLE"), "{}", r.text);
    assert_eq!(service.fake.0.lock().unwrap().batch_attempts, 3);

    // A write that meets UNAVAILABLE is sent once.
    {
        let mut recorded = service.fake.0.lock().unwrap();
        recorded.unavailable_submits = true;
        recorded.callers.clear();
    }
    let submit = r#"mutation { submitServiceRequest(input: { idempotencyKey: "k", type: GENERAL_INQUIRY,
        title: "t", description: "d", details: { generalInquiry: { topic: "x" } } }) { id } }"#;
    let r = send(&app, gql(submit, json!({}), None, Some(&t))).await;
    assert_eq!(r.codes(), ["UNAVAILABLE"], "{}", r.text);
    assert_eq!(service.fake.0.lock().unwrap().callers.len(), 1);
}

#[tokio::test]
async fn resolver_reads_are_retried_too() {
    let service = fake_service().await;
    let mut s = settings(&service.url);
    s.gateway.read_retries = 2;
    s.gateway.retry_backoff_ms = 1;
    let t = token(&official());
    let app = glocal_gateway::app(&s).await.unwrap();

    // `serviceRequest(id)` (GetRequest): two failures, then an answer.
    service.fake.0.lock().unwrap().unavailable_reads = 2;
    let q = r#"{ serviceRequest(id: "r1") { id title } }"#;
    let r = send(&app, gql(q, json!({}), None, Some(&t))).await;
    assert!(r.json().get("errors").is_none(), "{}", r.text);
    assert_eq!(
        r.json()["data"]["serviceRequest"],
        json!({ "id": "r1", "title": "Request 1" })
    );
    assert_eq!(service.fake.0.lock().unwrap().read_attempts, 3);

    // `serviceRequests` (ListRequests): two failures, then the page.
    {
        let mut recorded = service.fake.0.lock().unwrap();
        recorded.unavailable_reads = 2;
        recorded.read_attempts = 0;
    }
    let q = "{ serviceRequests(first: 5) { totalCount } }";
    let r = send(&app, gql(q, json!({}), None, Some(&t))).await;
    assert!(r.json().get("errors").is_none(), "{}", r.text);
    assert_eq!(r.json()["data"]["serviceRequests"]["totalCount"], 12);
    assert_eq!(service.fake.0.lock().unwrap().read_attempts, 3);

    // More failures than retries: UNAVAILABLE after one call and two retries.
    for q in [
        r#"{ serviceRequest(id: "r1") { id } }"#,
        "{ serviceRequests(first: 5) { totalCount } }",
    ] {
        {
            let mut recorded = service.fake.0.lock().unwrap();
            recorded.unavailable_reads = 3;
            recorded.read_attempts = 0;
        }
        let r = send(&app, gql(q, json!({}), None, Some(&t))).await;
        assert_eq!(r.codes(), ["UNAVAILABLE"], "{q}: {}", r.text);
        assert_eq!(service.fake.0.lock().unwrap().read_attempts, 3, "{q}");
    }
}
