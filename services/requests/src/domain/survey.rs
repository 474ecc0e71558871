//! The satisfaction survey: after the final response the requester rates the answer (1–5,
//! with an optional comment), once per request, and may change the rating within the
//! reopen window. The rule of who may rate when is [`check_rating`]; the refusals carry
//! stable reasons (see [`glocal_kit::error::Refusal`]).

use chrono::{DateTime, Datelike, Duration, FixedOffset, Utc};
use glocal_kit::bounded_text;
use glocal_kit::error::{ErrorCode, Refusal};

use super::{InvalidInput, RequestState, RequestType};

/// The answer is not final yet (CONFLICT).
pub const NOT_ANSWERED: &str = "SURVEY_NOT_ANSWERED";
/// Only the person who filed the request rates it (FORBIDDEN).
pub const NOT_REQUESTER: &str = "SURVEY_NOT_REQUESTER";
/// The rating may no longer change: the reopen window passed (CONFLICT).
pub const WINDOW_CLOSED: &str = "SURVEY_WINDOW_CLOSED";

/// A rating of the answer: 1 (poor) to 5 (excellent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rating(u8);

impl Rating {
    /// Parses a rating; field `rating`, BAD_USER_INPUT outside 1..=5.
    pub fn parse(n: i64) -> Result<Self, InvalidInput> {
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=5).contains(n))
            .map(Rating)
            .ok_or_else(|| InvalidInput::new("rating", "must be between 1 and 5"))
    }

    /// The number.
    pub const fn get(self) -> u8 {
        self.0
    }
}

bounded_text!(
    /// The requester's comment on the answer: 1..=2 000 characters (empty means none).
    SurveyComment, "comment", 1, 2_000
);

impl SurveyComment {
    /// An optional comment: blank is none.
    pub fn parse_optional(s: &str) -> Result<Option<Self>, InvalidInput> {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            SurveyComment::parse(s).map(Some)
        }
    }
}

/// A requester's rating of a request's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyResponse {
    /// 1..=5.
    pub rating: Rating,
    /// Optional comment.
    pub comment: Option<String>,
    /// Who rated (the requester's subject).
    pub respondent_subject: String,
    /// Their name.
    pub respondent_name: String,
    /// When first rated.
    pub submitted_at: DateTime<Utc>,
    /// When last changed (equal to `submitted_at` until changed).
    pub updated_at: DateTime<Utc>,
}

/// What the survey rule needs to know of a request.
#[derive(Debug, Clone, Copy)]
pub struct RatingFacts<'a> {
    /// The request's state.
    pub state: RequestState,
    /// When the final response was sent.
    pub final_responded_at: Option<DateTime<Utc>>,
    /// Who filed it.
    pub requester_subject: &'a str,
    /// Whether it was rated before.
    pub rated: bool,
}

/// Whether `subject` may rate (or, when `facts.rated`, change the rating of) a request at
/// `now`, with the reopen window `window`: only its requester, only once it stands
/// answered (final response sent, or closed after it), a change only within the window.
pub fn check_rating(
    facts: RatingFacts<'_>,
    subject: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), Refusal> {
    if facts.requester_subject != subject {
        return Err(Refusal::new(
            ErrorCode::Forbidden,
            NOT_REQUESTER,
            "only the person who filed the request may rate its answer",
        ));
    }
    let answered = match (facts.state, facts.final_responded_at) {
        (RequestState::FinalResponded | RequestState::Closed, Some(at)) => at,
        _ => {
            return Err(Refusal::said(
                ErrorCode::Conflict,
                NOT_ANSWERED,
                glocal_kit::i18n::Message::new("rule-survey-not-answered")
                    .arg("state", facts.state),
            ));
        }
    };
    if facts.rated && now > answered + window {
        return Err(Refusal::said(
            ErrorCode::Conflict,
            WINDOW_CLOSED,
            glocal_kit::i18n::Message::new("rule-survey-window-closed")
                .arg(
                    "at",
                    (answered + window).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                )
                .arg("days", window.num_days()),
        ));
    }
    Ok(())
}

/// The month (`YYYY-MM`, Korea Standard Time) an instant falls in, as the statistics group.
pub fn kst_month(at: DateTime<Utc>) -> String {
    let kst = FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset");
    let local = at.with_timezone(&kst);
    format!("{:04}-{:02}", local.year(), local.month())
}

/// Ratings of one department, request type and month.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyFigures {
    /// The department (`None`: not routed to one).
    pub department_code: Option<String>,
    /// The request type.
    pub request_type: RequestType,
    /// `YYYY-MM` (KST) of the rating.
    pub month: String,
    /// How many ratings.
    pub count: u64,
    /// Their mean.
    pub average: f64,
    /// How many of each rating, 1 to 5.
    pub distribution: [u64; 5],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn ratings_are_one_to_five() {
        assert_eq!(Rating::parse(1).unwrap().get(), 1);
        assert_eq!(Rating::parse(5).unwrap().get(), 5);
        for bad in [0, 6, -1, 300] {
            assert_eq!(Rating::parse(bad).unwrap_err().field(), "rating");
        }
        assert_eq!(SurveyComment::parse_optional("  ").unwrap(), None);
        assert!(SurveyComment::parse_optional(&"가".repeat(2_001)).is_err());
    }

    #[test]
    fn who_may_rate_when() {
        let answered = at("2026-12-01T10:00:00Z");
        let window = Duration::days(14);
        let facts = |state, rated| RatingFacts {
            state,
            final_responded_at: Some(answered),
            requester_subject: "alice",
            rated,
        };
        let later = answered + Duration::days(20);
        assert!(
            check_rating(
                facts(RequestState::FinalResponded, false),
                "alice",
                later,
                window
            )
            .is_ok()
        );
        assert!(check_rating(facts(RequestState::Closed, true), "alice", answered, window).is_ok());
        let e =
            check_rating(facts(RequestState::Closed, true), "alice", later, window).unwrap_err();
        assert_eq!((e.code, e.reason), (ErrorCode::Conflict, WINDOW_CLOSED));
        let e = check_rating(
            facts(RequestState::FinalResponded, false),
            "bob",
            answered,
            window,
        )
        .unwrap_err();
        assert_eq!((e.code, e.reason), (ErrorCode::Forbidden, NOT_REQUESTER));
        for state in [
            RequestState::MidResponded,
            RequestState::Reopened,
            RequestState::Withdrawn,
        ] {
            let e = check_rating(facts(state, false), "alice", answered, window).unwrap_err();
            assert_eq!((e.code, e.reason), (ErrorCode::Conflict, NOT_ANSWERED));
        }
    }

    #[test]
    fn months_are_korean() {
        assert_eq!(kst_month(at("2026-11-30T15:30:00Z")), "2026-12");
        assert_eq!(kst_month(at("2026-11-30T14:59:00Z")), "2026-11");
    }
}
