//! Erasure of a person's data (ADR 0040): a person asks the bureau to erase what it holds
//! about them; a bureau administrator approves or rejects the request; an approved request
//! erases the person everywhere (the notifier's own data at once, every other service on the
//! `PersonErased` event). Pure rules: no I/O.

use glocal_kit::domain::InvalidInput;
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;

/// Longest reason or decision note, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Where an erasure request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureState {
    /// Asked; waiting for an administrator.
    Pending,
    /// Approved: the person's data is erased.
    Approved,
    /// Rejected, with the administrator's reason.
    Rejected,
}

impl ErasureState {
    /// Its stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErasureState::Pending => "PENDING",
            ErasureState::Approved => "APPROVED",
            ErasureState::Rejected => "REJECTED",
        }
    }

    /// The state of a stored name (`None` for anything else).
    pub fn from_name(name: &str) -> Option<ErasureState> {
        [
            ErasureState::Pending,
            ErasureState::Approved,
            ErasureState::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }

    /// The state a caller named on `field` (BAD_USER_INPUT otherwise).
    pub fn parse(field: &str, name: &str) -> Result<ErasureState, InvalidInput> {
        ErasureState::from_name(name.trim()).ok_or_else(|| {
            InvalidInput::localized(
                field,
                Message::new("input-unknown-value").arg("value", name.trim()),
            )
        })
    }
}

/// A person's reason or an administrator's note: trimmed, at most [`MAX_NOTE_CHARS`].
pub fn note(field: &str, text: &str) -> Result<String, InvalidInput> {
    let text = text.trim();
    let got = text.chars().count();
    if got > MAX_NOTE_CHARS {
        return Err(InvalidInput::localized(
            field,
            Message::new("input-too-long")
                .arg("max", MAX_NOTE_CHARS as i64)
                .arg("got", got as i64),
        ));
    }
    Ok(text.to_owned())
}

/// Whether a person may ask now: not while an earlier request of theirs is pending
/// (CONFLICT `ERASURE_ALREADY_PENDING`).
pub fn may_ask(pending: bool) -> Result<(), Refusal> {
    if pending {
        return Err(Refusal::said(
            ErrorCode::Conflict,
            "ERASURE_ALREADY_PENDING",
            Message::new("rule-erasure-already-pending"),
        ));
    }
    Ok(())
}

/// The state after an administrator's decision on a request in `state`: only a pending
/// request is decided (CONFLICT `ERASURE_ALREADY_DECIDED`), and a rejection says why
/// (BAD_USER_INPUT on `note`).
pub fn decide(state: ErasureState, approve: bool, note: &str) -> Result<ErasureState, Refusal> {
    if state != ErasureState::Pending {
        return Err(Refusal::said(
            ErrorCode::Conflict,
            "ERASURE_ALREADY_DECIDED",
            Message::new("rule-erasure-already-decided").arg("state", state.as_str()),
        ));
    }
    if approve {
        return Ok(ErasureState::Approved);
    }
    if note.trim().is_empty() {
        return Err(Refusal::said(
            ErrorCode::BadUserInput,
            "ERASURE_REJECTION_NEEDS_REASON",
            Message::new("rule-erasure-rejection-needs-reason"),
        ));
    }
    Ok(ErasureState::Rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pending_request_is_decided_and_a_rejection_says_why() {
        assert_eq!(
            decide(ErasureState::Pending, true, ""),
            Ok(ErasureState::Approved)
        );
        assert_eq!(
            decide(ErasureState::Pending, false, "legal hold: open audit"),
            Ok(ErasureState::Rejected)
        );
        assert_eq!(
            decide(ErasureState::Pending, false, "  ")
                .unwrap_err()
                .reason,
            "ERASURE_REJECTION_NEEDS_REASON"
        );
        for done in [ErasureState::Approved, ErasureState::Rejected] {
            let refused = decide(done, true, "").unwrap_err();
            assert_eq!(
                (refused.code, refused.reason),
                (ErrorCode::Conflict, "ERASURE_ALREADY_DECIDED")
            );
        }
    }

    #[test]
    fn one_pending_request_at_a_time() {
        assert!(may_ask(false).is_ok());
        assert_eq!(may_ask(true).unwrap_err().reason, "ERASURE_ALREADY_PENDING");
    }

    #[test]
    fn states_and_notes_parse_at_the_edge() {
        assert_eq!(
            ErasureState::parse("state", " APPROVED"),
            Ok(ErasureState::Approved)
        );
        assert_eq!(
            ErasureState::parse("state", "DONE").unwrap_err().field(),
            "state"
        );
        assert_eq!(note("reason", "  moving abroad ").unwrap(), "moving abroad");
        assert!(note("reason", &"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
    }
}
