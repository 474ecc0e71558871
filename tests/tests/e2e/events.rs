//! The events service end to end: from creating and publishing an event to checking a
//! delegate in, the iCalendar feeds parsed back with a real parser, the waitlist offer, the
//! host rotation, lecture requests, and the rules around them (scoping, bad input that
//! writes nothing, conflicts).

use glocal_e2e::{Gql, Stack, count_rows_in, spawn_stack};
use glocal_kit::{Caller, Role};
use serde_json::{Value, json};

const EVENT_FIELDS: &str = "id state version kind edition title(lang: EN) titleKo: title(lang: KO)
  hostCountry timeZone utcOffset startDate endDate capacity seatsTaken seatsAvailable waitlistLength
  registrationOpenNow calendarUrl series { code }
  sessions { id kind title room startsAt startsAtLocal endsAtLocal localDate speakers { name } }";

const REGISTRATION_FIELDS: &str = "id state version kind seats attendeeName members country
  waitlistPosition offerExpiresAt event { id seatsTaken }
  checkIns { day attendee by } history { action from to }";

fn partner(stack: &Stack, sub: &str) -> String {
    stack.token(&Caller::new(
        sub,
        format!("Partner {sub}"),
        "JP-FUKUOKA",
        [Role::Partner],
    ))
}

fn event_input(key: &str, capacity: i64) -> Value {
    json!({
        "idempotencyKey": key,
        "kind": "FORUM",
        "title": { "en": "Forum on local festivals", "ko": "지방축제 포럼" },
        "description": { "en": "Expert presentations, debate and Q&A" },
        "hostCountry": "KR",
        "hostCity": "Seoul",
        "hostOrganization": "Governors Association of Korea",
        "venue": "Korea Press Center",
        "timeZone": "Asia/Seoul",
        "startDate": "2030-08-26",
        "endDate": "2030-08-27",
        "workingLanguages": ["ko", "en"],
        "interpretationLanguages": ["en", "ja"],
        "capacity": capacity
    })
}

async fn create_event(stack: &Stack, token: &str, key: &str, capacity: i64) -> Gql {
    let q = format!(
        "mutation($input: CreateEventInput!) {{ createEvent(input: $input) {{ {EVENT_FIELDS} }} }}"
    );
    stack
        .gql(
            Some(token),
            &q,
            json!({ "input": event_input(key, capacity) }),
        )
        .await
}

async fn change(stack: &Stack, token: &str, event: &Value, action: &str) -> Value {
    let q = format!(
        "mutation($input: ChangeEventStateInput!) {{ changeEventState(input: $input) {{ {EVENT_FIELDS} }} }}"
    );
    let input = json!({ "id": event["id"], "version": event["version"], "action": action });
    let r = stack.gql(Some(token), &q, json!({ "input": input })).await;
    r.data()["changeEventState"].clone()
}

pub(crate) async fn open_event(stack: &Stack, staff: &str, key: &str, capacity: i64) -> Value {
    let created = create_event(stack, staff, key, capacity).await;
    let e = created.data()["createEvent"].clone();
    let e = change(stack, staff, &e, "PUBLISH").await;
    change(stack, staff, &e, "OPEN_REGISTRATION").await
}

pub(crate) async fn register(stack: &Stack, token: &str, input: Value) -> Gql {
    let q = format!(
        "mutation($input: RegisterForEventInput!) {{ registerForEvent(input: $input) {{ {REGISTRATION_FIELDS} }} }}"
    );
    stack.gql(Some(token), &q, json!({ "input": input })).await
}

async fn add_session(
    stack: &Stack,
    token: &str,
    event_id: &str,
    key: &str,
    room: &str,
    starts: &str,
    ends: &str,
) -> Gql {
    let q = "mutation($input: AddEventSessionInput!) { addEventSession(input: $input) { id startsAtLocal endsAtLocal localDate } }";
    let input = json!({
        "idempotencyKey": key, "eventId": event_id, "kind": "PRESENTATION",
        "title": { "en": format!("Session {key}"), "ko": "발표" }, "room": room,
        "speakers": [{ "name": "Prof. Han", "affiliation": "Korea University" }],
        "interpretationLanguages": ["en"], "startsAt": starts, "endsAt": ends
    });
    stack.gql(Some(token), q, json!({ "input": input })).await
}

