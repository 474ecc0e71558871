//! Unit tests of the requests schema.

use super::*;

#[test]
fn details_input_becomes_the_matching_proto_case() {
    let input = ServiceRequestDetailsInput::OverseasVisit(OverseasVisitDetailsInput {
        destinations: vec![Destination {
            country: "JP".into(),
            city: "Osaka".into(),
        }],
        departure_date: Date::parse("2026-06-01").unwrap(),
        return_date: Date::parse("2026-06-05").unwrap(),
        delegation_size: 4,
        purpose: "benchmarking".into(),
    });
    let Some(Kind::OverseasVisit(visit)) = input.into_proto().unwrap().kind else {
        panic!("wrong case")
    };
    assert_eq!(
        (
            visit.departure_date.as_str(),
            visit.return_date.as_str(),
            visit.delegation_size
        ),
        ("2026-06-01", "2026-06-05", 4)
    );
}

#[test]
fn a_negative_count_names_its_field() {
    let input = ServiceRequestDetailsInput::InterpretationTranslation(
        InterpretationTranslationDetailsInput {
            mode: InterpretationMode::Translation,
            source_language: "ko".into(),
            target_language: "en".into(),
            start_date: None,
            end_date: None,
            venue: None,
            online: false,
            document_pages: Some(-1),
        },
    );
    let error = input.into_proto().unwrap_err();
    let field = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("field"))
        .cloned();
    assert_eq!(
        field,
        Some(async_graphql::Value::from(
            "details.interpretationTranslation.documentPages"
        ))
    );
}

#[test]
fn every_state_round_trips() {
    for state in <ServiceRequestState as async_graphql::resolver_utils::EnumType>::items() {
        assert_eq!(
            ServiceRequestState::from_proto(state.value.to_proto() as i32),
            Some(state.value)
        );
    }
    assert_eq!(ServiceRequestState::from_proto(0), None);
}

#[test]
fn exchange_kind_is_an_enum_that_round_trips_with_the_service_names() {
    let sdl = crate::schema::builder().finish().sdl();
    assert!(
        sdl.contains("exchangeKind: ExchangeKind!"),
        "exchangeKind is typed by the enum, not String"
    );
    for kind in <ExchangeKind as async_graphql::resolver_utils::EnumType>::items() {
        assert_eq!(kind.name, kind.value.as_proto(), "the service's spelling");
        assert_eq!(
            ExchangeKind::from_proto(kind.value.as_proto()).ok(),
            Some(kind.value)
        );
    }
    assert!(ExchangeKind::from_proto("PARTY").is_err());
}
