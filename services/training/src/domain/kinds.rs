//! Enumerations of the training domain, each with a stable text form used in storage and
//! spelled the same way in GraphQL.

use glocal_kit::text_enum;

text_enum!(
    /// The bureau's programmes.
    ProgrammeKind, "kind" {
        /// Invitation fellowship for foreign public officials (K2H).
        InvitationFellowship => "INVITATION_FELLOWSHIP",
        /// Overseas benchmarking training for Korean local officials.
        OverseasTraining => "OVERSEAS_TRAINING",
        /// Academy for international affairs.
        Academy => "ACADEMY",
        /// Foreign-language speech contest for local officials.
        SpeechContest => "SPEECH_CONTEST",
        /// Coaching on international exchange for local governments.
        Coaching => "COACHING",
    }
);

text_enum!(
    /// Who applies.
    ApplicantKind, "profile.kind" {
        /// A public official, for themself.
        Official => "OFFICIAL",
        /// A local government, as an organisation.
        LocalGovernment => "LOCAL_GOVERNMENT",
    }
);

text_enum!(
    /// The kind of organisation an applicant belongs to.
    OrganisationType, "profile.organisationType" {
        /// A Korean local government.
        KoreanLocalGovernment => "KOREAN_LOCAL_GOVERNMENT",
        /// A foreign local government.
        ForeignLocalGovernment => "FOREIGN_LOCAL_GOVERNMENT",
        /// Anything else.
        Other => "OTHER",
    }
);

text_enum!(
    /// Which nationalities an edition admits.
    NationalityRule, "eligibility.nationality" {
        /// Anyone.
        Any => "ANY",
        /// Korean nationals only.
        Korean => "KOREAN",
        /// Foreign nationals only.
        Foreign => "FOREIGN",
    }
);

text_enum!(
    /// Where an application is.
    ApplicationState, "state" {
        /// Saved, not yet submitted.
        Draft => "DRAFT",
        /// Submitted and eligible.
        Submitted => "SUBMITTED",
        /// Staff are screening it.
        Screening => "SCREENING",
        /// Reviewers are scoring it (one or more stages).
        UnderReview => "UNDER_REVIEW",
        /// Accepted: a participant.
        Accepted => "ACCEPTED",
        /// On the waitlist, promoted in order when a place frees up.
        Waitlisted => "WAITLISTED",
        /// Rejected (terminal).
        Rejected => "REJECTED",
        /// Withdrawn by the applicant (terminal).
        Withdrawn => "WITHDRAWN",
    }
);

impl ApplicationState {
    /// No further change is possible.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            ApplicationState::Rejected | ApplicationState::Withdrawn
        )
    }

    /// Counts towards "one active application per edition".
    pub const fn is_active(self) -> bool {
        !self.is_terminal()
    }
}

text_enum!(
    /// How staff conclude screening.
    ScreeningOutcome, "outcome" {
        /// Begin screening a submitted application.
        Start => "START",
        /// Screening passed: on to the first review stage.
        Pass => "PASS",
        /// Screening failed: rejected.
        Fail => "FAIL",
    }
);

text_enum!(
    /// A decision on a reviewed (or waitlisted) application.
    Decision, "decision" {
        /// Accept, within capacity.
        Accept => "ACCEPT",
        /// Put on the waitlist.
        Waitlist => "WAITLIST",
        /// Reject.
        Reject => "REJECT",
    }
);

text_enum!(
    /// What a session is.
    SessionKind, "kind" {
        /// Pre-training.
        PreTraining => "PRE_TRAINING",
        /// A lecture.
        Lecture => "LECTURE",
        /// Work at the host local government.
        Placement => "PLACEMENT",
        /// A preliminary round.
        Preliminary => "PRELIMINARY",
        /// The finals.
        Final => "FINAL",
        /// A coaching session.
        Coaching => "COACHING",
        /// The certification ceremony.
        Ceremony => "CEREMONY",
    }
);

text_enum!(
    /// Whether a participant attended a session.
    AttendanceStatus, "entries.status" {
        /// On time.
        Present => "PRESENT",
        /// Late, but there.
        Late => "LATE",
        /// Not there.
        Absent => "ABSENT",
        /// Not there, with an accepted excuse.
        Excused => "EXCUSED",
    }
);

