//! Exchange projects: international projects that grow from an OPEN opportunity of the
//! partner network, with the Korean local governments and partner organisations involved
//! and a log of their interactions. The lifecycle (PROPOSAL → AGREED → RUNNING → CLOSED,
//! or CANCELLED with a reason before it closes), the participant rules and the inputs as
//! they arrive and as the service takes them; pure functions, no I/O.

use std::fmt;

use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;

use super::text::bounded;
use super::{
    ExchangeProjectId, InteractionKind, InvalidInput, IsoDate, Lang, LocalGovernmentCode,
    LocalizedDraft, LocalizedText, OpportunityId, OpportunityStatus, OrganisationId, Revision,
};

/// The stable reason of a move the lifecycle does not allow (CONFLICT).
pub const ILLEGAL_STATUS_MOVE: &str = "ILLEGAL_STATUS_MOVE";
/// The stable reason of a project created from an opportunity that is not OPEN (CONFLICT).
pub const OPPORTUNITY_NOT_OPEN: &str = "OPPORTUNITY_NOT_OPEN";
/// The stable reason of an opportunity id that names none (BAD_USER_INPUT).
pub const UNKNOWN_OPPORTUNITY: &str = "UNKNOWN_OPPORTUNITY";
/// The stable reason of an organisation id that names none (BAD_USER_INPUT).
pub const UNKNOWN_ORGANISATION: &str = "UNKNOWN_ORGANISATION";
/// The stable reason of a local-government code the directory does not know
/// (BAD_USER_INPUT; the gateway checks it against the directory).
pub const UNKNOWN_LOCAL_GOVERNMENT: &str = "UNKNOWN_LOCAL_GOVERNMENT";
/// The stable reason of adding a participant already involved (CONFLICT).
pub const ALREADY_A_PARTICIPANT: &str = "ALREADY_A_PARTICIPANT";
/// The stable reason of removing a participant not involved (CONFLICT).
pub const NOT_A_PARTICIPANT: &str = "NOT_A_PARTICIPANT";
/// The stable reason of removing the last Korean local government (CONFLICT).
pub const LAST_LOCAL_GOVERNMENT: &str = "LAST_LOCAL_GOVERNMENT";
/// The stable reason of a change to a CLOSED or CANCELLED project (CONFLICT).
pub const PROJECT_FINISHED: &str = "PROJECT_FINISHED";

/// The longest title of a project, per language.
const TITLE_MAX: usize = 300;
/// The longest description of a project, per language.
const DESCRIPTION_MAX: usize = 10_000;
/// The longest reason or note of a move.
const NOTE_MAX: usize = 2_000;
/// The longest summary of an interaction.
const SUMMARY_MAX: usize = 5_000;
/// The most participants of each kind on one project.
pub const MAX_PARTICIPANTS: usize = 50;

/// Where an exchange project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectStatus {
    /// Drafted from an opportunity, under discussion.
    Proposal,
    /// The parties agreed to do it.
    Agreed,
    /// Under way.
    Running,
    /// Done.
    Closed,
    /// Abandoned before it closed, with a reason.
    Cancelled,
}

impl ProjectStatus {
    /// Every value.
    pub const ALL: &'static [ProjectStatus] = &[
        ProjectStatus::Proposal,
        ProjectStatus::Agreed,
        ProjectStatus::Running,
        ProjectStatus::Closed,
        ProjectStatus::Cancelled,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Proposal => "PROPOSAL",
            ProjectStatus::Agreed => "AGREED",
            ProjectStatus::Running => "RUNNING",
            ProjectStatus::Closed => "CLOSED",
            ProjectStatus::Cancelled => "CANCELLED",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::localized(
                    "status",
                    Message::new("input-unknown-value").arg("value", s),
                )
            })
    }

    /// Whether a project may go from `self` to `to`: PROPOSAL → AGREED → RUNNING → CLOSED,
    /// and PROPOSAL | AGREED | RUNNING → CANCELLED; CLOSED and CANCELLED are final.
    pub fn can_become(self, to: ProjectStatus) -> bool {
        use ProjectStatus::*;
        matches!(
            (self, to),
            (Proposal, Agreed | Cancelled)
                | (Agreed, Running | Cancelled)
                | (Running, Closed | Cancelled)
        )
    }

    /// The move to `to`, or its refusal (CONFLICT `ILLEGAL_STATUS_MOVE`).
    pub fn check_move(self, to: ProjectStatus) -> Result<(), Refusal> {
        if self.can_become(to) {
            return Ok(());
        }
        Err(Refusal::said(
            ErrorCode::Conflict,
            ILLEGAL_STATUS_MOVE,
            Message::new("rule-project-move")
                .arg("from", self)
                .arg("to", to),
        ))
    }

    /// Visible to everyone, as relationships past negotiation are: AGREED, RUNNING and
    /// CLOSED. A PROPOSAL and a CANCELLED project are for bureau staff and the officials
    /// of the local governments involved.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            ProjectStatus::Agreed | ProjectStatus::Running | ProjectStatus::Closed
        )
    }

    /// CLOSED or CANCELLED: its participants and log no longer change.
    pub fn is_finished(self) -> bool {
        matches!(self, ProjectStatus::Closed | ProjectStatus::Cancelled)
    }

    /// Refuses a change of a finished project's participants or log (CONFLICT
    /// `PROJECT_FINISHED`).
    pub fn check_changeable(self) -> Result<(), Refusal> {
        if !self.is_finished() {
            return Ok(());
        }
        Err(Refusal::said(
            ErrorCode::Conflict,
            PROJECT_FINISHED,
            Message::new("rule-project-finished").arg("status", self),
        ))
    }
}

