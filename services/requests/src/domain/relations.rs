//! Merging a duplicate into its original and linking related requests (a parent and its
//! children, e.g. a visit arrangement and its interpretation requests): the rules about the
//! pair, pure and in one place (ADR 0024). Who may act (staff handling both requests) is the
//! service's business; so are the locks that make a rule hold under concurrent calls.
//!
//! Refusals carry a stable reason (`extensions.reason`) and a catalogue message in the four
//! languages (`relation-*` keys in kit's `locales`).

use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;

use super::{RequestId, RequestNumber, RequestState};

/// A request cannot be merged into itself (BAD_USER_INPUT).
pub const MERGE_INTO_ITSELF: &str = "MERGE_INTO_ITSELF";
/// The original was itself merged: no chains (CONFLICT).
pub const MERGE_INTO_MERGED: &str = "MERGE_INTO_MERGED";
/// The original is closed, withdrawn or rejected (CONFLICT).
pub const MERGE_INTO_CLOSED: &str = "MERGE_INTO_CLOSED";
/// The duplicate was already merged into another request (CONFLICT).
pub const MERGE_ALREADY_MERGED: &str = "MERGE_ALREADY_MERGED";
/// The duplicate is answered or done: only a request the bureau still owes work on is
/// merged (CONFLICT).
pub const MERGE_DUPLICATE_CLOSED: &str = "MERGE_DUPLICATE_CLOSED";
/// Other requests were merged into the duplicate: merging it would make a chain (CONFLICT).
pub const MERGE_HAS_DUPLICATES: &str = "MERGE_HAS_DUPLICATES";
/// The duplicate has a parent or children: unlink it first (CONFLICT).
pub const MERGE_LINKED: &str = "MERGE_LINKED";
/// Both requests of a merge or a link must be of one local government (BAD_USER_INPUT).
pub const OTHER_LOCAL_GOVERNMENT: &str = "RELATION_OTHER_LOCAL_GOVERNMENT";
/// A request cannot be its own parent (BAD_USER_INPUT).
pub const LINK_TO_ITSELF: &str = "LINK_TO_ITSELF";
/// A merged request is neither linked nor unlinked (CONFLICT).
pub const LINK_MERGED: &str = "LINK_MERGED";
/// The child already has another parent (CONFLICT).
pub const LINK_HAS_PARENT: &str = "LINK_HAS_PARENT";
/// Links are one level deep: the parent may not be a child, the child may not be a
/// parent; this also rules out every cycle (CONFLICT).
pub const LINK_NESTED: &str = "LINK_NESTED";

/// How a request stands to others: what it was merged into, what was merged into it, its
/// parent and its children (each list in the order the relations were made).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    /// The original it was merged into (its state is then MERGED).
    pub merged_into: Option<RequestId>,
    /// The duplicates merged into it.
    pub merged: Vec<RequestId>,
    /// Its parent.
    pub parent: Option<RequestId>,
    /// Its children.
    pub children: Vec<RequestId>,
}

/// What the rules need to know of one request of a pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationFacts {
    /// Its id.
    pub id: RequestId,
    /// Its number (for messages).
    pub number: RequestNumber,
    /// Its state.
    pub state: RequestState,
    /// Its local government.
    pub local_government: String,
    /// The request it was merged into.
    pub merged_into: Option<RequestId>,
    /// How many requests were merged into it.
    pub merged_in: usize,
    /// Its parent.
    pub parent: Option<RequestId>,
    /// How many children it has.
    pub children: usize,
}

/// What a merge or link call should do when the rules allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Write the change.
    Apply,
    /// It is already so: change nothing, answer as it stands (a repeated call).
    AlreadyDone,
}

fn refuse(code: ErrorCode, reason: &'static str, key: &str, number: &RequestNumber) -> Refusal {
    Refusal::said(
        code,
        reason,
        Message::new(key).arg("number", number.to_string()),
    )
}

