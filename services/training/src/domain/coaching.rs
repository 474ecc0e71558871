//! Coaching on international exchange (ADR 0050): coaches chosen from the partner network's
//! foreign advisors, with the areas they coach in; one engagement per basic local government
//! (city, county, district) and edition of a COACHING programme, with its theme, coach,
//! sessions and the plan delivered at the end. The lifecycle (PLANNED → IN_PROGRESS →
//! PLAN_DELIVERED, or CANCELLED with a reason before the plan), the eligibility rule by
//! local-government level and the inputs as they arrive; pure functions, no I/O.

use std::fmt;

use chrono::{DateTime, Utc};
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;

use super::text::bounded;
use super::{EditionId, InvalidInput, LocalGovernmentCode, ProgrammeKind, Version};

glocal_kit::uuid_id!(
    /// A coach's id (a foreign advisor registered as a coach).
    CoachId, "must be an id (UUID)"
);
glocal_kit::uuid_id!(
    /// A coaching engagement's id.
    EngagementId, "must be an id (UUID)"
);
glocal_kit::uuid_id!(
    /// A partner organisation's id in the research service's network.
    AdvisorOrganisationId, "must be an id (UUID)"
);

/// The stable reason of an engagement for an upper-tier local government (BAD_USER_INPUT).
pub const NOT_A_BASIC_LOCAL_GOVERNMENT: &str = "NOT_A_BASIC_LOCAL_GOVERNMENT";
/// The stable reason of an engagement in an edition of another kind of programme
/// (BAD_USER_INPUT).
pub const NOT_A_COACHING_EDITION: &str = "NOT_A_COACHING_EDITION";
/// The stable reason of a second engagement of one local government in one edition
/// (CONFLICT).
pub const ENGAGEMENT_EXISTS: &str = "COACHING_ENGAGEMENT_EXISTS";
/// The stable reason of a move the lifecycle does not allow (CONFLICT).
pub const ILLEGAL_COACHING_MOVE: &str = "ILLEGAL_COACHING_MOVE";
/// The stable reason of starting an engagement that has no coach yet (CONFLICT).
pub const COACH_REQUIRED: &str = "COACH_REQUIRED";
/// The stable reason of a change to a delivered or cancelled engagement (CONFLICT).
pub const COACHING_FINISHED: &str = "COACHING_FINISHED";
/// The stable reason of attaching a plan document to a cancelled engagement (CONFLICT).
pub const COACHING_CANCELLED: &str = "COACHING_CANCELLED";
/// The stable reason of registering an organisation that is a coach already (CONFLICT).
pub const COACH_EXISTS: &str = "COACH_EXISTS";
/// The stable reason of a coach id that names none (BAD_USER_INPUT).
pub const UNKNOWN_COACH: &str = "UNKNOWN_COACH";

/// The longest theme.
const THEME_MAX: usize = 300;
/// The longest recommended exchange area.
const AREA_MAX: usize = 300;
/// The longest method, content, alternative, note or reason.
const TEXT_MAX: usize = 5_000;
/// The longest place of a session.
const PLACE_MAX: usize = 300;
/// The most alternatives of one plan.
pub const MAX_ALTERNATIVES: usize = 10;
/// The most areas of one coach.
pub const MAX_AREAS: usize = 20;

/// The level of a Korean local government, as the directory names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalGovernmentLevel {
    /// A metropolitan city (upper tier).
    Metropolitan,
    /// A province (upper tier).
    Province,
    /// A city (basic).
    City,
    /// A county (basic).
    County,
    /// An autonomous district (basic).
    District,
}

impl LocalGovernmentLevel {
    /// Parses the directory's name (`METROPOLITAN`, `PROVINCE`, `CITY`, `COUNTY`,
    /// `DISTRICT`); field `localGovernmentLevel`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Ok(match s.trim() {
            "METROPOLITAN" => Self::Metropolitan,
            "PROVINCE" => Self::Province,
            "CITY" => Self::City,
            "COUNTY" => Self::County,
            "DISTRICT" => Self::District,
            other => return Err(InvalidInput::unknown_value("localGovernmentLevel", other)),
        })
    }

    /// The directory's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Metropolitan => "METROPOLITAN",
            Self::Province => "PROVINCE",
            Self::City => "CITY",
            Self::County => "COUNTY",
            Self::District => "DISTRICT",
        }
    }

    /// A city, county or district (the basic tier).
    pub fn is_basic(self) -> bool {
        matches!(self, Self::City | Self::County | Self::District)
    }
}