impl fmt::Display for ProjectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A project may be created from an opportunity in `status` only when it is OPEN
/// (CONFLICT `OPPORTUNITY_NOT_OPEN` otherwise).
pub fn check_opportunity_open(status: OpportunityStatus) -> Result<(), Refusal> {
    if status == OpportunityStatus::Open {
        return Ok(());
    }
    Err(Refusal::said(
        ErrorCode::Conflict,
        OPPORTUNITY_NOT_OPEN,
        Message::new("rule-project-opportunity-not-open").arg("status", status),
    ))
}

/// Someone or something involved in a project.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Participant {
    /// A Korean local government, by its standard code.
    LocalGovernment(LocalGovernmentCode),
    /// A partner organisation of the network.
    Organisation(OrganisationId),
}

impl Participant {
    /// Parses a participant as it arrives: exactly one of a local-government code and an
    /// organisation id.
    pub fn parse(local_government_code: &str, organisation_id: &str) -> Result<Self, InvalidInput> {
        match (
            local_government_code.trim().is_empty(),
            organisation_id.trim().is_empty(),
        ) {
            (false, true) => Ok(Participant::LocalGovernment(LocalGovernmentCode::parse(
                local_government_code,
                "localGovernmentCode",
            )?)),
            (true, false) => Ok(Participant::Organisation(OrganisationId::parse(
                organisation_id,
                "organisationId",
            )?)),
            _ => Err(InvalidInput::localized(
                "participant",
                Message::new("input-project-participant"),
            )),
        }
    }

    /// The participant as its list stores it (code or organisation key).
    pub fn key(&self) -> String {
        match self {
            Participant::LocalGovernment(c) => c.as_str().to_owned(),
            Participant::Organisation(o) => o.to_key(),
        }
    }
}

/// The local governments and organisations involved in a project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participants {
    /// Standard codes of the Korean local governments, in the order they joined.
    pub local_government_codes: Vec<String>,
    /// Ids of the partner organisations, in the order they joined.
    pub organisation_ids: Vec<String>,
}

impl Participants {
    /// Whether the local government `code` is involved.
    pub fn involves_local_government(&self, code: &str) -> bool {
        self.local_government_codes.iter().any(|c| c == code)
    }

    fn list_of(&mut self, p: &Participant) -> &mut Vec<String> {
        match p {
            Participant::LocalGovernment(_) => &mut self.local_government_codes,
            Participant::Organisation(_) => &mut self.organisation_ids,
        }
    }

    /// Adds `p`; CONFLICT `ALREADY_A_PARTICIPANT` when it is involved already.
    pub fn add(&mut self, p: &Participant) -> Result<(), Refusal> {
        let key = p.key();
        let list = self.list_of(p);
        if list.contains(&key) {
            return Err(Refusal::said(
                ErrorCode::Conflict,
                ALREADY_A_PARTICIPANT,
                Message::new("rule-project-participant-exists").arg("participant", &key),
            ));
        }
        if list.len() >= MAX_PARTICIPANTS {
            return Err(Refusal::said(
                ErrorCode::Conflict,
                "TOO_MANY_PARTICIPANTS",
                Message::new("rule-project-participants-max").arg("max", MAX_PARTICIPANTS),
            ));
        }
        list.push(key);
        Ok(())
    }

