//! Relationship and interaction inputs as they arrive and as the service takes them: the
//! adapter parses a draft into the checked type (bad input names its field) before the
//! service reads or writes anything.

use super::text::bounded;
use super::{
    InteractionKind, InvalidInput, IsoDate, LocalGovernmentCode, OrganisationId, RelationshipId,
    RelationshipKind, RelationshipStatus, Revision,
};

/// The longest note on a relationship or one of its status changes.
const NOTE_MAX: usize = 2_000;
/// The longest summary of an interaction.
const SUMMARY_MAX: usize = 5_000;

/// A new relationship, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationshipDraft {
    /// Kind.
    pub kind: Option<RelationshipKind>,
    /// Korean local government.
    pub local_government_code: String,
    /// Foreign local government (organisation id).
    pub partner_organisation_id: String,
    /// PROPOSED (default) or ACTIVE.
    pub status: Option<RelationshipStatus>,
    /// Signing date.
    pub signed_on: String,
    /// Note.
    pub note: String,
}

/// A checked new relationship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelationship {
    /// Kind.
    pub kind: RelationshipKind,
    /// Korean local government.
    pub local_government_code: LocalGovernmentCode,
    /// Foreign local government (organisation id; that it is one is checked on write).
    pub partner: OrganisationId,
    /// PROPOSED or ACTIVE.
    pub status: RelationshipStatus,
    /// Signing date.
    pub signed_on: Option<IsoDate>,
    /// Note, trimmed (may be empty).
    pub note: String,
}

impl NewRelationship {
    /// Parses a draft: a kind, the two parties, a first status of PROPOSED (the default) or
    /// ACTIVE, an optional signing date and a note of at most 2,000 characters.
    pub fn parse(d: &RelationshipDraft) -> Result<Self, InvalidInput> {
        let kind = d
            .kind
            .ok_or_else(|| InvalidInput::new("kind", "is required"))?;
        let local_government_code =
            LocalGovernmentCode::parse(&d.local_government_code, "localGovernmentCode")?;
        let partner = OrganisationId::parse(&d.partner_organisation_id, "partnerOrganisationId")?;
        let status = d.status.unwrap_or(RelationshipStatus::Proposed);
        if !matches!(
            status,
            RelationshipStatus::Proposed | RelationshipStatus::Active
        ) {
            return Err(InvalidInput::new(
                "status",
                "a new relationship is PROPOSED or ACTIVE",
            ));
        }
        Ok(NewRelationship {
            kind,
            local_government_code,
            partner,
            status,
            signed_on: IsoDate::parse_optional(&d.signed_on, "signedOn")?,
            note: bounded(&d.note, "note", 0, NOTE_MAX)?,
        })
    }
}

/// A checked move of a relationship to another status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipMove {
    /// The relationship.
    pub id: RelationshipId,
    /// The revision the caller saw.
    pub seen: Revision,
    /// The status it moves to.
    pub to: RelationshipStatus,
    /// The day it happened (signing or ending); `None`: today.
    pub on: Option<IsoDate>,
    /// Note, trimmed (may be empty).
    pub note: String,
}

impl RelationshipMove {
    /// Parses a status change as it arrives: the relationship's id, the revision seen, the
    /// status (required), an optional day and a note of at most 2,000 characters.
    pub fn parse(
        id: &str,
        revision: i64,
        status: Option<RelationshipStatus>,
        on: &str,
        note: &str,
    ) -> Result<Self, InvalidInput> {
        Ok(RelationshipMove {
            id: RelationshipId::parse(id, "id")?,
            seen: Revision::parse(revision)?,
            to: status.ok_or_else(|| InvalidInput::new("status", "is required"))?,
            on: IsoDate::parse_optional(on, "on")?,
            note: bounded(note, "note", 0, NOTE_MAX)?,
        })
    }
}

/// The filters of the relationship list, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationshipFilter {
    /// Of this Korean local government.
    pub local_government_code: Option<LocalGovernmentCode>,
    /// With this foreign local government.
    pub partner: Option<OrganisationId>,
    /// Any of these kinds.
    pub kinds: Vec<RelationshipKind>,
    /// Any of these statuses.
    pub statuses: Vec<RelationshipStatus>,
}