/// Whether `duplicate` may be merged into `original`: not into itself, not into a merged,
/// closed, withdrawn or rejected request, not a duplicate merged elsewhere, answered or done,
/// not one that others were merged into (no chains, hence no cycles), not a linked one, and
/// only within one local government. Merging it again into the same original is
/// [`Outcome::AlreadyDone`].
pub fn check_merge(
    duplicate: &RelationFacts,
    original: &RelationFacts,
) -> Result<Outcome, Refusal> {
    use ErrorCode::{BadUserInput, Conflict};
    if duplicate.id == original.id {
        return Err(refuse(
            BadUserInput,
            MERGE_INTO_ITSELF,
            "relation-merge-into-itself",
            &duplicate.number,
        ));
    }
    if duplicate.merged_into == Some(original.id) {
        return Ok(Outcome::AlreadyDone);
    }
    if duplicate.merged_into.is_some() || duplicate.state == RequestState::Merged {
        return Err(refuse(
            Conflict,
            MERGE_ALREADY_MERGED,
            "relation-merge-already-merged",
            &duplicate.number,
        ));
    }
    if original.state == RequestState::Merged {
        return Err(refuse(
            Conflict,
            MERGE_INTO_MERGED,
            "relation-merge-into-merged",
            &original.number,
        ));
    }
    if original.state.is_terminal() {
        return Err(refuse(
            Conflict,
            MERGE_INTO_CLOSED,
            "relation-merge-into-closed",
            &original.number,
        ));
    }
    if !duplicate.state.is_open() {
        return Err(refuse(
            Conflict,
            MERGE_DUPLICATE_CLOSED,
            "relation-merge-duplicate-closed",
            &duplicate.number,
        ));
    }
    if duplicate.merged_in > 0 {
        return Err(refuse(
            Conflict,
            MERGE_HAS_DUPLICATES,
            "relation-merge-has-duplicates",
            &duplicate.number,
        ));
    }
    if duplicate.local_government != original.local_government {
        return Err(refuse(
            BadUserInput,
            OTHER_LOCAL_GOVERNMENT,
            "relation-other-local-government",
            &original.number,
        ));
    }
    if duplicate.parent.is_some() || duplicate.children > 0 {
        return Err(refuse(
            Conflict,
            MERGE_LINKED,
            "relation-merge-linked",
            &duplicate.number,
        ));
    }
    Ok(Outcome::Apply)
}

/// Whether `child` may be linked under `parent`: not to itself, neither merged, one local
/// government, a child has one parent, and links are one level deep (a parent is no child,
/// a child no parent), so no cycle can form. Linking it again under the same parent is
/// [`Outcome::AlreadyDone`].
pub fn check_link(parent: &RelationFacts, child: &RelationFacts) -> Result<Outcome, Refusal> {
    use ErrorCode::{BadUserInput, Conflict};
    if parent.id == child.id {
        return Err(refuse(
            BadUserInput,
            LINK_TO_ITSELF,
            "relation-link-to-itself",
            &child.number,
        ));
    }
    if child.parent == Some(parent.id) {
        return Ok(Outcome::AlreadyDone);
    }
    for side in [parent, child] {
        if side.state == RequestState::Merged {
            return Err(refuse(
                Conflict,
                LINK_MERGED,
                "relation-link-merged",
                &side.number,
            ));
        }
    }
    if parent.local_government != child.local_government {
        return Err(refuse(
            BadUserInput,
            OTHER_LOCAL_GOVERNMENT,
            "relation-other-local-government",
            &child.number,
        ));
    }
    if child.parent.is_some() {
        return Err(refuse(
            Conflict,
            LINK_HAS_PARENT,
            "relation-link-has-parent",
            &child.number,
        ));
    }
    if parent.parent.is_some() {
        return Err(refuse(
            Conflict,
            LINK_NESTED,
            "relation-link-nested",
            &parent.number,
        ));
    }
    if child.children > 0 {
        return Err(refuse(
            Conflict,
            LINK_NESTED,
            "relation-link-nested",
            &child.number,
        ));
    }
    Ok(Outcome::Apply)
}