    /// Removes `p`; CONFLICT `NOT_A_PARTICIPANT` when it is not involved, and
    /// `LAST_LOCAL_GOVERNMENT` for the last Korean local government (a project always has one).
    pub fn remove(&mut self, p: &Participant) -> Result<(), Refusal> {
        let key = p.key();
        let is_lg = matches!(p, Participant::LocalGovernment(_));
        let list = self.list_of(p);
        let Some(at) = list.iter().position(|k| *k == key) else {
            return Err(Refusal::said(
                ErrorCode::Conflict,
                NOT_A_PARTICIPANT,
                Message::new("rule-project-not-a-participant").arg("participant", &key),
            ));
        };
        if is_lg && list.len() == 1 {
            return Err(Refusal::said(
                ErrorCode::Conflict,
                LAST_LOCAL_GOVERNMENT,
                Message::new("rule-project-last-local-government"),
            ));
        }
        list.remove(at);
        Ok(())
    }
}

/// A new exchange project, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectDraft {
    /// The OPEN opportunity it grows from.
    pub opportunity_id: String,
    /// Title per language.
    pub title: LocalizedDraft,
    /// Description per language.
    pub description: LocalizedDraft,
    /// Language it was written in.
    pub original_language: String,
    /// Korean local governments involved (at least one).
    pub local_government_codes: Vec<String>,
    /// Partner organisations involved.
    pub organisation_ids: Vec<String>,
}

/// A checked new exchange project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProject {
    /// The opportunity (that it exists and is OPEN is checked on write).
    pub opportunity_id: OpportunityId,
    /// Title.
    pub title: LocalizedText,
    /// Description.
    pub description: LocalizedText,
    /// Original language.
    pub original_language: Lang,
    /// Who is involved (that the organisations exist is checked on write; the local
    /// governments against the directory by the gateway).
    pub participants: Participants,
}

impl NewProject {
    /// Parses a draft: the opportunity id, a title required in the original language, an
    /// optional description, at least one local-government code and any organisation ids
    /// (duplicates are dropped; at most 50 of each).
    pub fn parse(d: &ProjectDraft) -> Result<Self, InvalidInput> {
        let opportunity_id = OpportunityId::parse(&d.opportunity_id, "opportunityId")?;
        let original_language = Lang::parse(&d.original_language, "originalLanguage")?;
        let title =
            LocalizedText::parse_requiring(&d.title, "title", TITLE_MAX, &[original_language])?;
        let description = LocalizedText::parse(&d.description, "description", DESCRIPTION_MAX)?;
        if d.local_government_codes.is_empty() {
            return Err(InvalidInput::localized(
                "localGovernmentCodes",
                Message::new("input-project-one-local-government"),
            ));
        }
        let mut participants = Participants::default();
        for (list, field, max) in [
            (
                &d.local_government_codes,
                "localGovernmentCodes",
                MAX_PARTICIPANTS,
            ),
            (&d.organisation_ids, "organisationIds", MAX_PARTICIPANTS),
        ] {
            if list.len() > max {
                return Err(InvalidInput::localized(
                    field,
                    Message::new("input-at-most-items").arg("max", max),
                ));
            }
        }
        for (i, c) in d.local_government_codes.iter().enumerate() {
            let code = LocalGovernmentCode::parse(c, &format!("localGovernmentCodes[{i}]"))?;
            if !participants.involves_local_government(code.as_str()) {
                participants
                    .local_government_codes
                    .push(code.as_str().to_owned());
            }
        }
        for (i, o) in d.organisation_ids.iter().enumerate() {
            let key = OrganisationId::parse(o, &format!("organisationIds[{i}]"))?.to_key();
            if !participants.organisation_ids.contains(&key) {
                participants.organisation_ids.push(key);
            }
        }
        Ok(NewProject {
            opportunity_id,
            title,
            description,
            original_language,
            participants,
        })
    }
}

/// A checked move of a project to another status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectMove {
    /// The project.
    pub id: ExchangeProjectId,
    /// The revision the caller saw.
    pub seen: Revision,
    /// The status it moves to.
    pub to: ProjectStatus,
    /// Why (required to cancel), trimmed.
    pub reason: String,
}

