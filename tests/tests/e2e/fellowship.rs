//! The invitation fellowship (K2H, ADR 0051) through the gateway: the applicant's foreign
//! local government looked up in the research service's partner network (unknown or of
//! another kind refused before anything is written), a current relationship passing, one
//! the applicant cannot see held until staff confirm it, host local governments checked
//! against the directory and the edition, and cost shares feeding the stipend schedule and
//! the participants' costs that staff and the host's officials see.

use glocal_e2e::{Gql, Stack, count_rows_in, spawn_stack};
use glocal_kit::{Caller, Role};
use serde_json::{Value, json};

use crate::training::{foreign_official, profile};

const APPLICATION: &str = "id state version relationship partnerOrganisationId
    partnerOrganisation { id kind name(lang: EN) }
    history { action note actorSubject }";

fn reason(g: &Gql) -> &str {
    g.body["errors"][0]["extensions"]["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("no reason in {:#}", g.body))
}

fn field(g: &Gql) -> &str {
    g.body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_else(|| panic!("no field in {:#}", g.body))
}

/// A public organisation of the partner network; answers its id.
async fn organisation(stack: &Stack, key: &str, kind: &str, city: &str) -> String {
    let made = stack
        .gql(
            Some(&stack.admin()),
            "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }",
            json!({ "i": {
                "idempotencyKey": key, "kind": kind,
                "name": { "en": city }, "originalLanguage": "EN",
                "country": "VN", "city": city, "public": true,
            } }),
        )
        .await;
    made.data()["createOrganisation"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn relate(stack: &Stack, key: &str, code: &str, org: &str, status: &str) {
    let made = stack
        .gql(
            Some(&stack.admin()),
            "mutation($i: CreateRelationshipInput!) { createRelationship(input: $i) { id } }",
            json!({ "i": {
                "idempotencyKey": key, "kind": "FRIENDSHIP_CITY",
                "localGovernmentCode": code, "partnerOrganisationId": org, "status": status,
            } }),
        )
        .await;
    made.data();
}

/// A K2H edition (window always open) with the bureau's split as cost shares.
async fn k2h(stack: &Stack, hosts: &[&str]) -> Gql {
    let admin = stack.admin();
    let p = stack
        .gql(
            Some(&admin),
            "mutation($i: CreateProgrammeInput!) { createProgramme(input: $i) { id } }",
            json!({ "i": {
                "idempotencyKey": "k2h-shares", "kind": "INVITATION_FELLOWSHIP",
                "title": { "en": "K2H" }, "published": true,
            } }),
        )
        .await;
    let share = |payer: &str, item: &str, amount: i64, frequency: &str| {
        json!({ "payer": payer, "item": item, "amountMinor": amount, "currency": "KRW",
                "frequency": frequency })
    };
    stack
        .gql(
            Some(&admin),
            "mutation($i: CreateEditionInput!) { createEdition(input: $i) {
                id costPolicy {
                  shares { payer item frequency amount { amountMinor currency } }
                  stipends { payer monthly { amountMinor } } } } }",
            json!({ "i": {
                "idempotencyKey": format!("k2h-shares-{}", hosts.join("-")),
                "programmeId": p.data()["createProgramme"]["id"],
                "term": "2100", "startsOn": "2100-04-01", "endsOn": "2100-09-30",
                "applicationsOpenOn": "2000-01-01", "applicationsCloseOn": "2100-03-31",
                "capacity": 60, "languages": ["en"],
                "eligibility": { "organisationTypes": ["FOREIGN_LOCAL_GOVERNMENT"], "nationality": "FOREIGN" },
                "shares": [
                    share("ASSOCIATION", "PRE_TRAINING", 1_200_000, "ONE_OFF"),
                    share("ASSOCIATION", "INSURANCE", 350_000, "ONE_OFF"),
                    share("ASSOCIATION", "LIVING_EXPENSES", 400_000, "MONTHLY"),
                    share("HOST_LOCAL_GOVERNMENT", "ACCOMMODATION", 650_000, "MONTHLY"),
                    share("HOST_LOCAL_GOVERNMENT", "LIVING_EXPENSES", 400_000, "MONTHLY"),
                ],
                "hostCodes": hosts, "published": true,
            } }),
        )
        .await
}

async fn apply(
    stack: &Stack,
    token: &str,
    key: &str,
    edition: &Value,
    partner: Option<&str>,
) -> Gql {
    let q = format!(
        "mutation($i: SubmitApplicationInput!) {{ submitApplication(input: $i) {{ {APPLICATION} }} }}"
    );
    stack
        .gql(
            Some(token),
            &q,
            json!({ "i": {
                "idempotencyKey": key, "editionId": edition, "profile": profile("Lan"),
                "partnerOrganisationId": partner,
            } }),
        )
        .await
}

async fn act(stack: &Stack, token: &str, name: &str, ty: &str, input: Value) -> Gql {
    let q = format!("mutation($i: {ty}!) {{ {name}(input: $i) {{ {APPLICATION} }} }}");
    stack.gql(Some(token), &q, json!({ "i": input })).await
}

async fn screen(stack: &Stack, app: &Value, outcome: &str) -> Gql {
    act(
        stack,
        &stack.admin(),
        "screenApplication",
        "ScreenApplicationInput",
        json!({ "id": app["id"], "version": app["version"], "outcome": outcome }),
    )
    .await
}

#[tokio::test]
async fn a_fellowship_checks_the_partner_network_and_staff_confirm_what_it_does_not_show() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let danang = organisation(&stack, "danang", "FOREIGN_LOCAL_GOVERNMENT", "Da Nang").await;
    relate(&stack, "busan-danang", "26000", &danang, "ACTIVE").await;
    let vientiane =
        organisation(&stack, "vientiane", "FOREIGN_LOCAL_GOVERNMENT", "Vientiane").await;
    // Under negotiation: bureau staff and Seoul see it, the applicant does not.
    relate(&stack, "seoul-vientiane", "11000", &vientiane, "PROPOSED").await;
    let institute = organisation(&stack, "institute", "ACADEMIA", "Hanoi").await;

    // Hosts are Korean local governments of the directory.
    let bad = k2h(&stack, &["26000", "99999"]).await;
    assert_eq!(
        (bad.error_code(), reason(&bad), field(&bad)),
        ("BAD_USER_INPUT", "UNKNOWN_LOCAL_GOVERNMENT", "hostCodes[1]")
    );
    let e = k2h(&stack, &["26000", "11000"]).await;
    let edition = e.data()["createEdition"].clone();
    assert_eq!(edition["costPolicy"]["shares"].as_array().unwrap().len(), 5);
    assert_eq!(
        edition["costPolicy"]["stipends"],
        json!([
            { "payer": "ASSOCIATION", "monthly": { "amountMinor": 400000 } },
            { "payer": "HOST_LOCAL_GOVERNMENT", "monthly": { "amountMinor": 400000 } },
        ])
    );
    let id = &edition["id"];

    // An organisation the network does not have, or not a foreign local government:
    // refused with a stable reason, nothing written.
    let lan = foreign_official(&stack, "lan");
    let before = count_rows_in(&stack.training_db, "application").await;
    let unknown = "00000000-0000-4000-8000-00000000beef";
    let r = apply(&stack, &lan, "a1", id, Some(unknown)).await;
    assert_eq!(
        (r.error_code(), reason(&r), field(&r)),
        (
            "BAD_USER_INPUT",
            "UNKNOWN_ORGANISATION",
            "partnerOrganisationId"
        )
    );
    let r = apply(&stack, &lan, "a2", id, Some(&institute)).await;
    assert_eq!(reason(&r), "NOT_FOREIGN_LOCAL_GOVERNMENT");
    assert_eq!(
        count_rows_in(&stack.training_db, "application").await,
        before
    );

    // Da Nang and Busan are sister cities already: a current relationship passes.
    let r = apply(&stack, &lan, "a3", id, Some(&danang)).await;
    let current = r.data()["submitApplication"].clone();
    assert_eq!(current["relationship"], "CURRENT");
    assert_eq!(current["partnerOrganisation"]["name"], "Da Nang");

    // Vientiane's MOU with Seoul is not visible to its applicant: held.
    let souk = stack.token(&Caller::new(
        "souk",
        "Souksavanh",
        "LA-VT",
        [Role::LocalOfficial],
    ));
    let r = apply(&stack, &souk, "b1", id, Some(&vientiane)).await;
    let held = r.data()["submitApplication"].clone();
    assert_eq!(held["relationship"], "UNCONFIRMED");
    let held = screen(&stack, &held, "START").await.data()["screenApplication"].clone();
    let before = count_rows_in(&stack.training_db, "history").await;
    let r = screen(&stack, &held, "PASS").await;
    assert_eq!(
        (r.error_code(), reason(&r)),
        ("CONFLICT", "RELATIONSHIP_UNCONFIRMED")
    );
    assert_eq!(count_rows_in(&stack.training_db, "history").await, before);

    // The applicant may not confirm; staff do, with a note, and see the negotiation.
    let confirm = |token: String, note: &str| {
        let input = json!({ "id": held["id"], "version": held["version"], "note": note });
        let stack = &stack;
        async move {
            act(
                stack,
                &token,
                "confirmRelationship",
                "ConfirmRelationshipInput",
                input,
            )
            .await
        }
    };
    let r = confirm(souk.clone(), "we are friends").await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = confirm(admin.clone(), "").await;
    assert_eq!((r.error_code(), field(&r)), ("BAD_USER_INPUT", "note"));
    let r = confirm(
        admin.clone(),
        "Seoul confirms the MOU talks (letter of 2 March).",
    )
    .await;
    let confirmed = r.data()["confirmRelationship"].clone();
    assert_eq!(confirmed["relationship"], "INTENDED");
    let last = confirmed["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "confirm_relationship");
    assert_eq!(
        last["note"],
        "Seoul confirms the MOU talks (letter of 2 March)."
    );
    let r = confirm(admin.clone(), "again").await;
    assert_eq!(reason(&r), "RELATIONSHIP_NOT_HELD");
    let passed = screen(&stack, &confirmed, "PASS").await;
    assert_eq!(passed.data()["screenApplication"]["state"], "UNDER_REVIEW");

    // Another programme takes no partner organisation.
    let p = stack
        .gql(
            Some(&admin),
            "mutation($i: CreateProgrammeInput!) { createProgramme(input: $i) { id } }",
            json!({ "i": {
                "idempotencyKey": "academy", "kind": "ACADEMY",
                "title": { "en": "Academy" }, "published": true,
            } }),
        )
        .await;
    let a = stack
        .gql(
            Some(&admin),
            "mutation($i: CreateEditionInput!) { createEdition(input: $i) { id } }",
            json!({ "i": {
                "idempotencyKey": "academy-2100", "programmeId": p.data()["createProgramme"]["id"],
                "term": "2100-1", "startsOn": "2100-05-01", "endsOn": "2100-05-31",
                "applicationsOpenOn": "2000-01-01", "applicationsCloseOn": "2100-04-30",
                "capacity": 10, "languages": ["en"], "published": true,
            } }),
        )
        .await;
    let academy = a.data()["createEdition"]["id"].clone();
    let r = apply(&stack, &lan, "c1", &academy, Some(&danang)).await;
    assert_eq!(
        (r.error_code(), field(&r)),
        ("BAD_USER_INPUT", "partnerOrganisationId")
    );
}

const COSTS: &str = "query($id: ID!) { participantCosts(editionId: $id) {
    editionId
    participants { applicationId fullName hostCode joinedOn leftOn
      costs { payer item frequency rate { amountMinor } amount { amountMinor currency } }
      totals { payer hostCode amount { amountMinor currency } } }
    totals { payer hostCode amount { amountMinor currency } } } }";

