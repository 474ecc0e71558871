//! A partner's own profile: the change a partner organisation proposes to its public profile
//! and contacts, held as a pending revision until bureau staff approve or reject it
//! (ADR 0027). The rules: a partner proposes for its own organisation only, one change of an
//! organisation waits at a time, a change is decided once (PENDING → APPROVED | REJECTED),
//! and a rejection says why. Kind, country and visibility are the bureau's to set: a
//! proposal cannot carry them.

use std::fmt;

use glocal_kit::error::{ErrorCode, Refusal};

use super::text::bounded;
use super::{
    ContactDraft, InvalidInput, Lang, LocalizedDraft, LocalizedText, NewContact, OrganisationId,
    language_codes,
};

/// Refused: a partner names an organisation other than its own.
pub const NOT_OWN_ORGANISATION: &str = "NOT_OWN_ORGANISATION";
/// Refused: the organisation already has a change waiting for review.
pub const PROFILE_CHANGE_PENDING: &str = "PROFILE_CHANGE_PENDING";
/// Refused: the change was approved or rejected already.
pub const PROFILE_CHANGE_DECIDED: &str = "PROFILE_CHANGE_DECIDED";

/// Where a proposed profile change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileChangeStatus {
    /// Waiting for bureau staff; the public sees the approved profile meanwhile.
    Pending,
    /// Applied to the organisation.
    Approved,
    /// Not applied; the reviewer said why.
    Rejected,
}

impl ProfileChangeStatus {
    /// Every status.
    pub const ALL: [ProfileChangeStatus; 3] = [
        ProfileChangeStatus::Pending,
        ProfileChangeStatus::Approved,
        ProfileChangeStatus::Rejected,
    ];

    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProfileChangeStatus::Pending => "PENDING",
            ProfileChangeStatus::Approved => "APPROVED",
            ProfileChangeStatus::Rejected => "REJECTED",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::localized(
                    "status",
                    glocal_kit::i18n::Message::new("input-unknown-value").arg("value", s),
                )
            })
    }

    /// The status a review gives a change in this status: APPROVED or REJECTED from
    /// PENDING; anything else is refused (CONFLICT `PROFILE_CHANGE_DECIDED`).
    pub fn review(self, approve: bool) -> Result<ProfileChangeStatus, Refusal> {
        match (self, approve) {
            (ProfileChangeStatus::Pending, true) => Ok(ProfileChangeStatus::Approved),
            (ProfileChangeStatus::Pending, false) => Ok(ProfileChangeStatus::Rejected),
            _ => Err(change_reviewed()),
        }
    }
}

impl fmt::Display for ProfileChangeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a partner of organisation `caller_org` (its token's organisation claim) may
/// change organisation `target`: only its own (FORBIDDEN `NOT_OWN_ORGANISATION`).
pub fn own_organisation(caller_org: &str, target: OrganisationId) -> Result<(), Refusal> {
    let own = OrganisationId::parse(caller_org, "org").is_ok_and(|own| own == target);
    if own {
        Ok(())
    } else {
        Err(Refusal::new(
            ErrorCode::Forbidden,
            NOT_OWN_ORGANISATION,
            "a partner may change only its own organisation's profile",
        ))
    }
}

/// The refusal of a second proposal while one waits (CONFLICT `PROFILE_CHANGE_PENDING`).
pub fn change_pending() -> Refusal {
    Refusal::new(
        ErrorCode::Conflict,
        PROFILE_CHANGE_PENDING,
        "a change of this profile is already waiting for review",
    )
}

/// The refusal of a second review (CONFLICT `PROFILE_CHANGE_DECIDED`).
pub fn change_reviewed() -> Refusal {
    Refusal::new(
        ErrorCode::Conflict,
        PROFILE_CHANGE_DECIDED,
        "this profile change has already been reviewed",
    )
}

/// Unchecked profile input: what a partner may change of its organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProfileDraft {
    /// Name per language.
    pub name: LocalizedDraft,
    /// Language of the original name.
    pub original_language: String,
    /// City.
    pub city: String,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Web site.
    pub website: String,
    /// Description per language.
    pub description: LocalizedDraft,
    /// Every contact, as the profile should list them (replacing the current ones).
    pub contacts: Vec<ContactDraft>,
}

/// A checked profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProfile {
    pub(crate) name: LocalizedText,
    pub(crate) original_language: Lang,
    pub(crate) city: String,
    pub(crate) languages: Vec<String>,
    pub(crate) website: String,
    pub(crate) description: LocalizedText,
    pub(crate) contacts: Vec<NewContact>,
}