/// Coaching is for basic local governments only: an upper-tier one (metropolitan city or
/// province) is refused (BAD_USER_INPUT `NOT_A_BASIC_LOCAL_GOVERNMENT`).
pub fn check_coaching_eligibility(level: LocalGovernmentLevel) -> Result<(), Refusal> {
    if level.is_basic() {
        return Ok(());
    }
    Err(Refusal::said(
        ErrorCode::BadUserInput,
        NOT_A_BASIC_LOCAL_GOVERNMENT,
        Message::new("rule-coaching-basic-only").arg("level", level.as_str()),
    ))
}

/// Engagements belong to editions of COACHING programmes (BAD_USER_INPUT
/// `NOT_A_COACHING_EDITION` otherwise).
pub fn check_coaching_programme(kind: ProgrammeKind) -> Result<(), Refusal> {
    if kind == ProgrammeKind::Coaching {
        return Ok(());
    }
    Err(Refusal::said(
        ErrorCode::BadUserInput,
        NOT_A_COACHING_EDITION,
        Message::new("rule-coaching-edition").arg("kind", kind.as_str()),
    ))
}

/// The refusal of a second engagement of `code` in one edition (CONFLICT
/// `COACHING_ENGAGEMENT_EXISTS`).
pub fn engagement_exists(code: &str) -> Refusal {
    Refusal::said(
        ErrorCode::Conflict,
        ENGAGEMENT_EXISTS,
        Message::new("rule-coaching-engagement-exists").arg("code", code),
    )
}

/// The refusal of registering an organisation that is a coach already (CONFLICT
/// `COACH_EXISTS`).
pub fn coach_exists() -> Refusal {
    Refusal::said(
        ErrorCode::Conflict,
        COACH_EXISTS,
        Message::new("rule-coaching-coach-exists"),
    )
}

/// The refusal of a coach id that names none (BAD_USER_INPUT `UNKNOWN_COACH`).
pub fn unknown_coach(id: CoachId) -> Refusal {
    Refusal::said(
        ErrorCode::BadUserInput,
        UNKNOWN_COACH,
        Message::new("input-coaching-unknown-coach").arg("id", id.to_key()),
    )
}

/// Where a coaching engagement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngagementStatus {
    /// Agreed with the local government; sessions may be scheduled, a coach assigned.
    Planned,
    /// Coaching under way (it has a coach).
    InProgress,
    /// The plan and its alternatives are delivered; final.
    PlanDelivered,
    /// Abandoned before the plan, with a reason; final.
    Cancelled,
}

impl EngagementStatus {
    /// Every value.
    pub const ALL: &'static [EngagementStatus] = &[
        EngagementStatus::Planned,
        EngagementStatus::InProgress,
        EngagementStatus::PlanDelivered,
        EngagementStatus::Cancelled,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            EngagementStatus::Planned => "PLANNED",
            EngagementStatus::InProgress => "IN_PROGRESS",
            EngagementStatus::PlanDelivered => "PLAN_DELIVERED",
            EngagementStatus::Cancelled => "CANCELLED",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| InvalidInput::unknown_value("status", s))
    }

    /// Whether an engagement may go from `self` to `to`: PLANNED → IN_PROGRESS →
    /// PLAN_DELIVERED, and PLANNED | IN_PROGRESS → CANCELLED.
    pub fn can_become(self, to: EngagementStatus) -> bool {
        use EngagementStatus::*;
        matches!(
            (self, to),
            (Planned, InProgress | Cancelled) | (InProgress, PlanDelivered | Cancelled)
        )
    }

    /// The move to `to`, or its refusal (CONFLICT `ILLEGAL_COACHING_MOVE`).
    pub fn check_move(self, to: EngagementStatus) -> Result<(), Refusal> {
        if self.can_become(to) {
            return Ok(());
        }
        Err(Refusal::said(
            ErrorCode::Conflict,
            ILLEGAL_COACHING_MOVE,
            Message::new("rule-coaching-move")
                .arg("from", self.as_str())
                .arg("to", to.as_str()),
        ))
    }

    /// PLAN_DELIVERED or CANCELLED: nothing changes any more.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            EngagementStatus::PlanDelivered | EngagementStatus::Cancelled
        )
    }

    /// Refuses a change (coach, sessions) of a finished engagement (CONFLICT
    /// `COACHING_FINISHED`).
    pub fn check_changeable(self) -> Result<(), Refusal> {
        if !self.is_finished() {
            return Ok(());
        }
        Err(Refusal::said(
            ErrorCode::Conflict,
            COACHING_FINISHED,
            Message::new("rule-coaching-finished").arg("status", self.as_str()),
        ))
    }
}