impl RelationshipFilter {
    /// Parses the filters as they arrive; an empty code or id filters nothing.
    pub fn parse(
        local_government_code: &str,
        partner_organisation_id: &str,
        kinds: Vec<RelationshipKind>,
        statuses: Vec<RelationshipStatus>,
    ) -> Result<Self, InvalidInput> {
        let local_government_code = (!local_government_code.trim().is_empty())
            .then(|| {
                LocalGovernmentCode::parse(local_government_code, "filter.localGovernmentCode")
            })
            .transpose()?;
        let partner = (!partner_organisation_id.trim().is_empty())
            .then(|| OrganisationId::parse(partner_organisation_id, "filter.partnerOrganisationId"))
            .transpose()?;
        Ok(RelationshipFilter {
            local_government_code,
            partner,
            kinds,
            statuses,
        })
    }
}

/// A new interaction, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InteractionDraft {
    /// The relationship.
    pub relationship_id: String,
    /// Kind.
    pub kind: Option<InteractionKind>,
    /// YYYY-MM-DD.
    pub occurred_on: String,
    /// What happened.
    pub summary: String,
}

/// A checked new interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInteraction {
    /// The relationship whose log it joins.
    pub relationship_id: RelationshipId,
    /// Kind.
    pub kind: InteractionKind,
    /// The day it happened.
    pub occurred_on: IsoDate,
    /// What happened, trimmed (1 to 5,000 characters).
    pub summary: String,
}

impl NewInteraction {
    /// Parses a draft: a kind, the day and a summary of 1 to 5,000 characters, then the
    /// relationship's id.
    pub fn parse(d: &InteractionDraft) -> Result<Self, InvalidInput> {
        let kind = d
            .kind
            .ok_or_else(|| InvalidInput::new("kind", "is required"))?;
        let occurred_on = IsoDate::parse(&d.occurred_on, "occurredOn")?;
        let summary = bounded(&d.summary, "summary", 1, SUMMARY_MAX)?;
        Ok(NewInteraction {
            relationship_id: RelationshipId::parse(&d.relationship_id, "relationshipId")?,
            kind,
            occurred_on,
            summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_relationship_starts_proposed_or_active_and_names_its_bad_field() {
        let draft = RelationshipDraft {
            kind: Some(RelationshipKind::SisterCity),
            local_government_code: "26000".into(),
            partner_organisation_id: crate::domain::OrganisationId::new().to_key(),
            ..RelationshipDraft::default()
        };
        let parsed = NewRelationship::parse(&draft).unwrap();
        assert_eq!(parsed.status, RelationshipStatus::Proposed);
        let ended = RelationshipDraft {
            status: Some(RelationshipStatus::Ended),
            ..draft.clone()
        };
        assert_eq!(
            NewRelationship::parse(&ended).unwrap_err().field(),
            "status"
        );
        let no_kind = RelationshipDraft {
            kind: None,
            ..draft.clone()
        };
        assert_eq!(
            NewRelationship::parse(&no_kind).unwrap_err().field(),
            "kind"
        );
        let long_note = RelationshipDraft {
            note: "가".repeat(NOTE_MAX + 1),
            ..draft
        };
        assert_eq!(
            NewRelationship::parse(&long_note).unwrap_err().field(),
            "note"
        );
    }

    #[test]
    fn filters_and_interactions_name_their_bad_field() {
        assert_eq!(
            RelationshipFilter::parse("busan", "", vec![], vec![])
                .unwrap_err()
                .field(),
            "filter.localGovernmentCode"
        );
        assert_eq!(
            RelationshipFilter::parse("", "", vec![], vec![]).unwrap(),
            RelationshipFilter::default()
        );
        let visit = InteractionDraft {
            relationship_id: "not-an-id".into(),
            kind: Some(InteractionKind::Visit),
            occurred_on: "2026-06-01".into(),
            summary: "Mayor's visit".into(),
        };
        assert_eq!(
            NewInteraction::parse(&visit).unwrap_err().field(),
            "relationshipId"
        );
        let june = InteractionDraft {
            occurred_on: "June".into(),
            ..visit
        };
        assert_eq!(
            NewInteraction::parse(&june).unwrap_err().field(),
            "occurredOn"
        );
    }
}