impl NewProfile {
    /// Parses a profile, with the bounds an organisation has.
    pub fn parse(d: &ProfileDraft) -> Result<Self, InvalidInput> {
        let original_language = Lang::parse(&d.original_language, "originalLanguage")?;
        let website = bounded(&d.website, "website", 0, 500)?;
        let is_url = website.starts_with("https://") || website.starts_with("http://");
        if !website.is_empty() && !is_url {
            return Err(InvalidInput::new("website", "must be an http(s) URL"));
        }
        if d.contacts.len() > 50 {
            return Err(InvalidInput::new("contacts", "at most 50 contacts"));
        }
        Ok(NewProfile {
            name: LocalizedText::parse_requiring(&d.name, "name", 300, &[original_language])?,
            original_language,
            city: bounded(&d.city, "city", 0, 200)?,
            languages: language_codes(&d.languages, "languages")?,
            website,
            description: LocalizedText::parse(&d.description, "description", 5_000)?,
            contacts: d
                .contacts
                .iter()
                .enumerate()
                .map(|(i, c)| NewContact::parse(c, &format!("contacts[{i}]")))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The draft this profile parses from (how it is stored while pending).
    pub fn to_draft(&self) -> ProfileDraft {
        let text = |t: &LocalizedText| {
            LocalizedDraft::of(
                t.get(Lang::Ko),
                t.get(Lang::En),
                t.get(Lang::Zh),
                t.get(Lang::Ja),
            )
        };
        ProfileDraft {
            name: text(&self.name),
            original_language: self.original_language.as_str().to_owned(),
            city: self.city.clone(),
            languages: self.languages.clone(),
            website: self.website.clone(),
            description: text(&self.description),
            contacts: self.contacts.iter().map(NewContact::to_draft).collect(),
        }
    }

    /// Name.
    pub fn name(&self) -> &LocalizedText {
        &self.name
    }

    /// Language of the original name.
    pub fn original_language(&self) -> Lang {
        self.original_language
    }

    /// City.
    pub fn city(&self) -> &str {
        &self.city
    }

    /// Languages it works in.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Web site.
    pub fn website(&self) -> &str {
        &self.website
    }

    /// Description.
    pub fn description(&self) -> &LocalizedText {
        &self.description
    }

    /// Contacts.
    pub fn contacts(&self) -> &[NewContact] {
        &self.contacts
    }
}

/// Why a reviewer rejected a change: 1..=1000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionReason(String);

impl RejectionReason {
    /// Parses a reason (field `reason`).
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        bounded(s, "reason", 1, 1_000).map(RejectionReason)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_reviewed_once() {
        use ProfileChangeStatus::*;
        assert_eq!(Pending.review(true), Ok(Approved));
        assert_eq!(Pending.review(false), Ok(Rejected));
        for done in [Approved, Rejected] {
            for approve in [true, false] {
                let refused = done.review(approve).unwrap_err();
                assert_eq!(
                    (refused.code, refused.reason),
                    (ErrorCode::Conflict, PROFILE_CHANGE_DECIDED)
                );
            }
        }
        for s in ProfileChangeStatus::ALL {
            assert_eq!(ProfileChangeStatus::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn partners_change_their_own_organisation_only() {
        let own = OrganisationId::new();
        assert!(own_organisation(&own.to_key(), own).is_ok());
        for other in [OrganisationId::new().to_key(), String::new(), "JP".into()] {
            let refused = own_organisation(&other, own).unwrap_err();
            assert_eq!(
                (refused.code, refused.reason),
                (ErrorCode::Forbidden, NOT_OWN_ORGANISATION)
            );
        }
    }

    #[test]
    fn profiles_parse_like_organisations_and_round_trip() {
        let d = ProfileDraft {
            name: LocalizedDraft::of("", "Osaka City", "", "大阪市"),
            original_language: "ja".into(),
            languages: vec!["JA".into(), "en".into()],
            website: "https://www.city.osaka.lg.jp".into(),
            contacts: vec![ContactDraft {
                name: "Sato".into(),
                email: "sato@example.jp".into(),
                ..ContactDraft::default()
            }],
            ..ProfileDraft::default()
        };
        let p = NewProfile::parse(&d).unwrap();
        assert_eq!(p.languages(), ["ja", "en"]);
        assert_eq!(NewProfile::parse(&p.to_draft()).unwrap(), p);
        let mut bad = d.clone();
        bad.name = LocalizedDraft::of("", "Osaka City", "", "");
        assert_eq!(NewProfile::parse(&bad).unwrap_err().field(), "name.ja");
        let mut bad = d.clone();
        bad.website = "ftp://x".into();
        assert_eq!(NewProfile::parse(&bad).unwrap_err().field(), "website");
        let mut bad = d;
        bad.contacts[0].phone = "call me".into();
        assert_eq!(
            NewProfile::parse(&bad).unwrap_err().field(),
            "contacts[0].phone"
        );
        assert_eq!(RejectionReason::parse(" ").unwrap_err().field(), "reason");
    }
}
