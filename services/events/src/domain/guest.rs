//! Guest registration (issue 25 point 6, ADR 0049): an anonymous visitor asks for a seat at
//! a public forum with a name, an e-mail address, an affiliation and a language; the request
//! waits PENDING_CONFIRMATION (holding no seat) until the guest proves the address with the
//! token e-mailed to them, and only then becomes an ordinary registration under the usual
//! capacity and waitlist rules.
//!
//! ```text
//! PENDING_CONFIRMATION ─confirm→ CONFIRMED   (a registration now exists)
//! PENDING_CONFIRMATION ─expire→  EXPIRED     (the token's deadline passed)
//! ```
//!
//! Everything here is pure: parsing, the e-mail's normal form, the token and its hash, the
//! spam limits and which kinds of event take guests.

use chrono::{DateTime, Duration, Utc};
use glocal_kit::i18n::Message;
use sha2::{Digest, Sha256};

use super::values::bounded;
use super::{EventKind, InvalidInput};

text_enum!(
    /// Where a guest's request for a seat is.
    GuestState, "state" {
        /// Waiting for the guest to confirm their e-mail address; holds no seat.
        PendingConfirmation => "PENDING_CONFIRMATION",
        /// Confirmed: a registration was made from it.
        Confirmed => "CONFIRMED",
        /// Not confirmed in time.
        Expired => "EXPIRED",
    }
);

impl GuestState {
    /// The state as of `now` of a request stored in this state with the deadline
    /// `expires_at`: a pending request past its deadline reads as EXPIRED (what the sweeper
    /// persists); reads write nothing.
    pub fn as_of(self, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> GuestState {
        match self {
            GuestState::PendingConfirmation if expires_at <= now => GuestState::Expired,
            state => state,
        }
    }
}

/// The kinds of event an anonymous guest may register for: forums, which docs/events.md
/// opens to "academia and civic experts". Conferences, workshops and lectures are for
/// officials and partners, who sign in.
pub fn open_to_guests(kind: EventKind) -> bool {
    kind == EventKind::Forum
}

/// The languages a guest's e-mail is written in (the notifier's templates).
pub const GUEST_LANGUAGES: [&str; 4] = ["ko", "en", "zh", "ja"];

/// A guest's request as the visitor sends it, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuestDraft {
    /// Name (required).
    pub name: String,
    /// E-mail address (required): the confirmation goes there.
    pub email: String,
    /// University, institute, civic organisation… (optional).
    pub affiliation: String,
    /// `ko`, `en`, `zh` or `ja` (empty = `en`).
    pub language: String,
    /// The honeypot: a field people never see and robots fill in. Must stay empty.
    pub website: String,
}

/// A parsed guest request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGuest {
    /// Name.
    pub name: String,
    /// The address in normal form.
    pub email: GuestEmail,
    /// Affiliation (may be empty).
    pub affiliation: String,
    /// One of [`GUEST_LANGUAGES`].
    pub language: String,
}

/// Why a guest's request is refused before anything is written (each with a stable code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestRefusal {
    /// The honeypot field was filled in.
    Honeypot,
    /// The event's kind takes no guests.
    NotOpenToGuests,
    /// This address already has a pending request or an active registration for the event.
    Duplicate,
    /// This address has too many pending requests.
    TooManyForEmail,
    /// The event has too many pending guest requests.
    TooManyForEvent,
    /// No pending request has this token.
    TokenUnknown,
    /// The token's deadline passed.
    TokenExpired,
}

