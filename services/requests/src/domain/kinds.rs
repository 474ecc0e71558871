//! Enumerations of the workflow: request types (with their service targets), states and
//! message kinds, each with a stable text form used in storage.

use glocal_kit::text_enum;

text_enum!(
    /// What a local government asks the bureau for.
    RequestType, "type" {
        /// Spoken interpretation or document translation.
        InterpretationTranslation => "INTERPRETATION_TRANSLATION",
        /// Support for an exchange with a foreign partner.
        InternationalExchange => "INTERNATIONAL_EXCHANGE",
        /// Support for a delegation travelling abroad.
        OverseasVisit => "OVERSEAS_VISIT",
        /// Research or information about other countries.
        InformationRequest => "INFORMATION_REQUEST",
        /// Anything else.
        GeneralInquiry => "GENERAL_INQUIRY",
    }
);

text_enum!(
    /// Where a request is in the workflow.
    RequestState, "state" {
        /// Received, not yet registered.
        Submitted => "SUBMITTED",
        /// Registered with a number and due times.
        Registered => "REGISTERED",
        /// Routed to a department.
        DepartmentAssigned => "DEPARTMENT_ASSIGNED",
        /// Assigned to a staff member.
        StaffAssigned => "STAFF_ASSIGNED",
        /// A mid-response was sent.
        MidResponded => "MID_RESPONDED",
        /// The final response was sent.
        FinalResponded => "FINAL_RESPONDED",
        /// Closed (terminal; the requester may still reopen it within the reopen window).
        Closed => "CLOSED",
        /// Withdrawn by the requester (terminal).
        Withdrawn => "WITHDRAWN",
        /// Rejected by the bureau (terminal).
        Rejected => "REJECTED",
        /// Reopened by the requester after the final response (or after closing it, within
        /// the reopen window).
        Reopened => "REOPENED",
        /// Staff asked the requester a question; the service-level clock stands still
        /// until the requester replies.
        AwaitingRequester => "AWAITING_REQUESTER",
        /// Merged into another request, its original (terminal; its messages and files are
        /// read from the original, see ADR 0024).
        Merged => "MERGED",
    }
);

text_enum!(
    /// The kind of a message on a request.
    MessageKind, "kind" {
        /// A mid-response with an expected completion time.
        MidResponse => "MID_RESPONSE",
        /// The final response.
        FinalResponse => "FINAL_RESPONSE",
        /// A reply from the requester.
        RequesterReply => "REQUESTER_REPLY",
        /// An internal staff note, never shown to requesters.
        StaffNote => "STAFF_NOTE",
        /// A question from staff to the requester (pauses the clock).
        Question => "QUESTION",
    }
);

text_enum!(
    /// Who may read a history entry. Routing decisions (the rule that fired, the staff member
    /// picked and their load), reassignments, staff notes and service-level marks are the
    /// bureau's internal business; the requester sees the rest.
    HistoryVisibility, "visibility" {
        /// The requester and the bureau.
        Requester => "REQUESTER",
        /// Bureau staff only.
        Internal => "INTERNAL",
    }
);

impl HistoryVisibility {
    /// Who may read the history entry of `action` (as history entries name it).
    pub fn of_action(action: &str) -> Self {
        match action {
            "assign_department"
            | "assign_staff"
            | "reassign"
            | "note"
            | "sla_warning"
            | "sla_breach"
            | "sla_first_response_warning"
            | "sla_first_response_breach"
            | "attach_internal_file" => HistoryVisibility::Internal,
            _ => HistoryVisibility::Requester,
        }
    }
}

impl RequestState {
    /// Done: closed, withdrawn, rejected or merged. No work is owed and nothing changes,
    /// except that a requester may reopen a closed request within the reopen window.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            RequestState::Closed
                | RequestState::Withdrawn
                | RequestState::Rejected
                | RequestState::Merged
        )
    }

    /// The bureau still owes work: neither terminal nor answered in full. Such requests
    /// count towards a staff member's load and can be overdue.
    pub const fn is_open(self) -> bool {
        !self.is_terminal() && !matches!(self, RequestState::FinalResponded)
    }

    /// Whose load a request in this state is, given its assignee (ADR 0057): the
    /// assignee's while it is open, nobody's otherwise.
    pub fn load_holder(self, assignee: Option<&str>) -> Option<&str> {
        assignee.filter(|_| self.is_open())
    }

    /// The clock is paused: the bureau waits for the requester.
    pub const fn is_paused(self) -> bool {
        matches!(self, RequestState::AwaitingRequester)
    }

    /// States that count as open (see [`RequestState::is_open`]).
    pub fn open_states() -> Vec<RequestState> {
        RequestState::ALL
            .iter()
            .copied()
            .filter(|s| s.is_open())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip() {
        for t in RequestType::ALL {
            assert_eq!(RequestType::parse(t.as_str()).unwrap(), *t);
        }
        for s in RequestState::ALL {
            assert_eq!(RequestState::parse(s.as_str()).unwrap(), *s);
        }
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::parse(k.as_str()).unwrap(), *k);
        }
        assert_eq!(RequestType::parse("PIZZA").unwrap_err().field(), "type");
    }

    #[test]
    fn routing_and_staff_business_is_internal_history() {
        use super::HistoryVisibility::{Internal, Requester};
        for action in [
            "assign_department",
            "assign_staff",
            "reassign",
            "note",
            "sla_warning",
            "sla_breach",
        ] {
            assert_eq!(HistoryVisibility::of_action(action), Internal, "{action}");
        }
        for action in [
            "submit",
            "register",
            "mid_response",
            "final_response",
            "withdraw",
            "reject",
            "close",
            "reopen",
            "ask_requester",
            "resume",
            "merge",
            "merge_in",
            "link_parent",
            "link_child",
            "unlink_parent",
            "unlink_child",
        ] {
            assert_eq!(HistoryVisibility::of_action(action), Requester, "{action}");
        }
    }

    #[test]
    fn open_and_terminal_states() {
        assert_eq!(
            RequestState::ALL.iter().filter(|s| s.is_terminal()).count(),
            4
        );
        assert!(RequestState::Merged.is_terminal() && !RequestState::Merged.is_open());
        assert!(!RequestState::FinalResponded.is_open());
        assert!(RequestState::Reopened.is_open());
        assert_eq!(RequestState::open_states().len(), 7);
        assert!(RequestState::AwaitingRequester.is_open());
        assert!(RequestState::AwaitingRequester.is_paused());
    }
}
