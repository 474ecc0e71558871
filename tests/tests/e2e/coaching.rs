//! Coaching on international exchange end to end (ADR 0050): a foreign advisor of the
//! partner network registered as a coach (the gateway refuses an unknown organisation, one
//! that is not a FOREIGN_ADVISOR and an unknown area, writing nothing); an engagement of a
//! district in an edition of a COACHING programme (the gateway looks the level up in the
//! directory and the training service refuses an upper-tier local government); the whole
//! lifecycle to a delivered plan and its document (ADR 0054); and who reads what.

use glocal_e2e::{Gql, Stack, count_rows_in, spawn_stack};
use serde_json::{Value, json};

const ENGAGEMENT: &str = "id status version theme localGovernmentCode localGovernmentLevel
  localGovernment { code } coachId coach { id areaCodes languages note organisation { id } }
  sessions { startsAt endsAt place online notes }
  plan { area method content alternatives } cancelReason deliveredAt edition { id term }";

fn reason(g: &Gql) -> &str {
    g.body["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("no reason in {:#}", g.body))
}

async fn mutate(stack: &Stack, token: &str, name: &str, ty: &str, input: Value) -> Gql {
    let q = format!("mutation($i: {ty}!) {{ {name}(input: $i) {{ {ENGAGEMENT} }} }}");
    stack.gql(Some(token), &q, json!({ "i": input })).await
}

async fn organisation(stack: &Stack, staff: &str, key: &str, kind: &str) -> String {
    let r = stack
        .gql(
            Some(staff),
            "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }",
            json!({ "i": { "idempotencyKey": key, "kind": kind,
                "name": { "en": "Hanoi Institute for Urban Exchange" }, "originalLanguage": "EN",
                "country": "VN", "languages": ["vi", "en"], "public": true } }),
        )
        .await;
    r.data()["createOrganisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A published edition of a new COACHING programme, by id.
async fn coaching_edition(stack: &Stack, admin: &str) -> String {
    let p = stack
        .gql(
            Some(admin),
            "mutation($i: CreateProgrammeInput!) { createProgramme(input: $i) { id } }",
            json!({ "i": { "idempotencyKey": "coaching", "kind": "COACHING",
                "title": { "en": "Coaching Service on International Exchange" }, "published": true } }),
        )
        .await;
    let e = stack
        .gql(
            Some(admin),
            "mutation($i: CreateEditionInput!) { createEdition(input: $i) { id } }",
            json!({ "i": { "idempotencyKey": "coaching-2100-1",
                "programmeId": p.data()["createProgramme"]["id"], "term": "2100-1",
                "startsOn": "2100-04-01", "endsOn": "2100-06-30",
                "applicationsOpenOn": "2000-01-01", "applicationsCloseOn": "2100-03-31",
                "capacity": 10, "languages": ["ko"], "published": true } }),
        )
        .await;
    e.data()["createEdition"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn coaching_from_advisor_to_delivered_plan() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let staff = stack.staff("staff-coaching");
    let jongno = stack.official("official-jongno", "11110");
    let seoul = stack.official("official-seoul", "11000");
    let advisor = organisation(&stack, &staff, "advisor", "FOREIGN_ADVISOR").await;
    let city = organisation(&stack, &staff, "city", "FOREIGN_LOCAL_GOVERNMENT").await;
    let edition = coaching_edition(&stack, &admin).await;

    // The coach's organisation and areas are checked by the gateway; nothing is written.
    let register = "mutation($i: RegisterCoachInput!) { registerCoach(input: $i) {
        id areaCodes areas { code } languages note organisation { id kind } } }";
    let coaches = || count_rows_in(&stack.training_db, "coach");
    for (org, areas, why, field) in [
        (
            "00000000-0000-4000-8000-000000000009",
            vec!["women_youth"],
            "UNKNOWN_ORGANISATION",
            "organisationId",
        ),
        (
            city.as_str(),
            vec!["women_youth"],
            "NOT_A_FOREIGN_ADVISOR",
            "organisationId",
        ),
        (
            advisor.as_str(),
            vec!["women_youth", "space_travel"],
            "UNKNOWN_RESEARCH_AREA",
            "areaCodes[1]",
        ),
    ] {
        let r = stack
            .gql(
                Some(&staff),
                register,
                json!({ "i": { "organisationId": org, "areaCodes": areas } }),
            )
            .await;
        assert_eq!(
            (r.error_code(), reason(&r)),
            ("BAD_USER_INPUT", why),
            "{:#}",
            r.body
        );
        assert_eq!(r.body["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(coaches().await, 0);
    let r = stack
        .gql(
            Some(&staff),
            register,
            json!({ "i": { "organisationId": advisor, "areaCodes": ["women_youth", "cultural_tourism"],
                "note": "300,000 KRW per session" } }),
        )
        .await;
    let coach = r.data()["registerCoach"].clone();
    assert_eq!(coach["languages"], json!(["vi", "en"]));
    assert_eq!(coach["organisation"]["kind"], "FOREIGN_ADVISOR");
    assert_eq!(coach["areas"][1]["code"], "cultural_tourism");
    let again = stack
        .gql(
            Some(&staff),
            register,
            json!({ "i": { "organisationId": advisor, "areaCodes": ["women_youth"] } }),
        )
        .await;
    assert_eq!(
        (again.error_code(), reason(&again)),
        ("CONFLICT", "COACH_EXISTS")
    );

    // Eligibility by level: the directory's level, the training service's rule.
    let create = |code: &str| {
        json!({ "editionId": edition, "localGovernmentCode": code,
            "theme": "Finding a partner city in Vietnam" })
    };
    let engagements = || count_rows_in(&stack.training_db, "coaching_engagement");
    for (code, status, why) in [
        ("11000", "BAD_USER_INPUT", "NOT_A_BASIC_LOCAL_GOVERNMENT"),
        ("99999", "BAD_USER_INPUT", "UNKNOWN_LOCAL_GOVERNMENT"),
    ] {
        let r = mutate(
            &stack,
            &staff,
            "createCoachingEngagement",
            "CreateCoachingEngagementInput",
            create(code),
        )
        .await;
        assert_eq!((r.error_code(), reason(&r)), (status, why), "{:#}", r.body);
    }
    let said = mutate(
        &stack,
        &staff,
        "createCoachingEngagement",
        "CreateCoachingEngagementInput",
        create("11000"),
    )
    .await;
    assert!(
        said.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cities, counties and districts"),
        "{:#}",
        said.body
    );
    assert_eq!(engagements().await, 0);
    // Officials do not create engagements, not even their own.
    let r = mutate(
        &stack,
        &jongno,
        "createCoachingEngagement",
        "CreateCoachingEngagementInput",
        create("11110"),
    )
    .await;
    assert_eq!(r.error_code(), "FORBIDDEN");

    let r = mutate(
        &stack,
        &staff,
        "createCoachingEngagement",
        "CreateCoachingEngagementInput",
        create("11110"),
    )
    .await;
    let e = r.data()["createCoachingEngagement"].clone();
    assert_eq!(e["status"], "PLANNED");
    assert_eq!(e["localGovernmentLevel"], "DISTRICT");
    assert_eq!(e["localGovernment"]["code"], "11110");
    assert_eq!(e["edition"]["id"], edition.as_str());
    let twice = mutate(
        &stack,
        &staff,
        "createCoachingEngagement",
        "CreateCoachingEngagementInput",
        create("11110"),
    )
    .await;
    assert_eq!(
        (twice.error_code(), reason(&twice)),
        ("CONFLICT", "COACHING_ENGAGEMENT_EXISTS")
    );
    let id = e["id"].clone();

    // No coach, no start.
    let start = |version: &Value| json!({ "id": id, "version": version, "status": "IN_PROGRESS" });
    let r = mutate(
        &stack,
        &staff,
        "moveCoachingEngagement",
        "MoveCoachingEngagementInput",
        start(&e["version"]),
    )
    .await;
    assert_eq!((r.error_code(), reason(&r)), ("CONFLICT", "COACH_REQUIRED"));
    let r = mutate(
        &stack,
        &staff,
        "assignCoach",
        "AssignCoachInput",
        json!({ "id": id, "version": e["version"], "coachId": coach["id"] }),
    )
    .await;
    let e = r.data()["assignCoach"].clone();
    assert_eq!(e["coach"]["note"], "300,000 KRW per session");
    let r = mutate(
        &stack,
        &staff,
        "moveCoachingEngagement",
        "MoveCoachingEngagementInput",
        start(&e["version"]),
    )
    .await;
    let e = r.data()["moveCoachingEngagement"].clone();
    assert_eq!(e["status"], "IN_PROGRESS");
    let r = mutate(
        &stack,
        &staff,
        "addCoachingSession",
        "AddCoachingSessionInput",
        json!({ "id": id, "version": e["version"], "startsAt": "2100-04-14T05:00:00Z",
            "endsAt": "2100-04-14T07:00:00Z", "online": true, "notes": "Goals for 2101" }),
    )
    .await;
    let e = r.data()["addCoachingSession"].clone();
    assert_eq!(e["sessions"][0]["online"], true);
    assert_eq!(e["sessions"][0]["place"], Value::Null);
    let plan = json!({ "id": id, "version": e["version"], "area": "Youth exchange",
        "method": "Online classes, then a summer visit", "content": "Two middle schools per side",
        "alternatives": ["Sports exchange", "Festival booths"] });
    // A stale version changes nothing.
    let mut stale_plan = plan.clone();
    stale_plan["version"] = json!(1);
    let stale = mutate(
        &stack,
        &staff,
        "deliverCoachingPlan",
        "DeliverCoachingPlanInput",
        stale_plan,
    )
    .await;
    assert_eq!(stale.error_code(), "CONFLICT");
    let r = mutate(
        &stack,
        &staff,
        "deliverCoachingPlan",
        "DeliverCoachingPlanInput",
        plan,
    )
    .await;
    let e = r.data()["deliverCoachingPlan"].clone();
    assert_eq!(e["status"], "PLAN_DELIVERED");
    assert_eq!(
        e["plan"]["alternatives"],
        json!(["Sports exchange", "Festival booths"])
    );

    // The district's officials read their engagement, without the coach's private note;
    // Seoul's do not see it; staff see everything.
    let read = format!("query($id: ID!) {{ coachingEngagement(id: $id) {{ {ENGAGEMENT} }} }}");
    let mine = stack.gql(Some(&jongno), &read, json!({ "id": id })).await;
    let mine = mine.data()["coachingEngagement"].clone();
    assert_eq!(mine["plan"]["area"], "Youth exchange");
    assert_eq!(mine["coach"]["note"], Value::Null);
    assert_eq!(mine["coach"]["languages"], json!(["vi", "en"]));
    let other = stack.gql(Some(&seoul), &read, json!({ "id": id })).await;
    assert_eq!(other.data()["coachingEngagement"], Value::Null);
    let list = "query { coachingEngagements { totalCount edges { node { id coach { note } } } } }";
    let theirs = stack.gql(Some(&seoul), list, json!({})).await;
    assert_eq!(theirs.data()["coachingEngagements"]["totalCount"], 0);
    let all = stack.gql(Some(&staff), list, json!({})).await;
    assert_eq!(
        all.data()["coachingEngagements"]["edges"][0]["node"]["coach"]["note"],
        "300,000 KRW per session"
    );
    let anonymous = stack.gql(None, list, json!({})).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    let coaches = stack
        .gql(Some(&jongno), "query { coaches { id } }", json!({}))
        .await;
    assert_eq!(coaches.error_code(), "FORBIDDEN");

    // The plan as a document: staff attach it after delivery, the district's officials
    // fetch it, nobody else sees or attaches one.
    let upload = "mutation($i: CreateCoachingPlanFileUploadInput!) { createCoachingPlanFileUpload(input: $i) { url maxBytes } }";
    let link = |token: String, engagement: Value| {
        let stack = &stack;
        async move {
            stack
                .gql(
                    Some(&token),
                    upload,
                    json!({ "i": { "engagementId": engagement, "fileName": "plan-2100.pdf" } }),
                )
                .await
        }
    };
    assert_eq!(
        link(jongno.clone(), id.clone()).await.error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        link(seoul.clone(), id.clone()).await.error_code(),
        "FORBIDDEN"
    );
    let nothing = json!("00000000-0000-4000-8000-000000000000");
    assert_eq!(link(staff.clone(), nothing).await.error_code(), "NOT_FOUND");
    let l = link(staff.clone(), id.clone()).await;
    let url = l.data()["createCoachingPlanFileUpload"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, kept) = crate::files::put(&stack, &url, crate::files::pdf_stream(70_000)).await;
    assert_eq!(status, 201, "{kept:#}");
    let documents = "query($id: ID!) { coachingEngagement(id: $id) { planDocuments { fileName sizeBytes mediaType uploadedBy { subject } downloadUrl } } }";
    let theirs = stack
        .gql(Some(&jongno), documents, json!({ "id": id }))
        .await;
    let files = theirs.data()["coachingEngagement"]["planDocuments"].clone();
    assert_eq!(files.as_array().unwrap().len(), 1, "{files:#}");
    assert_eq!(
        (
            &files[0]["fileName"],
            &files[0]["sizeBytes"],
            &files[0]["mediaType"]
        ),
        (
            &json!("plan-2100.pdf"),
            &json!(70_000),
            &json!("application/pdf")
        )
    );
    let got = stack
        .http()
        .get(files[0]["downloadUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.bytes().await.unwrap().len(), 70_000);
    // Seoul's officials see no engagement, so no document and no link to one.
    let other = stack
        .gql(Some(&seoul), documents, json!({ "id": id }))
        .await;
    assert_eq!(other.data()["coachingEngagement"], Value::Null);
    // The document's row sits in the training service's one file table.
    assert_eq!(
        count_rows_in(&stack.training_db, "application_file").await,
        1
    );

    // A cancelled engagement takes no plan document, and nothing is kept.
    let r = mutate(
        &stack,
        &staff,
        "createCoachingEngagement",
        "CreateCoachingEngagementInput",
        create("11140"),
    )
    .await;
    let jung = r.data()["createCoachingEngagement"].clone();
    let r = mutate(
        &stack,
        &staff,
        "moveCoachingEngagement",
        "MoveCoachingEngagementInput",
        json!({ "id": jung["id"], "version": jung["version"], "status": "CANCELLED",
            "reason": "The district withdrew" }),
    )
    .await;
    assert_eq!(r.data()["moveCoachingEngagement"]["status"], "CANCELLED");
    let refused = link(staff.clone(), jung["id"].clone()).await;
    assert_eq!(
        (refused.error_code(), reason(&refused)),
        ("CONFLICT", "COACHING_CANCELLED")
    );
    assert_eq!(
        count_rows_in(&stack.training_db, "application_file").await,
        1
    );
}

#[tokio::test]
async fn the_demo_coach_is_the_networks_advisor() {
    let stack = glocal_e2e::spawn_demo_stack().await;
    let admin = stack.admin();
    let r = stack
        .gql(
            Some(&admin),
            "query { coachingEngagements(filter: { statuses: [PLAN_DELIVERED] }) { totalCount
                edges { node { localGovernmentCode plan { alternatives }
                  coach { languages areaCodes organisation { kind } } } } } }",
            json!({}),
        )
        .await;
    let page = r.data()["coachingEngagements"].clone();
    assert_eq!(page["totalCount"], 1, "{page:#}");
    let node = &page["edges"][0]["node"];
    assert_eq!(node["localGovernmentCode"], "41110");
    assert_eq!(node["coach"]["organisation"]["kind"], "FOREIGN_ADVISOR");
    let languages = node["coach"]["languages"].as_array().unwrap();
    assert!(languages.contains(&json!("en")), "{languages:?}");
    assert_eq!(node["plan"]["alternatives"].as_array().unwrap().len(), 2);
}