/// The calendars of an .ics body, parsed by the `ical` crate; panics on a parse error.
fn parse_ics(body: &str) -> Vec<ical::parser::ical::component::IcalCalendar> {
    ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("not iCalendar: {e}\n{body}"))
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

async fn get_text(stack: &Stack, path: &str) -> (u16, String, String) {
    let resp = stack
        .http()
        .get(format!("{}{path}", stack.base_url))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, ct, resp.text().await.unwrap())
}

#[tokio::test]
async fn from_publishing_an_event_to_checking_a_delegate_in() {
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-events");

    // The bureau creates a series and an edition, with a timetable.
    let q = "mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) { id code rotation nextHostCountry calendarUrl } }";
    let series = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": {
                "idempotencyKey": "s1", "code": "EXCHANGE-FORUM", "kind": "FORUM",
                "title": { "en": "Forum for Vitalizing International Exchange" },
                "description": { "en": "Expert presentations, debate, Q&A" }
            } }),
        )
        .await;
    let series = series.data()["createEventSeries"].clone();
    let mut input = event_input("e1", 10);
    input["seriesId"] = series["id"].clone();
    let q = format!(
        "mutation($input: CreateEventInput!) {{ createEvent(input: $input) {{ {EVENT_FIELDS} }} }}"
    );
    let created = stack.gql(Some(&staff), &q, json!({ "input": input })).await;
    let event = created.data()["createEvent"].clone();
    assert_eq!(event["state"], "DRAFT");
    assert_eq!(event["edition"], 1);
    assert_eq!(event["series"]["code"], "EXCHANGE-FORUM");
    let id = event["id"].as_str().unwrap().to_owned();
    assert_eq!(
        event["calendarUrl"],
        format!("{}/calendar/events/{id}.ics", stack.base_url)
    );

    // 09:00–10:30 in Seoul (00:00–01:30 UTC), then 10:30–12:00 in the same room.
    let s1 = add_session(
        &stack,
        &staff,
        &id,
        "s1",
        "Hall A",
        "2030-08-26T00:00:00Z",
        "2030-08-26T01:30:00Z",
    )
    .await;
    let s1 = &s1.data()["addEventSession"];
    assert_eq!(s1["startsAtLocal"], "2030-08-26T09:00:00+09:00");
    assert_eq!(s1["localDate"], "2030-08-26");
    add_session(
        &stack,
        &staff,
        &id,
        "s2",
        "Hall A",
        "2030-08-26T10:30:00+09:00",
        "2030-08-26T12:00:00+09:00",
    )
    .await
    .data();

    // Not public while a draft; public once published, timetable in the event's zone.
    let q = format!("query($id: ID!) {{ event(id: $id) {{ {EVENT_FIELDS} }} }}");
    let hidden = stack.gql(None, &q, json!({ "id": id })).await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");
    let event = change(&stack, &staff, &event, "PUBLISH").await;
    let public = stack.gql(None, &q, json!({ "id": id })).await;
    let e = &public.data()["event"];
    assert_eq!(e["state"], "PUBLISHED");
    assert_eq!(e["utcOffset"], "+09:00");
    assert_eq!(e["titleKo"], "지방축제 포럼");
    let locals: Vec<&str> = e["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["startsAtLocal"].as_str().unwrap())
        .collect();
    assert_eq!(
        locals,
        ["2030-08-26T09:00:00+09:00", "2030-08-26T10:30:00+09:00"]
    );
    let listed = stack
        .gql(
            None,
            "{ events(first: 10) { totalCount edges { node { id } } pageInfo { hasNextPage } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.data()["events"]["totalCount"], 1);

    // Registration opens; a delegation from Fukuoka and a Seoul official register.
    let event = change(&stack, &staff, &event, "OPEN_REGISTRATION").await;
    assert_eq!(event["registrationOpenNow"], true);
    let fukuoka = partner(&stack, "partner-fukuoka");
    let delegation = register(
        &stack,
        &fukuoka,
        json!({ "idempotencyKey": "r1", "eventId": id, "kind": "DELEGATION", "country": "JP",
                "organization": "Fukuoka City", "headOfDelegation": "Tanaka Yuko",
                "members": ["Sato Ken", "Suzuki Hana"] }),
    )
    .await;
    let d = delegation.data()["registerForEvent"].clone();
    assert_eq!(d["state"], "CONFIRMED");
    assert_eq!(d["seats"], 3);
    assert_eq!(d["event"]["seatsTaken"], 3);
    let seoul = stack.official("official-seoul", "11000");
    let individual = register(
        &stack,
        &seoul,
        json!({ "idempotencyKey": "r2", "eventId": id, "kind": "INDIVIDUAL" }),
    )
    .await;
    assert_eq!(
        individual.data()["registerForEvent"]["attendeeName"],
        "Official official-seoul"
    );

    // The event starts; the bureau checks a delegate in on the first day.
    let event = change(&stack, &staff, &event, "CLOSE_REGISTRATION").await;
    let event = change(&stack, &staff, &event, "START").await;
    assert_eq!(event["state"], "ONGOING");
    let q = format!(
        "mutation($input: CheckInInput!) {{ checkIn(input: $input) {{ {REGISTRATION_FIELDS} }} }}"
    );
    let checked = stack
        .gql(
            Some(&staff),
            &q,
            json!({ "input": { "registrationId": d["id"], "day": "2030-08-26", "attendee": "Sato Ken" } }),
        )
        .await;
    let c = &checked.data()["checkIn"];
    assert_eq!(c["checkIns"][0]["attendee"], "Sato Ken");
    assert_eq!(c["checkIns"][0]["day"], "2030-08-26");
    assert_eq!(c["checkIns"][0]["by"], "staff-events");
    let again = stack
        .gql(
            Some(&staff),
            &q,
            json!({ "input": { "registrationId": d["id"], "day": "2030-08-26", "attendee": "Sato Ken" } }),
        )
        .await;
    assert_eq!(again.error_code(), "CONFLICT");
    // The delegation sees its own registration with the check-in and history.
    let q = format!("query($id: ID!) {{ eventRegistration(id: $id) {{ {REGISTRATION_FIELDS} }} }}");
    let own = stack
        .gql(Some(&fukuoka), &q, json!({ "id": d["id"] }))
        .await;
    let actions: Vec<&str> = own.data()["eventRegistration"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["register", "confirm", "check_in"]);

    // The iCalendar feeds, parsed back with a real parser.
    let (status, content_type, body) =
        get_text(&stack, &format!("/calendar/events/{id}.ics")).await;
    assert_eq!(status, 200, "{body}");
    assert!(content_type.starts_with("text/calendar"), "{content_type}");
    let calendars = parse_ics(&body);
    assert_eq!(calendars.len(), 1);
    let cal = &calendars[0];
    assert_eq!(prop(&cal.properties, "VERSION"), Some("2.0"));
    assert!(prop(&cal.properties, "PRODID").is_some());
    assert_eq!(cal.events.len(), 3, "the event and its two sessions");
    for e in &cal.events {
        for required in ["UID", "DTSTAMP", "DTSTART"] {
            assert!(
                prop(&e.properties, required).is_some(),
                "{required} missing"
            );
        }
    }
    let whole = cal
        .events
        .iter()
        .find(|e| prop(&e.properties, "UID") == Some(format!("event-{id}@glocal").as_str()))
        .expect("the event's own entry");
    assert_eq!(
        prop(&whole.properties, "SUMMARY"),
        Some("Forum on local festivals")
    );
    assert_eq!(prop(&whole.properties, "DTSTART"), Some("20300826"));
    assert_eq!(
        prop(&whole.properties, "DTEND"),
        Some("20300828"),
        "DTEND is exclusive"
    );
    let starts: Vec<&str> = cal
        .events
        .iter()
        .filter(|e| prop(&e.properties, "UID").is_some_and(|u| u.starts_with("session-")))
        .filter_map(|e| prop(&e.properties, "DTSTART"))
        .collect();
    assert_eq!(starts, ["20300826T000000Z", "20300826T013000Z"]);
    let (_, _, korean) = get_text(&stack, &format!("/calendar/events/{id}.ics?lang=ko")).await;
    let ko = parse_ics(&korean);
    assert!(
        ko[0]
            .events
            .iter()
            .any(|e| prop(&e.properties, "SUMMARY") == Some("지방축제 포럼"))
    );

    let series_id = series["id"].as_str().unwrap();
    assert_eq!(
        series["calendarUrl"],
        format!("{}/calendar/series/{series_id}.ics", stack.base_url),
        "absolute, from gateway.public_url (unset: the listen address)"
    );
    let (status, _, body) = get_text(&stack, &format!("/calendar/series/{series_id}.ics")).await;
    assert_eq!(status, 200);
    let series_cal = parse_ics(&body);
    assert_eq!(series_cal[0].events.len(), 1);
    let (missing, _, _) = get_text(
        &stack,
        &format!("/calendar/events/{}.ics", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!(missing, 404);
    let (garbage, _, _) = get_text(&stack, "/calendar/events/nonsense.ics").await;
    assert_eq!(garbage, 404);

    // Every change left its outbox row (11 changes: series, event, 2 sessions, 4 state
    // changes, 2 registrations, 1 check-in) and its audit rows (a registration writes two:
    // received, then confirmed); the refused second check-in wrote nothing.
    assert_eq!(count_rows_in(&stack.events_db, "outbox").await, 11);
    assert_eq!(count_rows_in(&stack.events_db, "audit").await, 13);
}

#[tokio::test]
async fn scoping_bad_input_and_conflicts() {
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-events");
    let seoul = stack.official("official-seoul", "11000");
    let busan = stack.official("official-busan", "26000");

    // Only the bureau creates events; bad input names its field and writes nothing.
    assert_eq!(
        create_event(&stack, &seoul, "x", 10).await.error_code(),
        "FORBIDDEN"
    );
    let before = count_rows_in(&stack.events_db, "event").await;
    let mut bad = event_input("bad", 10);
    bad["timeZone"] = json!("KST");
    let q = format!(
        "mutation($input: CreateEventInput!) {{ createEvent(input: $input) {{ {EVENT_FIELDS} }} }}"
    );
    let r = stack.gql(Some(&staff), &q, json!({ "input": bad })).await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "timeZone");
    let r = create_event(&stack, &staff, "neg", -1).await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "capacity");
    assert_eq!(count_rows_in(&stack.events_db, "event").await, before);
    assert_eq!(count_rows_in(&stack.events_db, "outbox").await, 0);

    let event = open_event(&stack, &staff, "e1", 1).await;
    let id = event["id"].as_str().unwrap().to_owned();
    // A stale version is a conflict.
    let stale = json!({ "id": id, "version": 1, "action": "START" });
    let r = stack
        .gql(Some(&staff), "mutation($input: ChangeEventStateInput!) { changeEventState(input: $input) { state } }", json!({ "input": stale }))
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
    // Overlapping sessions in one room are refused.
    add_session(
        &stack,
        &staff,
        &id,
        "a",
        "Room 1",
        "2030-08-26T00:00:00Z",
        "2030-08-26T01:00:00Z",
    )
    .await
    .data();
    let overlap = add_session(
        &stack,
        &staff,
        &id,
        "b",
        "Room 1",
        "2030-08-26T00:30:00Z",
        "2030-08-26T01:30:00Z",
    )
    .await;
    assert_eq!(overlap.error_code(), "CONFLICT");

    // Registering needs a caller; someone else's registration is not there.
    let q = "mutation($input: RegisterForEventInput!) { registerForEvent(input: $input) { id } }";
    let r = stack
        .gql(
            None,
            q,
            json!({ "input": { "idempotencyKey": "k", "eventId": id, "kind": "INDIVIDUAL" } }),
        )
        .await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
    let mine = register(
        &stack,
        &seoul,
        json!({ "idempotencyKey": "k", "eventId": id, "kind": "INDIVIDUAL" }),
    )
    .await;
    let mine = mine.data()["registerForEvent"].clone();
    assert_eq!(mine["state"], "CONFIRMED");
    let q = format!("query($id: ID!) {{ eventRegistration(id: $id) {{ {REGISTRATION_FIELDS} }} }}");
    assert_eq!(
        stack
            .gql(Some(&busan), &q, json!({ "id": mine["id"] }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
    let bad_member = register(
        &stack,
        &busan,
        json!({ "idempotencyKey": "d", "eventId": id, "kind": "DELEGATION", "country": "Japan",
                "organization": "Fukuoka", "headOfDelegation": "Tanaka" }),
    )
    .await;
    assert_eq!(bad_member.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        bad_member.body["errors"][0]["extensions"]["field"],
        "country"
    );

    // The waitlist: Busan waits, Seoul cancels, Busan is offered the seat and takes it.
    let waiting = register(
        &stack,
        &busan,
        json!({ "idempotencyKey": "w", "eventId": id, "kind": "INDIVIDUAL" }),
    )
    .await;
    let waiting = waiting.data()["registerForEvent"].clone();
    assert_eq!(waiting["state"], "WAITLISTED");
    assert_eq!(waiting["waitlistPosition"], 1);
    // A list shows the waitlist when its nodes select it, here through a fragment (the
    // gateway asks the service for the registration tallies only then).
    let listed = stack
        .gql(
            None,
            "{ events(first: 20) { edges { node { id ...Seats } } } } \
             fragment Seats on Event { waitlistLength seatsAvailable }",
            json!({}),
        )
        .await;
    let listed = listed.data()["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["id"] == id)
        .expect("the open event is listed")["node"]
        .clone();
    assert_eq!(
        (&listed["waitlistLength"], &listed["seatsAvailable"]),
        (&json!(1), &json!(0))
    );
    let q = format!(
        "mutation($input: CancelRegistrationInput!) {{ cancelRegistration(input: $input) {{ {REGISTRATION_FIELDS} }} }}"
    );
    let cancelled = stack
        .gql(Some(&seoul), &q, json!({ "input": { "id": mine["id"], "version": mine["version"], "reason": "cannot travel" } }))
        .await;
    assert_eq!(cancelled.data()["cancelRegistration"]["state"], "CANCELLED");
    let q = format!("query($id: ID!) {{ eventRegistration(id: $id) {{ {REGISTRATION_FIELDS} }} }}");
    let offered = stack
        .gql(Some(&busan), &q, json!({ "id": waiting["id"] }))
        .await;
    let offered = offered.data()["eventRegistration"].clone();
    assert_eq!(offered["state"], "OFFERED");
    assert!(offered["offerExpiresAt"].is_string());
    let q = format!(
        "mutation($input: AcceptOfferInput!) {{ acceptOffer(input: $input) {{ {REGISTRATION_FIELDS} }} }}"
    );
    let stale = stack
        .gql(
            Some(&busan),
            &q,
            json!({ "input": { "id": offered["id"], "version": waiting["version"] } }),
        )
        .await;
    assert_eq!(stale.error_code(), "CONFLICT");
    let taken = stack
        .gql(
            Some(&busan),
            &q,
            json!({ "input": { "id": offered["id"], "version": offered["version"] } }),
        )
        .await;
    let taken = &taken.data()["acceptOffer"];
    assert_eq!(taken["state"], "CONFIRMED");
    assert_eq!(taken["event"]["seatsTaken"], 1);
    // Registrants list only their own.
    let own = stack
        .gql(
            Some(&busan),
            "{ eventRegistrations(first: 10) { totalCount edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(own.data()["eventRegistrations"]["totalCount"], 1);
}

#[tokio::test]
async fn rotation_contributions_and_lecture_quota() {
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-events");
    let busan = stack.official("official-busan", "26000");

    // The Korea–China–Japan conference rotates; an edition out of turn is refused.
    let q = "mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) { id nextHostCountry } }";
    let kcj = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": {
                "idempotencyKey": "kcj", "code": "KCJ-CONFERENCE", "kind": "CONFERENCE",
                "title": { "en": "Korea–China–Japan Local Governments Conference" },
                "description": { "en": "Annual, four days" }, "rotation": ["KR", "CN", "JP"]
            } }),
        )
        .await;
    let kcj_id = kcj.data()["createEventSeries"]["id"].clone();
    let edition = |key: &str, host: &str, year: i32| {
        let mut input = event_input(key, 300);
        input["seriesId"] = kcj_id.clone();
        input["kind"] = Value::Null;
        input["hostCountry"] = json!(host);
        input["startDate"] = json!(format!("{year}-08-26"));
        input["endDate"] = json!(format!("{year}-08-29"));
        input
    };
    let q = "mutation($input: CreateEventInput!) { createEvent(input: $input) { id edition kind state version } }";
    let first = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": edition("k1", "KR", 2030) }),
        )
        .await;
    assert_eq!(first.data()["createEvent"]["kind"], "CONFERENCE");
    let out_of_turn = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": edition("k2", "JP", 2031) }),
        )
        .await;
    assert_eq!(out_of_turn.error_code(), "CONFLICT");
    let message = out_of_turn.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("next host is CN"), "{message}");
    let second = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": edition("k3", "CN", 2031) }),
        )
        .await;
    assert_eq!(second.data()["createEvent"]["edition"], 2);
    let series = stack
        .gql(None, "{ series { code nextHostCountry } }", json!({}))
        .await;
    assert_eq!(series.data()["series"][0]["nextHostCountry"], "JP");

    // A contribution referring to best practices of the research service.
    let event = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": edition("k4", "JP", 2032) }),
        )
        .await;
    let event = event.data()["createEvent"].clone();
    let event = change(&stack, &staff, &event, "PUBLISH").await;
    let q = "mutation($input: SubmitContributionInput!) { submitContribution(input: $input) { id state version presenterName } }";
    let c = stack
        .gql(
            Some(&busan),
            q,
            json!({ "input": { "idempotencyKey": "c1", "eventId": event["id"],
                "title": { "en": "Smart port cities" }, "abstract": { "en": "Busan, Fukuoka, Shanghai" } } }),
        )
        .await;
    let c = c.data()["submitContribution"].clone();
    assert_eq!(c["state"], "SUBMITTED");
    // Linking a practice the research service does not know is refused, nothing written.
    let q = "mutation($input: ReviewContributionInput!) { reviewContribution(input: $input) { state practiceIds practices { id } } }";
    let unknown = uuid::Uuid::new_v4().to_string();
    let refused = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": { "id": c["id"], "version": c["version"], "decision": "ACCEPT",
                "practiceIds": [unknown] } }),
        )
        .await;
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    let ext = &refused.body["errors"][0]["extensions"];
    assert_eq!(ext["field"], "practiceIds[0]");
    assert_eq!(ext["messageKey"], "input-practice-unknown");
    // A published practice of the library is linked and shown.
    glocal_research::demo::seed_demo(&stack.research_db)
        .await
        .expect("seed research");
    let library = stack
        .gql(
            None,
            "{ practices(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let practice = library.data()["practices"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("a published demo practice")
        .to_owned();
    let reviewed = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": { "id": c["id"], "version": c["version"], "decision": "ACCEPT",
                "practiceIds": [practice] } }),
        )
        .await;
    let reviewed = &reviewed.data()["reviewContribution"];
    assert_eq!(reviewed["state"], "ACCEPTED");
    assert_eq!(reviewed["practiceIds"][0], practice.as_str());
    assert_eq!(reviewed["practices"], json!([{ "id": practice }]));
    let public = stack
        .gql(None, "query($id: ID!) { event(id: $id) { contributions { title(lang: EN) abstract state } } }", json!({ "id": event["id"] }))
        .await;
    assert_eq!(
        public.data()["event"]["contributions"][0]["abstract"],
        "Busan, Fukuoka, Shanghai"
    );
    // A page of events brings its contributions with it, and their practices, each caller
    // seeing what `event(id)` shows them: the public the accepted one, its submitter their
    // pending one too.
    let q =
        "mutation($input: SubmitContributionInput!) { submitContribution(input: $input) { id } }";
    let pending = stack
        .gql(
            Some(&busan),
            q,
            json!({ "input": { "idempotencyKey": "c2", "eventId": event["id"],
                "title": { "en": "Ferry links" }, "abstract": { "en": "Busan and Fukuoka" } } }),
        )
        .await;
    let pending = pending.data()["submitContribution"]["id"].clone();
    let page = "{ events(first: 100) { edges { node { id contributions { id state practices { id } } } } } }";
    let one = "query($id: ID!) { event(id: $id) { contributions { id state practices { id } } } }";
    let accepted = json!({ "id": c["id"], "state": "ACCEPTED", "practices": [{ "id": practice }] });
    for (who, expected) in [
        (None, json!([accepted])),
        (
            Some(busan.as_str()),
            json!([accepted, { "id": pending, "state": "SUBMITTED", "practices": [] }]),
        ),
    ] {
        let listed = stack.gql(who, page, json!({})).await;
        let node = listed.data()["events"]["edges"]
            .as_array()
            .and_then(|edges| edges.iter().find(|e| e["node"]["id"] == event["id"]))
            .map(|e| e["node"].clone())
            .expect("the event on the page");
        assert_eq!(node["contributions"], expected, "{node}");
        let alone = stack.gql(who, one, json!({ "id": event["id"] })).await;
        assert_eq!(alone.data()["event"]["contributions"], expected);
    }

    // Lecture requests: the official asks, the bureau schedules within the yearly target.
    let q = "mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) { id } }";
    let lectures = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": { "idempotencyKey": "lec", "code": "GLOCAL-LECTURE", "kind": "LECTURE",
                "title": { "en": "Glocalization lecturing" }, "description": { "en": "12 a year" },
                "yearlyQuota": 1 } }),
        )
        .await;
    let lectures_id = lectures.data()["createEventSeries"]["id"].clone();
    let q = "mutation($input: RequestLectureInput!) { requestLecture(input: $input) { id version state year localGovernment { code } } }";
    let mut requests = Vec::new();
    for (key, day) in [("l1", "2030-05-13"), ("l2", "2030-06-10")] {
        let r = stack
            .gql(
                Some(&busan),
                q,
                json!({ "input": { "idempotencyKey": key, "theme": "International protocol",
                    "preferredDates": [day], "venue": "Busan City Hall" } }),
            )
            .await;
        requests.push(r.data()["requestLecture"].clone());
    }
    assert_eq!(requests[0]["localGovernment"]["code"], "26000");
    let q = "mutation($input: ScheduleLectureInput!) { scheduleLecture(input: $input) { lectureRequest { state } event { kind state hostLocalGovernment { code } startDate } } }";
    let scheduled = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": { "id": requests[0]["id"], "version": requests[0]["version"],
                "seriesId": lectures_id, "hostCity": "Busan" } }),
        )
        .await;
    let s = &scheduled.data()["scheduleLecture"];
    assert_eq!(s["lectureRequest"]["state"], "SCHEDULED");
    assert_eq!(s["event"]["kind"], "LECTURE");
    assert_eq!(s["event"]["state"], "PUBLISHED");
    assert_eq!(s["event"]["hostLocalGovernment"]["code"], "26000");
    assert_eq!(s["event"]["startDate"], "2030-05-13");
    // The quota of a lecture series counts local governments: Busan's second lecture fits.
    let again = stack
        .gql(
            Some(&staff),
            q,
            json!({ "input": { "id": requests[1]["id"], "version": requests[1]["version"],
                "seriesId": lectures_id, "hostCity": "Busan" } }),
        )
        .await;
    assert_eq!(
        again.data()["scheduleLecture"]["lectureRequest"]["state"],
        "SCHEDULED"
    );
    let own = stack
        .gql(
            Some(&busan),
            "{ lectureRequests { totalCount edges { node { state event { kind } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(own.data()["lectureRequests"]["totalCount"], 2);
    // Seoul would be a second local government: refused, unless an administrator decides.
    let seoul = stack.official("official-seoul", "11000");
    let asked = stack
        .gql(
            Some(&seoul),
            "mutation($input: RequestLectureInput!) { requestLecture(input: $input) { id version } }",
            json!({ "input": { "idempotencyKey": "l3", "theme": "Local festivals",
                "preferredDates": ["2030-07-01"], "venue": "Seoul City Hall" } }),
        )
        .await;
    let asked = asked.data()["requestLecture"].clone();
    let input = json!({ "input": { "id": asked["id"], "version": asked["version"],
        "seriesId": lectures_id, "hostCity": "Seoul" } });
    let over = stack.gql(Some(&staff), q, input.clone()).await;
    assert_eq!(over.error_code(), "CONFLICT");
    assert_eq!(
        over.body["errors"][0]["extensions"]["reason"],
        "YEARLY_QUOTA_USED"
    );
    let mut beyond = input;
    beyond["input"]["beyondTarget"] = json!(true);
    let staff_beyond = stack.gql(Some(&staff), q, beyond.clone()).await;
    assert_eq!(staff_beyond.error_code(), "FORBIDDEN");
    let decided = stack.gql(Some(&stack.admin()), q, beyond).await;
    assert_eq!(
        decided.data()["scheduleLecture"]["event"]["hostLocalGovernment"]["code"],
        "11000"
    );
}

