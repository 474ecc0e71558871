//! Which entities a request's change touches (what the outbox names besides the request,
//! so consumers drop exactly those cached copies): its local government, its department,
//! its assignee and, for a reply, the message.

use glocal_kit::outbox::EntityRef;

/// The aggregate type of a request in change events.
pub const SERVICE_REQUEST: &str = "ServiceRequest";

/// The aggregate type of the business calendar (one aggregate, [`BUSINESS_CALENDAR_ID`]).
pub const BUSINESS_CALENDAR: &str = "BusinessCalendar";

/// The id of the one business calendar in change events.
pub const BUSINESS_CALENDAR_ID: uuid::Uuid = uuid::Uuid::from_u128(0x0b05_ca1e);

/// The aggregate type of the directory's changes (one aggregate, [`DIRECTORY_ID`]; each
/// change touches the department it is about).
pub const DIRECTORY: &str = "Directory";

/// The id of the directory in change events.
pub const DIRECTORY_ID: uuid::Uuid = uuid::Uuid::from_u128(0xd1_4ec7_0421);

/// The aggregate type of the service-level policies (one aggregate, [`SLA_POLICIES_ID`]).
pub const SLA_POLICIES: &str = "SlaPolicies";

/// The id of the policies in change events.
pub const SLA_POLICIES_ID: uuid::Uuid = uuid::Uuid::from_u128(0x051a_9011_c1e5);

/// The entities a change of a request of `local_government`, routed to `department` and
/// assigned to `assignee`, touches (`message` when it added one).
pub fn request_touches(
    local_government: &str,
    department: Option<&str>,
    assignee: Option<&str>,
    message: Option<String>,
) -> Vec<EntityRef> {
    let mut touched = vec![EntityRef::new("LocalGovernment", local_government)];
    touched.extend(department.map(|d| EntityRef::new("Department", d)));
    touched.extend(assignee.map(|a| EntityRef::new("Staff", a)));
    touched.extend(message.map(|m| EntityRef::new("RequestMessage", m)));
    touched.retain(|r| !r.id.is_empty());
    touched
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_touches_its_local_government_department_assignee_and_message() {
        let touched = request_touches("11000", Some("GAOK"), None, Some("m1".into()));
        assert_eq!(
            touched,
            [
                EntityRef::new("LocalGovernment", "11000"),
                EntityRef::new("Department", "GAOK"),
                EntityRef::new("RequestMessage", "m1"),
            ]
        );
    }
}
