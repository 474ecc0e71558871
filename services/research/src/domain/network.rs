//! The partner network: organisations and their contacts, relationships between Korean and
//! foreign local governments (with their status graph), interactions, and opportunities
//! (with theirs); plus the area vocabulary's new concepts.

use std::fmt;

use super::text::bounded;
use super::{AreaCode, CountryCode, InvalidInput, IsoDate, Lang, LocalizedDraft, LocalizedText};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $s:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant),*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stored name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $s),*
                }
            }

            /// Parses a stored name.
            pub fn parse(s: &str) -> Result<Self, InvalidInput> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| {
                        InvalidInput::localized(
                            $what,
                            glocal_kit::i18n::Message::new("input-unknown-value").arg("value", s),
                        )
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// What kind of partner an organisation is.
    OrganisationKind, "kind" {
        /// A local-government association.
        LocalGovernmentAssociation = "LOCAL_GOVERNMENT_ASSOCIATION",
        /// An overseas office.
        OverseasOffice = "OVERSEAS_OFFICE",
        /// A foreign mission in Korea.
        ForeignMission = "FOREIGN_MISSION",
        /// A foreign advisor.
        ForeignAdvisor = "FOREIGN_ADVISOR",
        /// A foreign local government.
        ForeignLocalGovernment = "FOREIGN_LOCAL_GOVERNMENT",
        /// A university or institute.
        Academia = "ACADEMIA",
    }
);

string_enum!(
    /// The kind of tie between two local governments.
    RelationshipKind, "kind" {
        /// Sister city.
        SisterCity = "SISTER_CITY",
        /// Friendship city.
        FriendshipCity = "FRIENDSHIP_CITY",
        /// Memorandum of understanding.
        Memorandum = "MEMORANDUM",
    }
);

string_enum!(
    /// Where a relationship stands.
    RelationshipStatus, "status" {
        /// Under negotiation.
        Proposed = "PROPOSED",
        /// In force.
        Active = "ACTIVE",
        /// Paused.
        Suspended = "SUSPENDED",
        /// Over.
        Ended = "ENDED",
    }
);

string_enum!(
    /// What happened in an interaction.
    InteractionKind, "kind" {
        /// A meeting.
        Meeting = "MEETING",
        /// A visit.
        Visit = "VISIT",
        /// An exchange (people, programmes, goods).
        Exchange = "EXCHANGE",
        /// Anything else.
        Other = "OTHER",
    }
);

string_enum!(
    /// Where an opportunity stands.
    OpportunityStatus, "status" {
        /// Proposed, not yet screened.
        Proposed = "PROPOSED",
        /// Open to local governments.
        Open = "OPEN",
        /// Done or expired.
        Closed = "CLOSED",
        /// Not taken up.
        Declined = "DECLINED",
    }
);

impl RelationshipStatus {
    /// Whether a relationship may go from `self` to `to`: PROPOSED → ACTIVE | ENDED,
    /// ACTIVE ↔ SUSPENDED, ACTIVE | SUSPENDED → ENDED; ENDED is final.
    pub fn can_become(self, to: RelationshipStatus) -> bool {
        use RelationshipStatus::*;
        matches!(
            (self, to),
            (Proposed, Active | Ended) | (Active, Suspended | Ended) | (Suspended, Active | Ended)
        )
    }

    /// Visible to everyone (the public record); PROPOSED is not.
    pub fn is_public(self) -> bool {
        self != RelationshipStatus::Proposed
    }
}

impl OpportunityStatus {
    /// Whether an opportunity may go from `self` to `to`: PROPOSED → OPEN | DECLINED,
    /// OPEN → CLOSED; CLOSED and DECLINED are final.
    pub fn can_become(self, to: OpportunityStatus) -> bool {
        use OpportunityStatus::*;
        matches!((self, to), (Proposed, Open | Declined) | (Open, Closed))
    }

    /// Visible to everyone (OPEN and CLOSED).
    pub fn is_public(self) -> bool {
        matches!(self, OpportunityStatus::Open | OpportunityStatus::Closed)
    }
}

/// Parses spoken-language codes: ISO 639-1 codes of the ISO list (any case), lower-cased
/// and deduplicated.
pub fn language_codes(list: &[String], field: &str) -> Result<Vec<String>, InvalidInput> {
    let mut out: Vec<String> = Vec::new();
    for (i, l) in list.iter().enumerate() {
        let l = l.trim().to_ascii_lowercase();
        if !glocal_kit::domain::iso::is_language(&l) {
            return Err(InvalidInput::new(
                format!("{field}[{i}]"),
                glocal_kit::domain::iso::LANGUAGE_RULE,
            ));
        }
        if !out.contains(&l) {
            out.push(l);
        }
    }
    Ok(out)
}