text_enum!(
    /// Who pays a stipend or a cost.
    Payer, "payer" {
        /// The association (the bureau).
        Association => "ASSOCIATION",
        /// The host local government.
        HostLocalGovernment => "HOST_LOCAL_GOVERNMENT",
    }
);

text_enum!(
    /// Where a stipend payment is.
    PaymentState, "state" {
        /// Generated from the policy.
        Scheduled => "SCHEDULED",
        /// Approved for payment.
        Approved => "APPROVED",
        /// Paid (terminal).
        Paid => "PAID",
        /// The transfer failed; may be retried.
        Failed => "FAILED",
    }
);

text_enum!(
    /// A change to a stipend payment.
    PaymentAction, "action" {
        /// SCHEDULED → APPROVED.
        Approve => "APPROVE",
        /// APPROVED → PAID.
        Pay => "PAY",
        /// APPROVED → FAILED.
        Fail => "FAIL",
        /// FAILED → APPROVED.
        Retry => "RETRY",
    }
);

text_enum!(
    /// One eligibility rule.
    EligibilityRule, "rule" {
        /// The edition is published.
        Published => "PUBLISHED",
        /// Today is within the application window.
        ApplicationWindow => "APPLICATION_WINDOW",
        /// The edition takes this kind of applicant.
        ApplicantKind => "APPLICANT_KIND",
        /// The edition takes this kind of organisation.
        OrganisationType => "ORGANISATION_TYPE",
        /// The edition takes this nationality.
        Nationality => "NATIONALITY",
        /// The applicant's administrative grade is in range.
        Grade => "GRADE",
        /// The applicant works in one of the edition's languages.
        Language => "LANGUAGE",
        /// At most one active application per applicant and edition.
        OneActiveApplication => "ONE_ACTIVE_APPLICATION",
    }
);

#[cfg(test)]
mod tests {
    use std::fmt;

    use super::*;
    use crate::domain::InvalidInput;

    fn round_trip<T: Copy + PartialEq + fmt::Debug>(
        all: &[T],
        text: fn(T) -> &'static str,
        parse: fn(&str) -> Result<T, InvalidInput>,
    ) {
        for v in all {
            assert_eq!(parse(text(*v)).unwrap(), *v);
        }
        assert!(parse("NOPE").is_err());
    }

    #[test]
    fn text_forms_round_trip() {
        round_trip(
            ProgrammeKind::ALL,
            ProgrammeKind::as_str,
            ProgrammeKind::parse,
        );
        round_trip(
            ApplicantKind::ALL,
            ApplicantKind::as_str,
            ApplicantKind::parse,
        );
        round_trip(
            OrganisationType::ALL,
            OrganisationType::as_str,
            OrganisationType::parse,
        );
        round_trip(
            NationalityRule::ALL,
            NationalityRule::as_str,
            NationalityRule::parse,
        );
        round_trip(
            ApplicationState::ALL,
            ApplicationState::as_str,
            ApplicationState::parse,
        );
        round_trip(
            ScreeningOutcome::ALL,
            ScreeningOutcome::as_str,
            ScreeningOutcome::parse,
        );
        round_trip(Decision::ALL, Decision::as_str, Decision::parse);
        round_trip(SessionKind::ALL, SessionKind::as_str, SessionKind::parse);
        round_trip(
            AttendanceStatus::ALL,
            AttendanceStatus::as_str,
            AttendanceStatus::parse,
        );
        round_trip(Payer::ALL, Payer::as_str, Payer::parse);
        round_trip(PaymentState::ALL, PaymentState::as_str, PaymentState::parse);
        round_trip(
            PaymentAction::ALL,
            PaymentAction::as_str,
            PaymentAction::parse,
        );
        round_trip(
            EligibilityRule::ALL,
            EligibilityRule::as_str,
            EligibilityRule::parse,
        );
        assert_eq!(ProgrammeKind::parse("X").unwrap_err().field(), "kind");
    }

    #[test]
    fn terminal_and_active_states() {
        let terminal: Vec<_> = ApplicationState::ALL
            .iter()
            .filter(|s| s.is_terminal())
            .collect();
        assert_eq!(
            terminal,
            [&ApplicationState::Rejected, &ApplicationState::Withdrawn]
        );
        assert!(ApplicationState::Waitlisted.is_active());
        assert!(ApplicationState::Draft.is_active());
    }
}