/// Whether unlinking `child` from `parent` changes anything: [`Outcome::AlreadyDone`] when
/// the child is not under that parent (unlinking is idempotent), refused for a merged
/// request (a merged request keeps no links, so this only happens to a forged pair).
pub fn check_unlink(parent: &RelationFacts, child: &RelationFacts) -> Result<Outcome, Refusal> {
    if child.parent != Some(parent.id) {
        return Ok(Outcome::AlreadyDone);
    }
    if child.state == RequestState::Merged {
        return Err(refuse(
            ErrorCode::Conflict,
            LINK_MERGED,
            "relation-link-merged",
            &child.number,
        ));
    }
    Ok(Outcome::Apply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(serial: i64, state: RequestState) -> RelationFacts {
        RelationFacts {
            id: RequestId::new(),
            number: RequestNumber::new(2026, serial).unwrap(),
            state,
            local_government: "11000".into(),
            merged_into: None,
            merged_in: 0,
            parent: None,
            children: 0,
        }
    }

    fn reason<T: std::fmt::Debug>(r: Result<T, Refusal>) -> (ErrorCode, &'static str) {
        let e = r.unwrap_err();
        (e.code, e.reason)
    }

    #[test]
    fn a_duplicate_merges_into_an_open_or_answered_original_of_its_local_government() {
        let dup = facts(1, RequestState::StaffAssigned);
        for state in [
            RequestState::Registered,
            RequestState::MidResponded,
            RequestState::FinalResponded,
            RequestState::AwaitingRequester,
        ] {
            assert_eq!(check_merge(&dup, &facts(2, state)), Ok(Outcome::Apply));
        }
        let original = facts(2, RequestState::StaffAssigned);
        let mut merged = dup.clone();
        merged.state = RequestState::Merged;
        merged.merged_into = Some(original.id);
        assert_eq!(check_merge(&merged, &original), Ok(Outcome::AlreadyDone));
    }

    #[test]
    fn merges_into_itself_a_merged_or_closed_request_chains_and_other_towns_are_refused() {
        use ErrorCode::{BadUserInput, Conflict};
        let dup = facts(1, RequestState::StaffAssigned);
        let original = facts(2, RequestState::StaffAssigned);
        assert_eq!(
            reason(check_merge(&dup, &dup)),
            (BadUserInput, MERGE_INTO_ITSELF)
        );
        let mut merged = original.clone();
        merged.state = RequestState::Merged;
        merged.merged_into = Some(RequestId::new());
        assert_eq!(
            reason(check_merge(&dup, &merged)),
            (Conflict, MERGE_INTO_MERGED)
        );
        assert_eq!(
            reason(check_merge(&merged, &dup)),
            (Conflict, MERGE_ALREADY_MERGED)
        );
        for state in [
            RequestState::Closed,
            RequestState::Withdrawn,
            RequestState::Rejected,
        ] {
            assert_eq!(
                reason(check_merge(&dup, &facts(3, state))),
                (Conflict, MERGE_INTO_CLOSED)
            );
        }
        for state in [RequestState::FinalResponded, RequestState::Closed] {
            assert_eq!(
                reason(check_merge(&facts(4, state), &original)),
                (Conflict, MERGE_DUPLICATE_CLOSED)
            );
        }
        let mut holding = dup.clone();
        holding.merged_in = 1;
        assert_eq!(
            reason(check_merge(&holding, &original)),
            (Conflict, MERGE_HAS_DUPLICATES)
        );
        let mut busan = original.clone();
        busan.local_government = "26000".into();
        assert_eq!(
            reason(check_merge(&dup, &busan)),
            (BadUserInput, OTHER_LOCAL_GOVERNMENT)
        );
        let mut child = dup.clone();
        child.parent = Some(original.id);
        assert_eq!(
            reason(check_merge(&child, &original)),
            (Conflict, MERGE_LINKED)
        );
    }

    #[test]
    fn links_are_one_level_deep_one_parent_each_and_never_cycle() {
        use ErrorCode::{BadUserInput, Conflict};
        let visit = facts(1, RequestState::StaffAssigned);
        let mut interpretation = facts(2, RequestState::Closed);
        assert_eq!(check_link(&visit, &interpretation), Ok(Outcome::Apply));
        assert_eq!(
            reason(check_link(&visit, &visit)),
            (BadUserInput, LINK_TO_ITSELF)
        );
        interpretation.parent = Some(visit.id);
        assert_eq!(
            check_link(&visit, &interpretation),
            Ok(Outcome::AlreadyDone)
        );
        let other = facts(3, RequestState::Registered);
        assert_eq!(
            reason(check_link(&other, &interpretation)),
            (Conflict, LINK_HAS_PARENT)
        );
        // The child as a parent (a grandchild), or the parent under its own child: nested.
        assert_eq!(
            reason(check_link(&interpretation, &other)),
            (Conflict, LINK_NESTED)
        );
        let mut parent_with_children = visit.clone();
        parent_with_children.children = 1;
        assert_eq!(
            reason(check_link(&other, &parent_with_children)),
            (Conflict, LINK_NESTED)
        );
        let mut merged = other.clone();
        merged.state = RequestState::Merged;
        assert_eq!(reason(check_link(&visit, &merged)), (Conflict, LINK_MERGED));
        let mut busan = other.clone();
        busan.local_government = "26000".into();
        assert_eq!(
            reason(check_link(&visit, &busan)),
            (BadUserInput, OTHER_LOCAL_GOVERNMENT)
        );
        assert_eq!(check_unlink(&visit, &interpretation), Ok(Outcome::Apply));
        assert_eq!(
            check_unlink(&other, &interpretation),
            Ok(Outcome::AlreadyDone)
        );
    }

    #[test]
    fn refusals_say_the_number_in_four_languages() {
        let dup = facts(7, RequestState::StaffAssigned);
        let e = check_merge(&dup, &dup).unwrap_err();
        assert!(e.message.contains("OB-2026-000007"), "{}", e.message);
        let said = e.said.unwrap();
        for lang in glocal_kit::i18n::Lang::ALL {
            let text = said.render(lang);
            assert!(text.contains("OB-2026-000007"), "{lang:?}: {text}");
            assert_ne!(text, said.key);
        }
    }
}