fn area_codes(list: &[String], field: &str) -> Result<Vec<String>, InvalidInput> {
    let mut out: Vec<String> = Vec::new();
    for (i, c) in list.iter().enumerate() {
        let c = AreaCode::parse(c, &format!("{field}[{i}]"))?
            .as_str()
            .to_owned();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// Unchecked contact input.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContactDraft {
    /// Name.
    pub name: String,
    /// Position.
    pub position: String,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Area codes.
    pub expertise_area_codes: Vec<String>,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// A checked contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub(crate) name: String,
    pub(crate) position: String,
    pub(crate) languages: Vec<String>,
    pub(crate) expertise_area_codes: Vec<String>,
    pub(crate) email: String,
    pub(crate) phone: String,
}

impl NewContact {
    /// Parses a contact; `field` prefixes the paths (e.g. `contacts[0]` or `contact`).
    pub fn parse(d: &ContactDraft, field: &str) -> Result<Self, InvalidInput> {
        let email = bounded(&d.email, &format!("{field}.email"), 0, 254)?;
        if !email.is_empty() {
            let ok = email
                .split_once('@')
                .is_some_and(|(l, r)| !l.is_empty() && r.contains('.') && !r.starts_with('.'));
            if !ok || email.contains(char::is_whitespace) {
                return Err(InvalidInput::new(
                    format!("{field}.email"),
                    "is not an e-mail address",
                ));
            }
        }
        let phone = bounded(&d.phone, &format!("{field}.phone"), 0, 40)?;
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            return Err(InvalidInput::new(
                format!("{field}.phone"),
                "is not a phone number",
            ));
        }
        Ok(NewContact {
            name: bounded(&d.name, &format!("{field}.name"), 1, 200)?,
            position: bounded(&d.position, &format!("{field}.position"), 0, 200)?,
            languages: language_codes(&d.languages, &format!("{field}.languages"))?,
            expertise_area_codes: area_codes(
                &d.expertise_area_codes,
                &format!("{field}.expertiseAreaCodes"),
            )?,
            email,
            phone,
        })
    }

    /// Area codes of the contact's expertise.
    pub fn expertise_area_codes(&self) -> &[String] {
        &self.expertise_area_codes
    }

    /// The draft this contact parses from.
    pub fn to_draft(&self) -> ContactDraft {
        ContactDraft {
            name: self.name.clone(),
            position: self.position.clone(),
            languages: self.languages.clone(),
            expertise_area_codes: self.expertise_area_codes.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
        }
    }
}

/// Unchecked organisation input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganisationDraft {
    /// Kind.
    pub kind: Option<OrganisationKind>,
    /// Name per language.
    pub name: LocalizedDraft,
    /// Language of the original name.
    pub original_language: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// City.
    pub city: String,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Web site.
    pub website: String,
    /// Description per language.
    pub description: LocalizedDraft,
    /// Visible to the public and partners.
    pub public: bool,
    /// Contacts.
    pub contacts: Vec<ContactDraft>,
}

/// A checked organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub(crate) kind: OrganisationKind,
    pub(crate) name: LocalizedText,
    pub(crate) original_language: Lang,
    pub(crate) country: String,
    pub(crate) city: String,
    pub(crate) languages: Vec<String>,
    pub(crate) website: String,
    pub(crate) description: LocalizedText,
    pub(crate) public: bool,
    pub(crate) contacts: Vec<NewContact>,
}

impl NewOrganisation {
    /// Parses an organisation.
    pub fn parse(d: &OrganisationDraft) -> Result<Self, InvalidInput> {
        let kind = d
            .kind
            .ok_or_else(|| InvalidInput::new("kind", "is required"))?;
        let original_language = Lang::parse(&d.original_language, "originalLanguage")?;
        let website = bounded(&d.website, "website", 0, 500)?;
        let is_url = website.starts_with("https://") || website.starts_with("http://");
        if !website.is_empty() && !is_url {
            return Err(InvalidInput::new("website", "must be an http(s) URL"));
        }
        if d.contacts.len() > 50 {
            return Err(InvalidInput::new("contacts", "at most 50 contacts"));
        }
        Ok(NewOrganisation {
            kind,
            name: LocalizedText::parse_requiring(&d.name, "name", 300, &[original_language])?,
            original_language,
            country: CountryCode::parse(&d.country, "country")?
                .as_str()
                .to_owned(),
            city: bounded(&d.city, "city", 0, 200)?,
            languages: language_codes(&d.languages, "languages")?,
            website,
            description: LocalizedText::parse(&d.description, "description", 5_000)?,
            public: d.public,
            contacts: d
                .contacts
                .iter()
                .enumerate()
                .map(|(i, c)| NewContact::parse(c, &format!("contacts[{i}]")))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Kind.
    pub fn kind(&self) -> OrganisationKind {
        self.kind
    }
}

/// Unchecked opportunity input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpportunityDraft {
    /// Title per language.
    pub title: LocalizedDraft,
    /// Description per language.
    pub description: LocalizedDraft,
    /// Language it was written in.
    pub original_language: String,
    /// Area codes (at least one).
    pub area_codes: Vec<String>,
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
    /// Organisation that brought it.
    pub organisation_id: String,
    /// YYYY-MM-DD.
    pub deadline: String,
}

/// A checked opportunity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOpportunity {
    pub(crate) title: LocalizedText,
    pub(crate) description: LocalizedText,
    pub(crate) original_language: Lang,
    pub(crate) area_codes: Vec<String>,
    pub(crate) countries: Vec<String>,
    pub(crate) organisation_id: Option<String>,
    pub(crate) deadline: Option<IsoDate>,
}

impl NewOpportunity {
    /// Parses an opportunity.
    pub fn parse(d: &OpportunityDraft) -> Result<Self, InvalidInput> {
        let original_language = Lang::parse(&d.original_language, "originalLanguage")?;
        let area_codes = area_codes(&d.area_codes, "areaCodes")?;
        if area_codes.is_empty() {
            return Err(InvalidInput::new("areaCodes", "name at least one area"));
        }
        let mut countries: Vec<String> = Vec::new();
        for (i, c) in d.countries.iter().enumerate() {
            let c = CountryCode::parse(c, &format!("countries[{i}]"))?
                .as_str()
                .to_owned();
            if !countries.contains(&c) {
                countries.push(c);
            }
        }
        Ok(NewOpportunity {
            title: LocalizedText::parse_requiring(&d.title, "title", 300, &[original_language])?,
            description: LocalizedText::parse(&d.description, "description", 10_000)?,
            original_language,
            area_codes,
            countries,
            organisation_id: (!d.organisation_id.trim().is_empty())
                .then(|| super::OrganisationId::parse(&d.organisation_id, "organisationId"))
                .transpose()?
                .map(super::OrganisationId::to_key),
            deadline: IsoDate::parse_optional(&d.deadline, "deadline")?,
        })
    }