impl EngagementStatus {
    /// Refuses a plan document for a cancelled engagement (CONFLICT `COACHING_CANCELLED`).
    /// The plan's documents (drafts while coaching runs, the final one after delivery) may
    /// be attached in every other status: the coach often sends the document after the
    /// plan was recorded as delivered.
    pub fn check_plan_attachable(self) -> Result<(), Refusal> {
        if self != EngagementStatus::Cancelled {
            return Ok(());
        }
        Err(Refusal::said(
            ErrorCode::Conflict,
            COACHING_CANCELLED,
            Message::new("rule-coaching-plan-cancelled"),
        ))
    }
}

impl fmt::Display for EngagementStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks the move of an engagement in `from` (with a coach or not) to `to`: the lifecycle
/// allows it, and coaching starts (IN_PROGRESS) only with a coach (CONFLICT
/// `COACH_REQUIRED`).
pub fn check_engagement_move(
    from: EngagementStatus,
    to: EngagementStatus,
    has_coach: bool,
) -> Result<(), Refusal> {
    from.check_move(to)?;
    if to == EngagementStatus::InProgress && !has_coach {
        return Err(Refusal::said(
            ErrorCode::Conflict,
            COACH_REQUIRED,
            Message::new("rule-coaching-coach-required"),
        ));
    }
    Ok(())
}

/// An exchange area code, as the research service's area vocabulary spells it: 2 to 40
/// lower-case letters, digits or underscores, starting with a letter.
pub fn parse_area_code(s: &str, field: &str) -> Result<String, InvalidInput> {
    let s = s.trim();
    let ok = (2..=40).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(InvalidInput::localized(
            field,
            Message::new("input-research-area-code").arg("code", s),
        ))
    }
}

/// A foreign advisor of the partner network registered as a coach, as it arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoachDraft {
    /// The research service's organisation (of kind FOREIGN_ADVISOR; the gateway checks).
    pub organisation_id: String,
    /// The exchange areas it coaches in (area codes of the research vocabulary).
    pub area_codes: Vec<String>,
    /// The bureau's private note on the coach (fees, availability): staff only.
    pub note: String,
}

/// A checked new coach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCoach {
    /// The advisor organisation.
    pub organisation_id: AdvisorOrganisationId,
    /// Area codes, at least one, without duplicates, in the order given.
    pub area_codes: Vec<String>,
    /// The private note, trimmed (0 to 5,000 characters).
    pub note: String,
}

impl CoachDraft {
    /// Parses the draft: an organisation id, 1 to 20 area codes and a note.
    pub fn parse(&self) -> Result<NewCoach, InvalidInput> {
        let organisation_id =
            AdvisorOrganisationId::parse(&self.organisation_id, "organisationId")?;
        if self.area_codes.is_empty() {
            return Err(InvalidInput::localized(
                "areaCodes",
                Message::new("input-required"),
            ));
        }
        if self.area_codes.len() > MAX_AREAS {
            return Err(InvalidInput::localized(
                "areaCodes",
                Message::new("input-at-most-items").arg("max", MAX_AREAS),
            ));
        }
        let mut area_codes: Vec<String> = Vec::new();
        for (i, c) in self.area_codes.iter().enumerate() {
            let code = parse_area_code(c, &format!("areaCodes[{i}]"))?;
            if !area_codes.contains(&code) {
                area_codes.push(code);
            }
        }
        Ok(NewCoach {
            organisation_id,
            area_codes,
            note: bounded(&self.note, "note", 0, TEXT_MAX)?,
        })
    }
}

/// A new engagement, as it arrives (the level is the directory's, passed by the gateway).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngagementDraft {
    /// The edition of a COACHING programme.
    pub edition_id: String,
    /// The local government's standard code.
    pub local_government_code: String,
    /// Its level, as the directory knows it.
    pub local_government_level: String,
    /// The chosen theme.
    pub theme: String,
    /// The coach, when already chosen.
    pub coach_id: String,
}