impl ProjectMove {
    /// Parses a move as it arrives: the id, the revision seen, the status (required) and a
    /// reason of at most 2,000 characters, required when the project is cancelled.
    pub fn parse(
        id: &str,
        revision: i64,
        to: Option<ProjectStatus>,
        reason: &str,
    ) -> Result<Self, InvalidInput> {
        let id = ExchangeProjectId::parse(id, "id")?;
        let seen = Revision::parse(revision)?;
        let to = to.ok_or_else(|| InvalidInput::new("status", "is required"))?;
        let min = usize::from(to == ProjectStatus::Cancelled);
        let reason = bounded(reason, "reason", min, NOTE_MAX)?;
        Ok(ProjectMove {
            id,
            seen,
            to,
            reason,
        })
    }
}

/// A checked change of a project's participants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantChange {
    /// The project.
    pub id: ExchangeProjectId,
    /// The revision the caller saw.
    pub seen: Revision,
    /// Who joins or leaves.
    pub participant: Participant,
    /// Joins (true) or leaves (false).
    pub add: bool,
}

impl ParticipantChange {
    /// Parses a change as it arrives.
    pub fn parse(
        id: &str,
        revision: i64,
        local_government_code: &str,
        organisation_id: &str,
        add: bool,
    ) -> Result<Self, InvalidInput> {
        Ok(ParticipantChange {
            id: ExchangeProjectId::parse(id, "id")?,
            seen: Revision::parse(revision)?,
            participant: Participant::parse(local_government_code, organisation_id)?,
            add,
        })
    }
}

/// A checked new entry of a project's interaction log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProjectInteraction {
    /// The project whose log it joins.
    pub project_id: ExchangeProjectId,
    /// Kind (the partner network's interaction kinds).
    pub kind: InteractionKind,
    /// The day it happened.
    pub occurred_on: IsoDate,
    /// What happened, trimmed (1 to 5,000 characters).
    pub summary: String,
}

impl NewProjectInteraction {
    /// Parses an entry as it arrives: the project id, a kind, the day and a summary.
    pub fn parse(
        project_id: &str,
        kind: Option<InteractionKind>,
        occurred_on: &str,
        summary: &str,
    ) -> Result<Self, InvalidInput> {
        Ok(NewProjectInteraction {
            project_id: ExchangeProjectId::parse(project_id, "projectId")?,
            kind: kind.ok_or_else(|| InvalidInput::new("kind", "is required"))?,
            occurred_on: IsoDate::parse(occurred_on, "occurredOn")?,
            summary: bounded(summary, "summary", 1, SUMMARY_MAX)?,
        })
    }
}

/// The filters of the project list, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFilter {
    /// Any of these statuses.
    pub statuses: Vec<ProjectStatus>,
    /// Involving this Korean local government.
    pub local_government_code: Option<LocalGovernmentCode>,
    /// Grown from this opportunity.
    pub opportunity_id: Option<OpportunityId>,
}

