//! Which entities a research change touches (what the outbox names besides the changed
//! aggregate, so consumers drop exactly those cached copies), and the aggregate types the
//! change events carry.

use glocal_kit::outbox::EntityRef;

use super::PracticeContent;

/// The aggregate type of a best practice.
pub const PRACTICE: &str = "Practice";
/// The aggregate type of a partner organisation.
pub const ORGANISATION: &str = "Organisation";
/// The aggregate type of a concept of the research-area vocabulary.
pub const RESEARCH_AREA: &str = "ResearchArea";

/// The aggregate type of the change events of an audit `kind` (`organisation`,
/// `research_area`, `relationship`, `opportunity`, `exchange_project`).
pub fn aggregate_type(kind: &str) -> &'static str {
    match kind {
        "organisation" => ORGANISATION,
        "research_area" => RESEARCH_AREA,
        "relationship" => "Relationship",
        "opportunity" => "Opportunity",
        "exchange_project" => "ExchangeProject",
        _ => PRACTICE,
    }
}

/// A practice's change touches its research area and its source organisation.
pub fn practice_touches(content: &PracticeContent) -> Vec<EntityRef> {
    let mut touched = vec![EntityRef::new(RESEARCH_AREA, content.area_code())];
    touched.extend(
        content
            .source_organisation_id()
            .map(|o| EntityRef::new(ORGANISATION, o)),
    );
    touched
}

/// The research areas `codes`.
pub fn areas(codes: &[String]) -> Vec<EntityRef> {
    codes
        .iter()
        .map(|c| EntityRef::new(RESEARCH_AREA, c))
        .collect()
}
