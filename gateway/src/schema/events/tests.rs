//! Unit tests of the events schema.

use super::*;

#[test]
fn every_enum_value_has_its_proto_twin() {
    fn check<T: Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        to: fn(T) -> i32,
        from: fn(i32) -> Result<T>,
    ) {
        for &v in all {
            assert_ne!(to(v), 0, "{v:?}");
            assert_eq!(from(to(v)).unwrap(), v);
        }
    }
    check(EventKind::ALL, EventKind::to_proto, EventKind::from_proto);
    check(
        EventState::ALL,
        EventState::to_proto,
        EventState::from_proto,
    );
    check(
        EventAction::ALL,
        EventAction::to_proto,
        EventAction::from_proto,
    );
    check(
        EventSessionKind::ALL,
        EventSessionKind::to_proto,
        EventSessionKind::from_proto,
    );
    check(
        EventRegistrationKind::ALL,
        EventRegistrationKind::to_proto,
        EventRegistrationKind::from_proto,
    );
    check(
        EventRegistrationState::ALL,
        EventRegistrationState::to_proto,
        EventRegistrationState::from_proto,
    );
    check(
        ContributionState::ALL,
        ContributionState::to_proto,
        ContributionState::from_proto,
    );
    check(
        ContributionDecision::ALL,
        ContributionDecision::to_proto,
        ContributionDecision::from_proto,
    );
    check(
        LectureRequestState::ALL,
        LectureRequestState::to_proto,
        LectureRequestState::from_proto,
    );
    assert!(EventState::from_proto(0).is_err());
    assert_eq!(
        reg_state_named("OFFERED"),
        Some(EventRegistrationState::Offered)
    );
    assert_eq!(reg_state_named(""), None);
}

#[test]
fn negative_counts_and_versions_name_their_field() {
    let e = count_in(Some(-1), "capacity").unwrap_err();
    assert_eq!(
        e.extensions.as_ref().and_then(|x| x.get("field")).cloned(),
        Some(async_graphql::Value::from("capacity"))
    );
    assert!(version_in(0, "version").is_err());
    assert_eq!(version_in(3, "version").unwrap(), 3);
}
