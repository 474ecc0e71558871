//! The notifier's domain: the kinds of notice ([`NoticeKind`]), the four languages
//! ([`Language`]), contacts and preferences, who gets which notice for a change event
//! ([`select`]), research subscriptions and what they match ([`subscriptions`]), how a
//! notice reads in each language ([`render`]), and the rules of the log of staff reads of
//! personal data ([`reads`]). Pure: no I/O.

pub mod erasure;
pub mod reads;
pub mod render;
pub mod select;
pub mod subscriptions;
mod templates;

use glocal_kit::domain::InvalidInput;

/// The languages every notice exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Korean (the default when a person's language is unknown).
    Ko,
    /// English.
    En,
    /// Chinese.
    Zh,
    /// Japanese.
    Ja,
}

impl Language {
    /// Every language.
    pub const ALL: [Language; 4] = [Language::Ko, Language::En, Language::Zh, Language::Ja];

    /// Its code (`ko`, `en`, `zh`, `ja`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Language::Ko => "ko",
            Language::En => "en",
            Language::Zh => "zh",
            Language::Ja => "ja",
        }
    }

    /// The language of a BCP 47 tag or a token's `locale` claim (`ko`, `ko-KR`, `en_GB`,
    /// `zh-Hant`…); `None` for anything else.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.as_str() == primary)
    }

    /// Parses a language code given by a person (BAD_USER_INPUT on `field` otherwise).
    pub fn parse(field: &str, text: &str) -> Result<Language, InvalidInput> {
        Language::from_tag(text)
            .ok_or_else(|| InvalidInput::new(field, "must be one of ko, en, zh, ja"))
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// A kind of notice: what happened, from the recipient's point of view.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum NoticeKind {
            $($(#[$doc])* $variant,)*
        }

        impl NoticeKind {
            /// Every kind, in the order preferences list them.
            pub const ALL: &'static [NoticeKind] = &[$(NoticeKind::$variant,)*];

            /// Its stable name (`REQUEST_REGISTERED`, …).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(NoticeKind::$variant => $name,)*
                }
            }
        }
    };
}

kinds! {
    /// The requester's request was registered (number and due time).
    RequestRegistered => "REQUEST_REGISTERED",
    /// A request was assigned (or reassigned) to the recipient.
    RequestAssigned => "REQUEST_ASSIGNED",
    /// The requester got a mid-response.
    RequestMidResponse => "REQUEST_MID_RESPONSE",
    /// The bureau asked the requester a question.
    RequestQuestion => "REQUEST_QUESTION",
    /// The requester replied (to the assignee).
    RequestReply => "REQUEST_REPLY",
    /// The requester got the final response.
    RequestFinalResponse => "REQUEST_FINAL_RESPONSE",
    /// The requester's request was merged into another one, its original (ADR 0024).
    RequestMerged => "REQUEST_MERGED",
    /// A request's service level is about to be missed (assignee).
    RequestSlaWarning => "REQUEST_SLA_WARNING",
    /// A request's service level was missed (assignee and department lead).
    RequestSlaBreached => "REQUEST_SLA_BREACHED",
    /// A seat freed up and is offered to the recipient until the offer expires.
    EventSeatOffered => "EVENT_SEAT_OFFERED",
    /// The recipient's event registration is confirmed.
    EventRegistrationConfirmed => "EVENT_REGISTRATION_CONFIRMED",
    /// A guest asked for a seat at a forum: the confirmation code (`token`) and link, by
    /// e-mail only (ADR 0049).
    EventGuestConfirmation => "EVENT_GUEST_CONFIRMATION",
    /// The recipient's training application was accepted.
    ApplicationAccepted => "APPLICATION_ACCEPTED",
    /// The recipient's training application is on the waitlist.
    ApplicationWaitlisted => "APPLICATION_WAITLISTED",
    /// The recipient's training application was refused.
    ApplicationRefused => "APPLICATION_REFUSED",
    /// A training certificate was issued to the recipient.
    CertificateIssued => "CERTIFICATE_ISSUED",
    /// A best practice matching one of the recipient's IMMEDIATE research subscriptions
    /// was published.
    ResearchPracticePublished => "RESEARCH_PRACTICE_PUBLISHED",
    /// The week's best practices matching the recipient's WEEKLY research subscriptions.
    ResearchDigest => "RESEARCH_DIGEST",
}

impl NoticeKind {
    /// Parses a kind's name (BAD_USER_INPUT on `field` otherwise).
    pub fn parse(field: &str, text: &str) -> Result<NoticeKind, InvalidInput> {
        NoticeKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == text.trim())
            .ok_or_else(|| InvalidInput::new(field, "is not a kind of notice"))
    }
}

/// An e-mail address that looks deliverable (one `@`, something on each side, no spaces
/// or angle brackets, at most 254 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an address (BAD_USER_INPUT on `field` otherwise).
    pub fn parse(field: &str, text: &str) -> Result<EmailAddress, InvalidInput> {
        let t = text.trim();
        let ok = t.len() <= 254
            && !t
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';'))
            && matches!(t.split_once('@'), Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.contains('@')
                    && !domain.starts_with('.') && !domain.ends_with('.'));
        if ok {
            Ok(EmailAddress(t.to_owned()))
        } else {
            Err(InvalidInput::new(field, "is not an e-mail address"))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where a contact came from; a person's own edit wins over everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactSource {
    /// The `email`/`locale` claims of the person's token, seen on a change they made.
    Claims,
    /// The person's own edit (`setMyContact`).
    Person,
    /// Demo data.
    Demo,
}