#[tokio::test]
async fn cost_shares_feed_stipends_and_the_hosts_officials_see_their_participants_costs() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let danang = organisation(&stack, "danang", "FOREIGN_LOCAL_GOVERNMENT", "Da Nang").await;
    relate(&stack, "busan-danang", "26000", &danang, "ACTIVE").await;
    let e = k2h(&stack, &["26000", "11000"]).await;
    let id = e.data()["createEdition"]["id"].clone();

    // Two participants: Lan placed in Busan, Minh in Seoul from 16 April.
    let mut placed = Vec::new();
    for (sub, host, joins) in [
        ("lan", "26000", None),
        ("minh", "11000", Some("2100-04-16")),
    ] {
        let token = foreign_official(&stack, sub);
        let r = apply(&stack, &token, sub, &id, Some(&danang)).await;
        let mut app = r.data()["submitApplication"].clone();
        for outcome in ["START", "PASS"] {
            app = screen(&stack, &app, outcome).await.data()["screenApplication"].clone();
        }
        let r = act(
            &stack,
            &admin,
            "decideApplication",
            "DecideApplicationInput",
            json!({ "id": app["id"], "version": app["version"], "decision": "ACCEPT" }),
        )
        .await;
        let app = r.data()["decideApplication"].clone();
        let participant = |host: &str| json!({ "id": app["id"], "version": app["version"], "hostCode": host, "joinedOn": joins });
        let update = |input: Value| {
            act(
                &stack,
                &admin,
                "updateParticipant",
                "UpdateParticipantInput",
                input,
            )
        };
        // Not in the directory; in it but not a host of the edition.
        let r = update(participant("99999")).await;
        assert_eq!(
            (reason(&r), field(&r)),
            ("UNKNOWN_LOCAL_GOVERNMENT", "hostCode")
        );
        let r = update(participant("41000")).await;
        assert_eq!((r.error_code(), field(&r)), ("BAD_USER_INPUT", "hostCode"));
        let r = update(participant(host)).await;
        placed.push((token, r.data()["updateParticipant"]["id"].clone()));
    }

    // The stipend schedule is the monthly living-expense shares: 6 months × 2 payers.
    let r = stack
        .gql(
            Some(&admin),
            "mutation($i: GenerateStipendScheduleInput!) { generateStipendSchedule(input: $i) {
                payments { payer amount { amountMinor } } totals { amountMinor } } }",
            json!({ "i": { "applicationId": placed[0].1 } }),
        )
        .await;
    let schedule = &r.data()["generateStipendSchedule"];
    assert_eq!(schedule["payments"].as_array().unwrap().len(), 12);
    assert_eq!(schedule["totals"][0]["amountMinor"], 4_800_000);

    // Staff see both participants with totals per payer (per host for the hosts).
    let sheet = stack.gql(Some(&admin), COSTS, json!({ "id": id })).await;
    let sheet = &sheet.data()["participantCosts"];
    assert_eq!(sheet["participants"].as_array().unwrap().len(), 2);
    let lan = &sheet["participants"][0];
    assert_eq!(lan["hostCode"], "26000");
    assert_eq!(
        lan["totals"],
        json!([
            { "payer": "ASSOCIATION", "hostCode": null,
              "amount": { "amountMinor": 1_200_000 + 350_000 + 6 * 400_000, "currency": "KRW" } },
            { "payer": "HOST_LOCAL_GOVERNMENT", "hostCode": "26000",
              "amount": { "amountMinor": 6 * (650_000 + 400_000), "currency": "KRW" } },
        ])
    );
    // Minh's April is 15 of 30 days, for each monthly share.
    let minh = &sheet["participants"][1];
    assert_eq!(minh["joinedOn"], "2100-04-16");
    let accommodation = minh["costs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["item"] == "ACCOMMODATION")
        .unwrap()
        .clone();
    assert_eq!(
        accommodation["amount"]["amountMinor"],
        325_000 + 5 * 650_000
    );
    let hosts: Vec<&Value> = sheet["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["hostCode"])
        .collect();
    assert_eq!(hosts, [&Value::Null, &json!("26000"), &json!("11000")]);

    // Busan's officials see the participant Busan hosts, Gyeonggi's none, Minh his own.
    let busan = stack.official("park", "26000");
    let r = stack.gql(Some(&busan), COSTS, json!({ "id": id })).await;
    let mine = r.data()["participantCosts"]["participants"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["applicationId"], placed[0].1);
    let gyeonggi = stack.official("lee", "41000");
    let r = stack.gql(Some(&gyeonggi), COSTS, json!({ "id": id })).await;
    assert_eq!(r.data()["participantCosts"]["participants"], json!([]));
    let r = stack
        .gql(Some(&placed[1].0), COSTS, json!({ "id": id }))
        .await;
    let own = r.data()["participantCosts"]["participants"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["applicationId"], placed[1].1);
    // Partners may not; anonymous callers must sign in.
    let partner = stack.token(&Caller::new("osaka", "Osaka", "JP-OSAKA", [Role::Partner]));
    let r = stack.gql(Some(&partner), COSTS, json!({ "id": id })).await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = stack.gql(None, COSTS, json!({ "id": id })).await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
}