    /// Area codes.
    pub fn area_codes(&self) -> &[String] {
        &self.area_codes
    }
}

/// A new concept of the area vocabulary: a code and a label in all four languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArea {
    pub(crate) code: AreaCode,
    pub(crate) label: LocalizedText,
}

impl NewArea {
    /// Parses a concept; every language of the label is required.
    pub fn parse(code: &str, label: &LocalizedDraft) -> Result<Self, InvalidInput> {
        Ok(NewArea {
            code: AreaCode::parse(code, "code")?,
            label: LocalizedText::parse_requiring(label, "label", 100, &Lang::ALL)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_status_graph() {
        use RelationshipStatus::*;
        let legal = [
            (Proposed, Active),
            (Proposed, Ended),
            (Active, Suspended),
            (Active, Ended),
            (Suspended, Active),
            (Suspended, Ended),
        ];
        for &from in RelationshipStatus::ALL {
            for &to in RelationshipStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
        assert!(!Proposed.is_public() && Active.is_public());
    }

    #[test]
    fn opportunity_status_graph() {
        use OpportunityStatus::*;
        let legal = [(Proposed, Open), (Proposed, Declined), (Open, Closed)];
        for &from in OpportunityStatus::ALL {
            for &to in OpportunityStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
        assert!(
            Open.is_public()
                && Closed.is_public()
                && !Proposed.is_public()
                && !Declined.is_public()
        );
    }

    #[test]
    fn organisation_and_contact_fields() {
        let d = OrganisationDraft {
            kind: Some(OrganisationKind::ForeignLocalGovernment),
            name: LocalizedDraft::of("", "", "", "大阪市"),
            original_language: "ja".into(),
            country: "jp".into(),
            languages: vec!["JA".into(), "en".into(), "ja".into()],
            contacts: vec![ContactDraft {
                name: "Sato".into(),
                email: "sato@example.jp".into(),
                expertise_area_codes: vec!["transportation".into()],
                ..ContactDraft::default()
            }],
            ..OrganisationDraft::default()
        };
        let o = NewOrganisation::parse(&d).unwrap();
        assert_eq!(
            (o.country.as_str(), o.languages.clone()),
            ("JP", vec!["ja".to_owned(), "en".to_owned()])
        );
        let mut bad = d.clone();
        bad.contacts[0].email = "nope".into();
        assert_eq!(
            NewOrganisation::parse(&bad).unwrap_err().field(),
            "contacts[0].email"
        );
        let mut bad = d.clone();
        bad.languages = vec!["xx".into()];
        assert_eq!(
            NewOrganisation::parse(&bad).unwrap_err().field(),
            "languages[0]"
        );
        let mut bad = d;
        bad.kind = None;
        assert_eq!(NewOrganisation::parse(&bad).unwrap_err().field(), "kind");
    }

    #[test]
    fn opportunity_and_area_fields() {
        let d = OpportunityDraft {
            title: LocalizedDraft::of("공동 연구", "", "", ""),
            original_language: "ko".into(),
            area_codes: vec![],
            ..OpportunityDraft::default()
        };
        assert_eq!(NewOpportunity::parse(&d).unwrap_err().field(), "areaCodes");
        let area = NewArea::parse(
            "smart_city",
            &LocalizedDraft::of("스마트시티", "Smart city", "智慧城市", ""),
        );
        assert_eq!(area.unwrap_err().field(), "label.ja");
    }
}