impl GuestRefusal {
    /// The stable reason code clients branch on.
    pub fn reason(self) -> &'static str {
        match self {
            GuestRefusal::Honeypot => "GUEST_REJECTED",
            GuestRefusal::NotOpenToGuests => "GUESTS_NOT_ALLOWED",
            GuestRefusal::Duplicate => "GUEST_ALREADY_REGISTERED",
            GuestRefusal::TooManyForEmail => "GUEST_LIMIT_EMAIL",
            GuestRefusal::TooManyForEvent => "GUEST_LIMIT_EVENT",
            GuestRefusal::TokenUnknown => "GUEST_TOKEN_INVALID",
            GuestRefusal::TokenExpired => "GUEST_TOKEN_EXPIRED",
        }
    }

    /// The catalogue message a person reads.
    pub fn message(self, limits: &GuestLimits) -> Message {
        match self {
            GuestRefusal::Honeypot => Message::new("rule-guest-rejected"),
            GuestRefusal::NotOpenToGuests => Message::new("rule-guests-not-allowed"),
            GuestRefusal::Duplicate => Message::new("rule-guest-duplicate"),
            GuestRefusal::TooManyForEmail => {
                Message::new("rule-guest-limit-email").arg("max", limits.per_email)
            }
            GuestRefusal::TooManyForEvent => {
                Message::new("rule-guest-limit-event").arg("max", limits.per_event)
            }
            GuestRefusal::TokenUnknown => Message::new("rule-guest-token-invalid"),
            GuestRefusal::TokenExpired => Message::new("rule-guest-token-expired"),
        }
    }
}

/// The spam limits and the token's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuestLimits {
    /// Pending requests one address may have at a time (over all events).
    pub per_email: u32,
    /// Pending guest requests one event may have at a time.
    pub per_event: u32,
    /// How long a confirmation token is valid.
    pub token_ttl: Duration,
}

impl Default for GuestLimits {
    fn default() -> Self {
        GuestLimits {
            per_email: 3,
            per_event: 200,
            token_ttl: Duration::hours(48),
        }
    }
}

impl GuestLimits {
    /// Whether one more pending request fits, given the pending (unexpired) requests of the
    /// address and of the event.
    pub fn admit(self, pending_of_email: u64, pending_of_event: u64) -> Result<(), GuestRefusal> {
        if pending_of_email >= u64::from(self.per_email) {
            return Err(GuestRefusal::TooManyForEmail);
        }
        if pending_of_event >= u64::from(self.per_event) {
            return Err(GuestRefusal::TooManyForEvent);
        }
        Ok(())
    }
}

/// An e-mail address in normal form: trimmed and lower-cased, so `Kim@Uni.ac.kr ` and
/// `kim@uni.ac.kr` are one guest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GuestEmail(String);

impl GuestEmail {
    /// Parses and normalises an address (BAD_USER_INPUT on `email` otherwise).
    pub fn parse(text: &str) -> Result<GuestEmail, InvalidInput> {
        let t = text.trim().to_lowercase();
        let ok = t.chars().count() <= 254
            && !t
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
            && matches!(t.split_once('@'), Some((local, domain))
                if !local.is_empty() && domain.contains('.') && !domain.contains('@')
                    && !domain.starts_with('.') && !domain.ends_with('.'));
        if ok {
            Ok(GuestEmail(t))
        } else {
            Err(InvalidInput::localized(
                "email",
                Message::new("input-email"),
            ))
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl GuestDraft {
    /// Parses the request. A filled honeypot is refused ([`GuestRefusal::Honeypot`]) before
    /// anything else is looked at.
    pub fn parse(self) -> Result<Result<NewGuest, InvalidInput>, GuestRefusal> {
        if !self.website.trim().is_empty() {
            return Err(GuestRefusal::Honeypot);
        }
        Ok(self.parse_fields())
    }

    fn parse_fields(self) -> Result<NewGuest, InvalidInput> {
        let name = bounded(&self.name, "name", 1, 200)?;
        let email = GuestEmail::parse(&self.email)?;
        let affiliation = bounded(&self.affiliation, "affiliation", 0, 300)?;
        let language = match self.language.trim().to_lowercase().as_str() {
            "" => "en".to_owned(),
            l if GUEST_LANGUAGES.contains(&l) => l.to_owned(),
            other => return Err(InvalidInput::unknown_value("language", other)),
        };
        Ok(NewGuest {
            name,
            email,
            affiliation,
            language,
        })
    }
}

/// A confirmation token: 32 random bytes, URL-safe hex. Only its hash is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct GuestToken(String);

impl std::fmt::Debug for GuestToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GuestToken(…)")
    }
}

impl GuestToken {
    /// A fresh random token.
    pub fn generate() -> Result<GuestToken, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(GuestToken(hex(&bytes)))
    }