/// A checked new engagement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEngagement {
    /// The edition (that it is of a COACHING programme is checked on write).
    pub edition_id: EditionId,
    /// The local government coached.
    pub local_government_code: LocalGovernmentCode,
    /// Its level (only a basic one is eligible: [`check_coaching_eligibility`]).
    pub level: LocalGovernmentLevel,
    /// The theme, trimmed (1 to 300 characters).
    pub theme: String,
    /// The coach (that it exists is checked on write).
    pub coach_id: Option<CoachId>,
}

impl EngagementDraft {
    /// Parses the draft.
    pub fn parse(&self) -> Result<NewEngagement, InvalidInput> {
        Ok(NewEngagement {
            edition_id: EditionId::parse(&self.edition_id, "editionId")?,
            local_government_code: LocalGovernmentCode::parse(&self.local_government_code)
                .map_err(|e| e.at("localGovernmentCode"))?,
            level: LocalGovernmentLevel::parse(&self.local_government_level)?,
            theme: bounded(&self.theme, "theme", 1, THEME_MAX)?,
            coach_id: optional_coach(&self.coach_id)?,
        })
    }
}

/// An optional coach id: empty is none.
pub fn optional_coach(s: &str) -> Result<Option<CoachId>, InvalidInput> {
    (!s.trim().is_empty())
        .then(|| CoachId::parse(s, "coachId"))
        .transpose()
}

/// A checked move of an engagement (start or cancel; the plan is delivered with
/// [`PlanDraft`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngagementMove {
    /// The engagement.
    pub id: EngagementId,
    /// The version the caller saw.
    pub seen: Version,
    /// IN_PROGRESS or CANCELLED.
    pub to: EngagementStatus,
    /// Why (required to cancel), trimmed.
    pub reason: String,
}

impl EngagementMove {
    /// Parses a move: the status is required, PLAN_DELIVERED goes through the plan
    /// (BAD_USER_INPUT on `status`), a reason up to 5,000 characters is required to cancel.
    pub fn parse(
        id: &str,
        version: i64,
        to: Option<EngagementStatus>,
        reason: &str,
    ) -> Result<Self, InvalidInput> {
        let id = EngagementId::parse(id, "id")?;
        let seen = Version::parse(version)?;
        let to =
            to.ok_or_else(|| InvalidInput::localized("status", Message::new("input-required")))?;
        if to == EngagementStatus::PlanDelivered || to == EngagementStatus::Planned {
            return Err(InvalidInput::localized(
                "status",
                Message::new("input-coaching-move-status"),
            ));
        }
        let min = usize::from(to == EngagementStatus::Cancelled);
        let reason = bounded(reason, "reason", min, TEXT_MAX)?;
        Ok(EngagementMove {
            id,
            seen,
            to,
            reason,
        })
    }
}

/// A coaching session, as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachingSessionDraft {
    /// Starts.
    pub starts_at: DateTime<Utc>,
    /// Ends (not before it starts).
    pub ends_at: DateTime<Utc>,
    /// Where (required unless online).
    pub place: String,
    /// Held online.
    pub online: bool,
    /// What was worked on.
    pub notes: String,
}

/// A checked coaching session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCoachingSession {
    /// Starts.
    pub starts_at: DateTime<Utc>,
    /// Ends.
    pub ends_at: DateTime<Utc>,
    /// Where, trimmed (may be empty when online).
    pub place: String,
    /// Held online.
    pub online: bool,
    /// Notes, trimmed.
    pub notes: String,
}

impl CoachingSessionDraft {
    /// Parses the session: it ends at or after it starts, has a place unless online, and
    /// notes of at most 5,000 characters.
    pub fn parse(&self) -> Result<NewCoachingSession, InvalidInput> {
        if self.ends_at < self.starts_at {
            return Err(InvalidInput::localized(
                "endsAt",
                Message::new("input-coaching-session-ends"),
            ));
        }
        let place = bounded(&self.place, "place", usize::from(!self.online), PLACE_MAX)?;
        Ok(NewCoachingSession {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            place,
            online: self.online,
            notes: bounded(&self.notes, "notes", 0, TEXT_MAX)?,
        })
    }
}

/// The plan delivered at the end of an engagement: the recommended exchange area, method and
/// content, and the alternatives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoachingPlan {
    /// The recommended exchange area (e.g. "youth exchange with a Vietnamese city").
    pub area: String,
    /// The recommended method.
    pub method: String,
    /// The recommended content.
    pub content: String,
    /// Alternatives, each one text, in the order given.
    pub alternatives: Vec<String>,
}

