//! The demo's fixed ids: organisations and practices other services' demo data link to (the
//! training demo's coach, overseas training visits and K2H fellows' cities).

/// The id of the demo's foreign advisor ("Maria Schmidt, urban mobility advisor"), which the
/// training demo registers as a coach (its `DEMO_ADVISOR_ORGANISATION_ID`; keep the two in
/// step).
pub const DEMO_ADVISOR_ID: uuid::Uuid =
    uuid::Uuid::from_u128(0x5c0ac4e1_8f3a_4d0e_9b6e_2a7d4f1c0a50);

/// Organisations whose ids are fixed, so that other services' demo data can link to them:
/// the training service's overseas training itinerary visits these (its demo holds the same
/// ids).
pub const DEMO_ORGANISATION_IDS: [(&str, &str); 6] = [
    ("org-osaka", "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000a001"),
    ("org-fukuoka", "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000a002"),
    ("org-clair", "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000a003"),
    // The K2H fellows' cities (the training demo's `DEMO_PARTNER_*`).
    ("org-danang", "0d5a0a6e-0000-4000-8000-000000000001"),
    ("org-hue", "0d5a0a6e-0000-4000-8000-000000000002"),
    ("org-vientiane", "0d5a0a6e-0000-4000-8000-000000000003"),
];

/// Practices (by city) whose ids are fixed for the same reason.
pub const DEMO_PRACTICE_IDS: [(&str, &str); 2] = [
    ("Yokohama", "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000b001"),
    ("Tokyo", "5d1f0c2a-7e4b-4c1e-9a2f-0a5a0000b002"),
];

/// The id `ids` give `key`, parsed.
pub(super) fn fixed<T>(
    ids: &[(&str, &str)],
    key: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    ids.iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, id)| parse(id))
}