#[tokio::test]
async fn codes_off_the_iso_lists_are_refused_with_their_field() {
    let stack = spawn_stack().await;
    let admin = stack.admin();
    let q = format!(
        "mutation($input: CreateEventInput!) {{ createEvent(input: $input) {{ {EVENT_FIELDS} }} }}"
    );
    for (field, value, at) in [
        ("hostCountry", json!("ZZ"), "hostCountry"),
        (
            "workingLanguages",
            json!(["ko", "xx"]),
            "workingLanguages[1]",
        ),
        (
            "interpretationLanguages",
            json!(["qq"]),
            "interpretationLanguages[0]",
        ),
    ] {
        let mut input = event_input(&format!("k-{field}"), 10);
        input[field] = value;
        let r = stack.gql(Some(&admin), &q, json!({ "input": input })).await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{field}: {:#}", r.body);
        assert_eq!(
            r.body["errors"][0]["extensions"]["field"], at,
            "{:#}",
            r.body
        );
    }
    assert_eq!(count_rows_in(&stack.events_db, "event").await, 0);
}

/// A series' period rule through GraphQL: the KCJ conference's "August ~ September (Four
/// days)" is kept with the series; an edition in October is CONFLICT `OUTSIDE_PERIOD` with
/// the rule in the caller's language; staff may not set it aside, an administrator may, and
/// the event's audit row says so.
#[tokio::test]
async fn a_series_period_rule_refuses_events_outside_it() {
    use sea_orm::{ConnectionTrait, Statement};
    let stack = spawn_stack().await;
    let staff = stack.staff("staff-events");
    let q = "mutation($input: CreateEventSeriesInput!) { createEventSeries(input: $input) {
        id period { fromMonth toMonth maxDays editionsPerYear } } }";
    let series_input = |period: Value| {
        json!({ "input": {
            "idempotencyKey": "kcj-period", "code": "KCJ-CONFERENCE", "kind": "CONFERENCE",
            "title": { "en": "Korea–China–Japan Local Governments Conference" },
            "description": { "en": "Annual, four days" }, "period": period
        } })
    };
    let bad = stack
        .gql(
            Some(&staff),
            q,
            series_input(json!({ "fromMonth": 8, "toMonth": 13 })),
        )
        .await;
    assert_eq!(bad.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        bad.body["errors"][0]["extensions"]["field"],
        "period.toMonth"
    );
    let kcj = stack
        .gql(
            Some(&staff),
            q,
            series_input(json!({ "fromMonth": 8, "toMonth": 9, "maxDays": 4 })),
        )
        .await;
    let kcj = kcj.data()["createEventSeries"].clone();
    assert_eq!(
        kcj["period"],
        json!({ "fromMonth": 8, "toMonth": 9, "maxDays": 4, "editionsPerYear": null })
    );
    let mut input = event_input("kcj-october", 300);
    input["seriesId"] = kcj["id"].clone();
    input["kind"] = Value::Null;
    input["startDate"] = json!("2030-10-05");
    input["endDate"] = json!("2030-10-07");
    let q = "mutation($input: CreateEventInput!) { createEvent(input: $input) { id startDate } }";
    let refused = stack
        .gql_in("ko", Some(&staff), q, json!({ "input": input.clone() }))
        .await;
    assert_eq!(refused.error_code(), "CONFLICT");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["reason"],
        "OUTSIDE_PERIOD"
    );
    let message = refused.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("8월–9월"), "{message}");
    input["outsidePeriod"] = json!(true);
    let staff_aside = stack
        .gql(Some(&staff), q, json!({ "input": input.clone() }))
        .await;
    assert_eq!(staff_aside.error_code(), "FORBIDDEN");
    assert_eq!(
        staff_aside.body["errors"][0]["extensions"]["reason"],
        "BUREAU_ADMIN_ONLY"
    );
    let held = stack
        .gql(Some(&stack.admin()), q, json!({ "input": input }))
        .await;
    let held = held.data()["createEvent"].clone();
    assert_eq!(held["startDate"], "2030-10-05");
    let db = &stack.events_db;
    let backend = db.get_database_backend();
    let id: uuid::Uuid = held["id"].as_str().unwrap().parse().unwrap();
    let notes: Vec<String> = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT note FROM audit WHERE aggregate_id = $1",
            [id.into()],
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "note").unwrap_or_default())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("outside the series' period rule (months 8–9, at most 4 days)")),
        "{notes:?}"
    );
}