/// The plan as it arrives.
pub type PlanDraft = CoachingPlan;

impl CoachingPlan {
    /// Parses the plan: area (1 to 300 characters), method and content (1 to 5,000) and
    /// 1 to 10 alternatives (each 1 to 5,000).
    pub fn parse(&self) -> Result<CoachingPlan, InvalidInput> {
        if self.alternatives.is_empty() {
            return Err(InvalidInput::localized(
                "plan.alternatives",
                Message::new("input-required"),
            ));
        }
        if self.alternatives.len() > MAX_ALTERNATIVES {
            return Err(InvalidInput::localized(
                "plan.alternatives",
                Message::new("input-at-most-items").arg("max", MAX_ALTERNATIVES),
            ));
        }
        Ok(CoachingPlan {
            area: bounded(&self.area, "plan.area", 1, AREA_MAX)?,
            method: bounded(&self.method, "plan.method", 1, TEXT_MAX)?,
            content: bounded(&self.content, "plan.content", 1, TEXT_MAX)?,
            alternatives: self
                .alternatives
                .iter()
                .enumerate()
                .map(|(i, a)| bounded(a, &format!("plan.alternatives[{i}]"), 1, TEXT_MAX))
                .collect::<Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_lifecycle_graph() {
        use EngagementStatus::*;
        let legal = [
            (Planned, InProgress),
            (InProgress, PlanDelivered),
            (Planned, Cancelled),
            (InProgress, Cancelled),
        ];
        for &from in EngagementStatus::ALL {
            for &to in EngagementStatus::ALL {
                let ok = legal.contains(&(from, to));
                assert_eq!(from.can_become(to), ok, "{from} -> {to}");
                match check_engagement_move(from, to, true) {
                    Ok(()) => assert!(ok),
                    Err(r) => {
                        assert!(!ok);
                        assert_eq!(
                            (r.code, r.reason),
                            (ErrorCode::Conflict, ILLEGAL_COACHING_MOVE)
                        );
                    }
                }
            }
            assert_eq!(EngagementStatus::parse(from.as_str()).unwrap(), from);
        }
        assert_eq!(
            check_engagement_move(Planned, InProgress, false)
                .unwrap_err()
                .reason,
            COACH_REQUIRED
        );
        assert!(check_engagement_move(Planned, Cancelled, false).is_ok());
        assert!(PlanDelivered.check_changeable().is_err());
        assert_eq!(
            Cancelled.check_changeable().unwrap_err().reason,
            COACHING_FINISHED
        );
        assert!(Planned.check_changeable().is_ok() && InProgress.check_changeable().is_ok());
    }

    #[test]
    fn plan_documents_go_to_every_engagement_but_a_cancelled_one() {
        use EngagementStatus::*;
        for status in [Planned, InProgress, PlanDelivered] {
            assert!(status.check_plan_attachable().is_ok(), "{status}");
        }
        let refused = Cancelled.check_plan_attachable().unwrap_err();
        assert_eq!(
            (refused.code, refused.reason),
            (ErrorCode::Conflict, COACHING_CANCELLED)
        );
        assert_eq!(refused.said.unwrap().key, "rule-coaching-plan-cancelled");
    }

    #[test]
    fn only_basic_local_governments_are_coached() {
        for (name, basic) in [
            ("METROPOLITAN", false),
            ("PROVINCE", false),
            ("CITY", true),
            ("COUNTY", true),
            ("DISTRICT", true),
        ] {
            let level = LocalGovernmentLevel::parse(name).unwrap();
            assert_eq!(level.as_str(), name);
            let r = check_coaching_eligibility(level);
            assert_eq!(r.is_ok(), basic, "{name}");
            if let Err(r) = r {
                assert_eq!(
                    (r.code, r.reason),
                    (ErrorCode::BadUserInput, NOT_A_BASIC_LOCAL_GOVERNMENT)
                );
                assert_eq!(r.said.unwrap().key, "rule-coaching-basic-only");
            }
        }
        assert_eq!(
            LocalGovernmentLevel::parse("VILLAGE").unwrap_err().field(),
            "localGovernmentLevel"
        );
        assert!(check_coaching_programme(ProgrammeKind::Coaching).is_ok());
        assert_eq!(
            check_coaching_programme(ProgrammeKind::Academy)
                .unwrap_err()
                .reason,
            NOT_A_COACHING_EDITION
        );
    }

    #[test]
    fn drafts_name_their_bad_field() {
        let coach = CoachDraft {
            organisation_id: AdvisorOrganisationId::new().to_key(),
            area_codes: vec!["youth".into(), " youth ".into(), "culture_arts".into()],
            note: " fee 300,000 KRW per session ".into(),
        };
        let c = coach.parse().unwrap();
        assert_eq!(c.area_codes, vec!["youth", "culture_arts"]);
        assert_eq!(c.note, "fee 300,000 KRW per session");
        let field = |d: CoachDraft| d.parse().unwrap_err().field().to_owned();
        assert_eq!(
            field(CoachDraft {
                area_codes: vec![],
                ..coach.clone()
            }),
            "areaCodes"
        );
        assert_eq!(
            field(CoachDraft {
                area_codes: vec!["youth".into(), "Youth!".into()],
                ..coach.clone()
            }),
            "areaCodes[1]"
        );
        assert_eq!(
            field(CoachDraft {
                organisation_id: "nope".into(),
                ..coach
            }),
            "organisationId"
        );

        let draft = EngagementDraft {
            edition_id: EditionId::new().to_key(),
            local_government_code: "11110".into(),
            local_government_level: "DISTRICT".into(),
            theme: " Sister-city exchange with Vietnam ".into(),
            coach_id: String::new(),
        };
        let e = draft.parse().unwrap();
        assert_eq!(e.theme, "Sister-city exchange with Vietnam");
        assert_eq!(e.coach_id, None);
        let field = |d: EngagementDraft| d.parse().unwrap_err().field().to_owned();
        for (d, f) in [
            (
                EngagementDraft {
                    theme: " ".into(),
                    ..draft.clone()
                },
                "theme",
            ),
            (
                EngagementDraft {
                    local_government_code: "seoul".into(),
                    ..draft.clone()
                },
                "localGovernmentCode",
            ),
            (
                EngagementDraft {
                    coach_id: "x".into(),
                    ..draft.clone()
                },
                "coachId",
            ),
            (
                EngagementDraft {
                    local_government_level: String::new(),
                    ..draft
                },
                "localGovernmentLevel",
            ),
        ] {
            assert_eq!(field(d), f);
        }

        let id = EngagementId::new().to_key();
        let mv = |to, reason: &str| EngagementMove::parse(&id, 1, to, reason);
        assert_eq!(
            mv(Some(EngagementStatus::Cancelled), " ")
                .unwrap_err()
                .field(),
            "reason"
        );
        assert_eq!(
            mv(Some(EngagementStatus::PlanDelivered), "")
                .unwrap_err()
                .field(),
            "status"
        );
        assert_eq!(mv(None, "").unwrap_err().field(), "status");
        assert!(mv(Some(EngagementStatus::InProgress), "").is_ok());
    }

    #[test]
    fn sessions_and_plans() {
        let at = |h| Utc.with_ymd_and_hms(2026, 5, 12, h, 0, 0).unwrap();
        let s = CoachingSessionDraft {
            starts_at: at(10),
            ends_at: at(12),
            place: String::new(),
            online: true,
            notes: "Kick-off".into(),
        };
        assert!(s.parse().is_ok());
        let field = |d: CoachingSessionDraft| d.parse().unwrap_err().field().to_owned();
        assert_eq!(
            field(CoachingSessionDraft {
                online: false,
                ..s.clone()
            }),
            "place"
        );
        assert_eq!(
            field(CoachingSessionDraft {
                ends_at: at(9),
                ..s
            }),
            "endsAt"
        );
        let plan = CoachingPlan {
            area: "Youth exchange".into(),
            method: "Online pen-pal programme, then a visit".into(),
            content: "Two schools per side".into(),
            alternatives: vec!["Sports exchange".into()],
        };
        assert_eq!(plan.parse().unwrap(), plan);
        let field = |p: CoachingPlan| p.parse().unwrap_err().field().to_owned();
        assert_eq!(
            field(CoachingPlan {
                alternatives: vec![],
                ..plan.clone()
            }),
            "plan.alternatives"
        );
        assert_eq!(
            field(CoachingPlan {
                alternatives: vec!["a".into(), " ".into()],
                ..plan.clone()
            }),
            "plan.alternatives[1]"
        );
        assert_eq!(
            field(CoachingPlan {
                method: String::new(),
                ..plan
            }),
            "plan.method"
        );
    }
}