impl ContactSource {
    /// Its stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContactSource::Claims => "CLAIMS",
            ContactSource::Person => "PERSON",
            ContactSource::Demo => "DEMO",
        }
    }

    /// The source of a stored name (`None` for anything else).
    pub fn from_name(text: &str) -> Option<ContactSource> {
        [
            ContactSource::Claims,
            ContactSource::Person,
            ContactSource::Demo,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// True when a contact from `self` may replace one from `stored`: only the person's
    /// own edit replaces their own edit.
    pub fn may_replace(self, stored: ContactSource) -> bool {
        self == ContactSource::Person || stored != ContactSource::Person
    }
}

/// What the notifier knows about reaching a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// Their e-mail address, if known.
    pub email: Option<String>,
    /// Their language, if known.
    pub language: Option<Language>,
    /// Where it came from.
    pub source: ContactSource,
}

/// A person's choice for one kind of notice (both on unless they said otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preference {
    /// The kind.
    pub kind: NoticeKind,
    /// Send it by e-mail.
    pub email: bool,
    /// Keep it in the in-app inbox.
    pub inbox: bool,
}

impl Preference {
    /// The default: e-mail and inbox; a guest's confirmation code only by e-mail (a guest
    /// has no inbox, and the code should not wait in one).
    pub const fn default_for(kind: NoticeKind) -> Preference {
        Preference {
            kind,
            email: true,
            inbox: !matches!(kind, NoticeKind::EventGuestConfirmation),
        }
    }
}

/// Where a notice's e-mail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailStatus {
    /// No e-mail (no address known, or the person turned it off).
    None,
    /// Waiting to be sent, or to be retried.
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// Every attempt failed.
    Failed,
}

impl EmailStatus {
    /// Its stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            EmailStatus::None => "NONE",
            EmailStatus::Pending => "PENDING",
            EmailStatus::Sent => "SENT",
            EmailStatus::Failed => "FAILED",
        }
    }

    /// The status of a stored name.
    pub fn from_name(text: &str) -> Option<EmailStatus> {
        [
            EmailStatus::None,
            EmailStatus::Pending,
            EmailStatus::Sent,
            EmailStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

impl EmailStatus {
    /// Parses the status of an e-mail delivery a bureau admin filters by: `PENDING`,
    /// `SENT` or `FAILED` (a delivery is never `NONE`).
    pub fn parse_delivery(field: &str, text: &str) -> Result<EmailStatus, InvalidInput> {
        match EmailStatus::from_name(text.trim()) {
            Some(s) if s != EmailStatus::None => Ok(s),
            _ => Err(InvalidInput::new(field, "must be PENDING, SENT or FAILED")),
        }
    }

    /// Whether a delivery in this status may be sent again by hand: only a FAILED one (a
    /// PENDING one is still being tried; a SENT one must not go twice).
    pub fn may_resend(self) -> bool {
        self == EmailStatus::Failed
    }
}

/// One e-mail delivery as a bureau admin sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryView {
    /// Its id (the delivery's sequence number).
    pub id: i64,
    /// The notice it sends.
    pub notice_id: uuid::Uuid,
    /// The recipient's subject.
    pub recipient: String,
    /// The notice's kind.
    pub kind: String,
    /// The address it goes to.
    pub address: String,
    /// PENDING, SENT or FAILED.
    pub status: EmailStatus,
    /// Attempts so far.
    pub attempts: i32,
    /// The last attempt's error, if it failed.
    pub last_error: Option<String>,
    /// When it was made.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it is (or was) next tried.
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    /// When the SMTP server accepted it.
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One notice as its recipient sees it in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeView {
    /// Its id.
    pub id: uuid::Uuid,
    /// Its kind.
    pub kind: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Link into the portal.
    pub link: String,
    /// The language it was written in.
    pub language: String,
    /// When it was made.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the recipient marked it read.
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Where its e-mail is.
    pub email_status: EmailStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_come_from_locale_tags() {
        assert_eq!(Language::from_tag("ko-KR"), Some(Language::Ko));
        assert_eq!(Language::from_tag("en_GB"), Some(Language::En));
        assert_eq!(Language::from_tag("zh-Hant"), Some(Language::Zh));
        assert_eq!(Language::from_tag("JA"), Some(Language::Ja));
        assert_eq!(Language::from_tag("fr"), None);
        assert_eq!(
            Language::parse("language", "de").unwrap_err().field(),
            "language"
        );
    }

    #[test]
    fn addresses_parse() {
        assert!(EmailAddress::parse("email", "kim@seoul.go.kr").is_ok());
        for bad in [
            "",
            "kim",
            "kim@",
            "@x.kr",
            "kim@localhost",
            "a b@x.kr",
            "<a@x.kr>",
        ] {
            assert!(EmailAddress::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_a_persons_edit_replaces_their_edit() {
        assert!(!ContactSource::Claims.may_replace(ContactSource::Person));
        assert!(ContactSource::Claims.may_replace(ContactSource::Demo));
        assert!(ContactSource::Person.may_replace(ContactSource::Person));
    }

    #[test]
    fn only_failed_deliveries_are_resent_and_filters_name_a_delivery_status() {
        assert!(EmailStatus::Failed.may_resend());
        for s in [EmailStatus::Pending, EmailStatus::Sent, EmailStatus::None] {
            assert!(!s.may_resend(), "{s:?}");
        }
        assert_eq!(
            EmailStatus::parse_delivery("status", "FAILED").unwrap(),
            EmailStatus::Failed
        );
        for bad in ["NONE", "failed", ""] {
            assert_eq!(
                EmailStatus::parse_delivery("status", bad)
                    .unwrap_err()
                    .field(),
                "status"
            );
        }
    }

    #[test]
    fn kinds_round_trip() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse("kind", kind.as_str()).unwrap(), *kind);
        }
        assert!(NoticeKind::parse("kind", "NOPE").is_err());
    }
}