impl ProjectFilter {
    /// Parses the filters as they arrive; an empty code or id filters nothing.
    pub fn parse(
        statuses: Vec<ProjectStatus>,
        local_government_code: &str,
        opportunity_id: &str,
    ) -> Result<Self, InvalidInput> {
        Ok(ProjectFilter {
            statuses,
            local_government_code: (!local_government_code.trim().is_empty())
                .then(|| {
                    LocalGovernmentCode::parse(local_government_code, "filter.localGovernmentCode")
                })
                .transpose()?,
            opportunity_id: (!opportunity_id.trim().is_empty())
                .then(|| OpportunityId::parse(opportunity_id, "filter.opportunityId"))
                .transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_graph() {
        use ProjectStatus::*;
        let legal = [
            (Proposal, Agreed),
            (Agreed, Running),
            (Running, Closed),
            (Proposal, Cancelled),
            (Agreed, Cancelled),
            (Running, Cancelled),
        ];
        for &from in ProjectStatus::ALL {
            for &to in ProjectStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{from} -> {to}"
                );
                let refused = from.check_move(to).err();
                assert_eq!(refused.is_none(), legal.contains(&(from, to)));
                if let Some(r) = refused {
                    assert_eq!(
                        (r.code, r.reason),
                        (ErrorCode::Conflict, ILLEGAL_STATUS_MOVE)
                    );
                    assert_eq!(r.said.unwrap().key, "rule-project-move");
                }
            }
        }
        assert!(Agreed.is_public() && Running.is_public() && Closed.is_public());
        assert!(!Proposal.is_public() && !Cancelled.is_public());
        assert!(Closed.check_changeable().is_err() && Cancelled.check_changeable().is_err());
        assert!(Running.check_changeable().is_ok());
        for s in ProjectStatus::ALL {
            assert_eq!(ProjectStatus::parse(s.as_str()).unwrap(), *s);
        }
    }

    #[test]
    fn only_an_open_opportunity_grows_a_project() {
        assert!(check_opportunity_open(OpportunityStatus::Open).is_ok());
        for s in [
            OpportunityStatus::Proposed,
            OpportunityStatus::Closed,
            OpportunityStatus::Declined,
        ] {
            assert_eq!(
                check_opportunity_open(s).unwrap_err().reason,
                OPPORTUNITY_NOT_OPEN
            );
        }
    }

    #[test]
    fn participants_join_once_and_one_local_government_stays() {
        let busan = Participant::LocalGovernment(LocalGovernmentCode::parse("26000", "x").unwrap());
        let seoul = Participant::LocalGovernment(LocalGovernmentCode::parse("11000", "x").unwrap());
        let org = Participant::Organisation(OrganisationId::new());
        let mut p = Participants::default();
        p.add(&busan).unwrap();
        assert_eq!(p.add(&busan).unwrap_err().reason, ALREADY_A_PARTICIPANT);
        assert_eq!(p.remove(&busan).unwrap_err().reason, LAST_LOCAL_GOVERNMENT);
        assert_eq!(p.remove(&org).unwrap_err().reason, NOT_A_PARTICIPANT);
        p.add(&seoul).unwrap();
        p.add(&org).unwrap();
        p.remove(&busan).unwrap();
        p.remove(&org).unwrap();
        assert_eq!(p.local_government_codes, vec!["11000".to_owned()]);
        assert!(p.organisation_ids.is_empty());
        assert_eq!(
            Participant::parse("11000", &OrganisationId::new().to_key())
                .unwrap_err()
                .field(),
            "participant"
        );
        assert_eq!(
            Participant::parse("", "x").unwrap_err().field(),
            "organisationId"
        );
    }

    #[test]
    fn drafts_moves_and_entries_name_their_bad_field() {
        let draft = ProjectDraft {
            opportunity_id: OpportunityId::new().to_key(),
            title: LocalizedDraft::of("청소년 기후 캠프", "", "", ""),
            original_language: "ko".into(),
            local_government_codes: vec!["26000".into(), "26000".into()],
            organisation_ids: vec![],
            ..ProjectDraft::default()
        };
        let p = NewProject::parse(&draft).unwrap();
        assert_eq!(
            p.participants.local_government_codes,
            vec!["26000".to_owned()]
        );
        let field = |d: ProjectDraft| NewProject::parse(&d).unwrap_err().field().to_owned();
        assert_eq!(
            field(ProjectDraft {
                opportunity_id: "x".into(),
                ..draft.clone()
            }),
            "opportunityId"
        );
        assert_eq!(
            field(ProjectDraft {
                local_government_codes: vec![],
                ..draft.clone()
            }),
            "localGovernmentCodes"
        );
        assert_eq!(
            field(ProjectDraft {
                local_government_codes: vec!["26000".into(), "busan".into()],
                ..draft.clone()
            }),
            "localGovernmentCodes[1]"
        );
        assert_eq!(
            field(ProjectDraft {
                organisation_ids: vec!["nope".into()],
                ..draft.clone()
            }),
            "organisationIds[0]"
        );
        assert_eq!(
            field(ProjectDraft {
                title: LocalizedDraft::of("", "Camp", "", ""),
                ..draft
            }),
            "title.ko"
        );
        let id = ExchangeProjectId::new().to_key();
        assert_eq!(
            ProjectMove::parse(&id, 1, Some(ProjectStatus::Cancelled), " ")
                .unwrap_err()
                .field(),
            "reason"
        );
        assert!(ProjectMove::parse(&id, 1, Some(ProjectStatus::Agreed), "").is_ok());
        assert_eq!(
            ProjectMove::parse(&id, 0, Some(ProjectStatus::Agreed), "")
                .unwrap_err()
                .field(),
            "revision"
        );
        assert_eq!(
            NewProjectInteraction::parse(&id, Some(InteractionKind::Visit), "June", "x")
                .unwrap_err()
                .field(),
            "occurredOn"
        );
        assert_eq!(
            ProjectFilter::parse(vec![], "busan", "")
                .unwrap_err()
                .field(),
            "filter.localGovernmentCode"
        );
    }
}
