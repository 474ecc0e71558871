//! Unit tests of the training schema.

use super::*;
use async_graphql::Value;

fn round_trip<E: ProtoEnum + std::fmt::Debug>() {
    for item in E::items() {
        let n = item.value.to_proto();
        assert_ne!(n, 0, "{} has no proto value", item.name);
        assert_eq!(E::from_proto(n), Some(item.value));
    }
    assert_eq!(E::from_proto(0), None);
}

#[test]
fn every_enum_crosses_to_proto_by_name() {
    round_trip::<ProgrammeKind>();
    round_trip::<ApplicantKind>();
    round_trip::<OrganisationType>();
    round_trip::<NationalityRule>();
    round_trip::<TrainingApplicationState>();
    round_trip::<ReviewCutKind>();
    round_trip::<ScreeningOutcome>();
    round_trip::<TrainingDecision>();
    round_trip::<TrainingSessionKind>();
    round_trip::<TrainingAttendanceStatus>();
    round_trip::<StipendPayer>();
    round_trip::<StipendPaymentState>();
    round_trip::<StipendPaymentAction>();
    round_trip::<EligibilityRule>();
}

#[test]
fn eligibility_reasons_reach_the_extensions() {
    let mut status = tonic::Status::invalid_argument("not eligible: grade 4 is outside it");
    status.metadata_mut().insert_bin(
        error::ELIGIBILITY_METADATA,
        tonic::metadata::BinaryMetadataValue::from_bytes(
            br#"[{"rule":"GRADE","field":"profile.grade","reason":"grade 4 is outside it"}]"#,
        ),
    );
    let err = error::remote(status);
    let ext = err.extensions.unwrap();
    assert_eq!(ext.get("code"), Some(&Value::from("BAD_USER_INPUT")));
    let reasons = ext.get("reasons").unwrap().clone().into_json().unwrap();
    assert_eq!(reasons[0]["rule"], "GRADE");
}

#[test]
fn a_negative_capacity_names_its_field() {
    let input = CreateEditionInput {
        idempotency_key: "k".into(),
        programme_id: ID("p".into()),
        term: "2026".into(),
        starts_on: Date::parse("2026-04-01").unwrap(),
        ends_on: Date::parse("2026-09-30").unwrap(),
        applications_open_on: Date::parse("2026-03-01").unwrap(),
        applications_close_on: Date::parse("2026-03-31").unwrap(),
        capacity: -1,
        languages: vec![],
        divisions: vec![],
        eligibility: None,
        shares: vec![],
        stipends: vec![],
        costs: vec![],
        host_codes: vec![],
        stages: vec![],
        published: false,
        outside_period: false,
    };
    let err = input.into_proto().unwrap_err();
    let field = err.extensions.and_then(|e| e.get("field").cloned());
    assert_eq!(field, Some(Value::from("capacity")));
}
