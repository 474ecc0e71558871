//! The call for presentations: contributions with a localized abstract, their review as one
//! pure function, and the research service's best practices an accepted one draws on.
//!
//! ```text
//! SUBMITTED ─accept→ ACCEPTED;  SUBMITTED ─reject→ REJECTED
//! SUBMITTED | ACCEPTED ─withdraw→ WITHDRAWN
//! ACCEPTED ─link_practices→ ACCEPTED
//! ```

use super::values::bounded;
use super::{IdempotencyKey, IllegalTransition, InvalidInput, LocalizedText, TextDraft};

text_enum!(
    /// Where a contribution is in review.
    ContributionState, "state" {
        /// Waiting for review.
        Submitted => "SUBMITTED",
        /// On the programme.
        Accepted => "ACCEPTED",
        /// Not on the programme.
        Rejected => "REJECTED",
        /// Taken back by its submitter.
        Withdrawn => "WITHDRAWN",
    }
);

text_enum!(
    /// What happens to a contribution.
    ContributionAction, "action" {
        /// The bureau accepts it.
        Accept => "accept",
        /// The bureau rejects it.
        Reject => "reject",
        /// The submitter takes it back.
        Withdraw => "withdraw",
        /// The bureau links best practices to an accepted one.
        LinkPractices => "link_practices",
    }
);

/// The state `action` leads to from `state`, or why it may not be taken.
pub fn contribution_transition(
    state: ContributionState,
    action: ContributionAction,
) -> Result<ContributionState, IllegalTransition> {
    use ContributionAction as A;
    use ContributionState::*;
    let next = match (action, state) {
        (A::Accept, Submitted) | (A::LinkPractices, Accepted) => Accepted,
        (A::Reject, Submitted) => Rejected,
        (A::Withdraw, Submitted | Accepted) => Withdrawn,
        _ => {
            return Err(IllegalTransition {
                what: "a contribution",
                state: state.as_str(),
                action: action.as_str(),
            });
        }
    };
    Ok(next)
}

/// Ids of best practices in the research service: at most 20 distinct ids of 1..=64
/// letters, digits, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PracticeIds(Vec<String>);

impl PracticeIds {
    /// Parses the list; field `practiceIds[i]`.
    pub fn parse(ids: &[String]) -> Result<Self, InvalidInput> {
        if ids.len() > 20 {
            return Err(InvalidInput::new("practiceIds", "at most 20 practices"));
        }
        let mut out: Vec<String> = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let id = id.trim();
            let ok = (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !ok {
                return Err(InvalidInput::new(
                    format!("practiceIds[{i}]"),
                    "must be a best-practice id",
                ));
            }
            if !out.iter().any(|o| o == id) {
                out.push(id.to_owned());
            }
        }
        Ok(PracticeIds(out))
    }

    /// The ids, in the order given.
    pub fn ids(&self) -> &[String] {
        &self.0
    }
}

/// A contribution as a client sends it, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContributionDraft {
    /// Makes retries safe; required.
    pub idempotency_key: String,
    /// Title.
    pub title: TextDraft,
    /// Abstract.
    pub abstract_text: TextDraft,
    /// Presenter; empty = the caller's name.
    pub presenter_name: String,
}

/// A validated contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContribution {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// Title (≤ 200 characters per language).
    pub title: LocalizedText,
    /// Abstract (≤ 5 000 characters per language).
    pub abstract_text: LocalizedText,
    /// Presenter.
    pub presenter_name: String,
}

impl ContributionDraft {
    /// Checks every field; `caller_name` stands in for a missing presenter.
    pub fn parse(&self, caller_name: &str) -> Result<NewContribution, InvalidInput> {
        let presenter = if self.presenter_name.trim().is_empty() {
            caller_name
        } else {
            &self.presenter_name
        };
        Ok(NewContribution {
            idempotency_key: IdempotencyKey::parse(&self.idempotency_key)?,
            title: LocalizedText::parse(&self.title, "title", 200)?,
            abstract_text: LocalizedText::parse(&self.abstract_text, "abstract", 5_000)?,
            presenter_name: bounded(presenter, "presenterName", 1, 100)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ContributionAction as A;
    use super::ContributionState::*;
    use super::*;

    const LEGAL: &[(ContributionState, ContributionAction, ContributionState)] = &[
        (Submitted, A::Accept, Accepted),
        (Submitted, A::Reject, Rejected),
        (Submitted, A::Withdraw, Withdrawn),
        (Accepted, A::Withdraw, Withdrawn),
        (Accepted, A::LinkPractices, Accepted),
    ];

    #[test]
    fn every_state_action_pair_is_legal_exactly_when_listed() {
        let mut legal = 0;
        for &state in ContributionState::ALL {
            for &action in ContributionAction::ALL {
                let want = LEGAL
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, to)| *to);
                match (contribution_transition(state, action), want) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want);
                        legal += 1;
                    }
                    (Err(_), None) => {}
                    (got, want) => panic!("{state} --{action}--> got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(legal, LEGAL.len());
    }

    #[test]
    fn practice_ids_dedup_and_name_the_bad_one() {
        let ids = PracticeIds::parse(&["bp-1".into(), "bp-1".into(), "bp_2".into()]).unwrap();
        assert_eq!(ids.ids(), ["bp-1", "bp_2"]);
        assert_eq!(
            PracticeIds::parse(&["ok".into(), "not ok".into()])
                .unwrap_err()
                .field(),
            "practiceIds[1]"
        );
        assert!(PracticeIds::parse(&vec!["x".to_owned(); 21]).is_err());
    }

    #[test]
    fn drafts_need_title_and_abstract() {
        let d = ContributionDraft {
            idempotency_key: "c1".into(),
            title: TextDraft::new("", "Smart ports", "", ""),
            abstract_text: TextDraft::default(),
            presenter_name: String::new(),
        };
        assert_eq!(d.parse("Kim").unwrap_err().field(), "abstract");
        let d = ContributionDraft {
            abstract_text: TextDraft::new("", "How Rotterdam did it", "", ""),
            ..d
        };
        assert_eq!(d.parse("Kim").unwrap().presenter_name, "Kim");
    }
}
