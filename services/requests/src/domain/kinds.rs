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
        /// Closed (terminal).
        Closed => "CLOSED",
        /// Withdrawn by the requester (terminal).
        Withdrawn => "WITHDRAWN",
        /// Rejected by the bureau (terminal).
        Rejected => "REJECTED",
        /// Reopened by the requester after the final response.
        Reopened => "REOPENED",
        /// Staff asked the requester a question; the service-level clock stands still
        /// until the requester replies.
        AwaitingRequester => "AWAITING_REQUESTER",
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

impl RequestState {
    /// No further change is possible.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            RequestState::Closed | RequestState::Withdrawn | RequestState::Rejected
        )
    }

    /// The bureau still owes work: neither terminal nor answered in full. Such requests
    /// count towards a staff member's load and can be overdue.
    pub const fn is_open(self) -> bool {
        !self.is_terminal() && !matches!(self, RequestState::FinalResponded)
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
    fn open_and_terminal_states() {
        assert_eq!(
            RequestState::ALL.iter().filter(|s| s.is_terminal()).count(),
            3
        );
        assert!(!RequestState::FinalResponded.is_open());
        assert!(RequestState::Reopened.is_open());
        assert_eq!(RequestState::open_states().len(), 7);
        assert!(RequestState::AwaitingRequester.is_open());
        assert!(RequestState::AwaitingRequester.is_paused());
    }
}