    /// A token as the guest sends it back.
    pub fn from_text(text: &str) -> GuestToken {
        GuestToken(text.trim().to_owned())
    }

    /// The token's text (goes into the e-mail only).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored: the SHA-256 of the token, hex.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> GuestDraft {
        GuestDraft {
            name: " Prof. Park ".into(),
            email: " Park@Uni.AC.kr ".into(),
            affiliation: "Seoul National University".into(),
            language: "KO".into(),
            website: String::new(),
        }
    }

    #[test]
    fn parses_and_normalises_the_address() {
        let g = draft().parse().unwrap().unwrap();
        assert_eq!(g.name, "Prof. Park");
        assert_eq!(g.email.as_str(), "park@uni.ac.kr");
        assert_eq!(g.language, "ko");
        let en = GuestDraft {
            language: String::new(),
            ..draft()
        };
        assert_eq!(en.parse().unwrap().unwrap().language, "en");
    }

    #[test]
    fn bad_fields_name_their_field() {
        for (d, field) in [
            (
                GuestDraft {
                    name: " ".into(),
                    ..draft()
                },
                "name",
            ),
            (
                GuestDraft {
                    email: "no-at".into(),
                    ..draft()
                },
                "email",
            ),
            (
                GuestDraft {
                    email: "a@b".into(),
                    ..draft()
                },
                "email",
            ),
            (
                GuestDraft {
                    email: "a b@c.kr".into(),
                    ..draft()
                },
                "email",
            ),
            (
                GuestDraft {
                    language: "fr".into(),
                    ..draft()
                },
                "language",
            ),
        ] {
            assert_eq!(d.parse().unwrap().unwrap_err().field(), field);
        }
    }

    #[test]
    fn the_honeypot_refuses_first() {
        let d = GuestDraft {
            website: "http://spam".into(),
            email: "bad".into(),
            ..draft()
        };
        assert_eq!(d.parse().unwrap_err(), GuestRefusal::Honeypot);
        assert_eq!(GuestRefusal::Honeypot.reason(), "GUEST_REJECTED");
    }

    #[test]
    fn limits() {
        let l = GuestLimits {
            per_email: 2,
            per_event: 3,
            token_ttl: Duration::hours(48),
        };
        assert_eq!(l.admit(0, 0), Ok(()));
        assert_eq!(l.admit(1, 2), Ok(()));
        assert_eq!(l.admit(2, 0), Err(GuestRefusal::TooManyForEmail));
        assert_eq!(l.admit(0, 3), Err(GuestRefusal::TooManyForEvent));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = GuestToken::generate().unwrap();
        let b = GuestToken::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 64);
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), a.expose());
        assert_eq!(
            GuestToken::from_text(&format!(" {} ", a.expose())).hash(),
            a.hash()
        );
        assert_eq!(format!("{a:?}"), "GuestToken(…)");
    }

    #[test]
    fn pending_reads_expired_from_its_deadline_and_only_forums_take_guests() {
        let t = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let s = GuestState::PendingConfirmation;
        assert_eq!(s.as_of(t, t - Duration::seconds(1)), s);
        assert_eq!(s.as_of(t, t), GuestState::Expired);
        assert_eq!(GuestState::Confirmed.as_of(t, t), GuestState::Confirmed);
        assert!(open_to_guests(EventKind::Forum));
        assert!(!open_to_guests(EventKind::Conference));
        assert!(!open_to_guests(EventKind::Lecture));
    }
}
