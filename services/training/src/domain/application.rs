//! An application as an applicant sends it: who they are (the profile the eligibility
//! rules read), their answers and the metadata of their attachments.

use glocal_kit::i18n::Message;

use super::edition::parse_languages;
use super::text::bounded;
use super::{
    ApplicantKind, CountryCode, EditionId, FullName, Grade, IdempotencyKey, InvalidInput,
    LanguageCode, OrganisationType, PartnerRelationshipStatus,
};

/// A partner-network organisation id (a UUID, lower case); empty = none. Field
/// `partnerOrganisationId`.
pub fn parse_partner(id: &str) -> Result<Option<String>, InvalidInput> {
    match id.trim() {
        "" => Ok(None),
        id => uuid::Uuid::parse_str(id)
            .map(|u| Some(u.to_string()))
            .map_err(|_| {
                InvalidInput::localized(
                    "partnerOrganisationId",
                    Message::new("input-partner-organisation-id"),
                )
            }),
    }
}

/// Who applies, as the eligibility rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicantProfile {
    /// An official or a local government.
    pub kind: ApplicantKind,
    /// Full name (a local government's contact person).
    pub full_name: FullName,
    /// Nationality.
    pub nationality: CountryCode,
    /// Kind of organisation.
    pub organisation_type: OrganisationType,
    /// Organisation name.
    pub organisation: String,
    /// Administrative grade, when stated.
    pub grade: Option<Grade>,
    /// Working languages (at least one).
    pub languages: Vec<LanguageCode>,
}

/// A profile as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileDraft {
    /// `None` = missing.
    pub kind: Option<ApplicantKind>,
    /// Full name.
    pub full_name: String,
    /// ISO 3166-1 alpha-2.
    pub nationality: String,
    /// `None` = missing.
    pub organisation_type: Option<OrganisationType>,
    /// Organisation name.
    pub organisation: String,
    /// 0 = not stated.
    pub grade: u32,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
}

impl ProfileDraft {
    /// Validates the profile; fields are reported under `profile.`.
    pub fn parse(self) -> Result<ApplicantProfile, InvalidInput> {
        let kind = self
            .kind
            .ok_or_else(|| InvalidInput::new("profile.kind", "is required"))?;
        let full_name = FullName::parse(&self.full_name)?;
        let nationality =
            CountryCode::parse(&self.nationality).map_err(|e| e.at("profile.nationality"))?;
        let organisation_type = self
            .organisation_type
            .ok_or_else(|| InvalidInput::new("profile.organisationType", "is required"))?;
        let organisation = bounded(&self.organisation, "profile.organisation", 1, 200)?;
        let grade = match self.grade {
            0 => None,
            n => Some(Grade::parse(n).map_err(|e| e.at("profile.grade"))?),
        };
        let languages = parse_languages(&self.languages, "profile.languages")?;
        if languages.is_empty() {
            return Err(InvalidInput::new(
                "profile.languages",
                "name at least one working language",
            ));
        }
        Ok(ApplicantProfile {
            kind,
            full_name,
            nationality,
            organisation_type,
            organisation,
            grade,
            languages,
        })
    }
}

/// An answer to one question of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The question (1..=500 characters).
    pub question: String,
    /// The answer (0..=5 000 characters).
    pub answer: String,
}

/// Metadata of an attached file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// Size in bytes (at most [`MAX_ATTACHMENT_BYTES`]).
    pub size_bytes: u64,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
}

/// Largest attachment accepted.
pub const MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;
/// Most answers per application.
pub const MAX_ANSWERS: usize = 50;
/// Most attachments per application.
pub const MAX_ATTACHMENTS: usize = 20;

/// A new application as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApplicationDraft {
    /// Makes retries safe.
    pub idempotency_key: String,
    /// The edition applied to.
    pub edition_id: String,
    /// Who applies.
    pub profile: ProfileDraft,
    /// Answers.
    pub answers: Vec<Answer>,
    /// Attachment metadata.
    pub attachments: Vec<Attachment>,
    /// Save as a draft (no eligibility check yet) instead of submitting.
    pub as_draft: bool,
    /// The division applied to (ISO 639-1); empty = none.
    pub division: String,
    /// The applicant's foreign local government in the partner network (an organisation
    /// id of the research service): required by the invitation fellowship, empty otherwise.
    pub partner_organisation_id: String,
    /// The statuses of that organisation's relationships with Korean local governments, as
    /// the gateway found them; `None` = not looked up (the application is then held).
    pub relationships: Option<Vec<PartnerRelationshipStatus>>,
}

/// A validated new application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// The edition.
    pub edition_id: EditionId,
    /// Who applies.
    pub profile: ApplicantProfile,
    /// Answers.
    pub answers: Vec<Answer>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// Saved as a draft.
    pub as_draft: bool,
    /// The division applied to.
    pub division: Option<LanguageCode>,
    /// The partner-network organisation named (a UUID).
    pub partner_organisation_id: Option<String>,
    /// Its relationships' statuses as looked up; `None` = not looked up.
    pub relationships: Option<Vec<PartnerRelationshipStatus>>,
}

impl NewApplication {
    /// Checks the division against the edition's `divisions`: an edition with divisions
    /// needs one of them, an edition without refuses one; field `division`.
    pub fn check_division(&self, divisions: &[LanguageCode]) -> Result<(), InvalidInput> {
        let say = |message: Message| {
            let listed = divisions
                .iter()
                .map(LanguageCode::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            InvalidInput::localized("division", message.arg("divisions", listed))
        };
        match &self.division {
            None if divisions.is_empty() => Ok(()),
            None => Err(say(Message::new("input-division-required"))),
            Some(_) if divisions.is_empty() => Err(say(Message::new("input-division-none"))),
            Some(d) if divisions.contains(d) => Ok(()),
            Some(_) => Err(say(Message::new("input-division-not-listed"))),
        }
    }
}

impl ApplicationDraft {
    /// Validates every field, reporting the first one at fault.
    pub fn parse(self) -> Result<NewApplication, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let edition_id = EditionId::parse(&self.edition_id, "editionId")?;
        let profile = self.profile.parse()?;
        if self.answers.len() > MAX_ANSWERS {
            return Err(InvalidInput::localized(
                "answers",
                glocal_kit::i18n::Message::new("input-at-most-answers").arg("max", MAX_ANSWERS),
            ));
        }
        let answers = self
            .answers
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                Ok(Answer {
                    question: bounded(&a.question, &format!("answers[{i}].question"), 1, 500)?,
                    answer: bounded(&a.answer, &format!("answers[{i}].answer"), 0, 5_000)?,
                })
            })
            .collect::<Result<Vec<_>, InvalidInput>>()?;
        if self.attachments.len() > MAX_ATTACHMENTS {
            return Err(InvalidInput::localized(
                "attachments",
                glocal_kit::i18n::Message::new("input-at-most-attachments")
                    .arg("max", MAX_ATTACHMENTS),
            ));
        }
        let attachments = self
            .attachments
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let at = |f: &str| format!("attachments[{i}].{f}");
                let name = bounded(&a.name, &at("name"), 1, 255)?;
                let content_type = bounded(&a.content_type, &at("contentType"), 3, 100)?;
                if !content_type.contains('/') || content_type.contains(char::is_whitespace) {
                    return Err(InvalidInput::new(at("contentType"), "must be a MIME type"));
                }
                if a.size_bytes == 0 || a.size_bytes > MAX_ATTACHMENT_BYTES {
                    return Err(InvalidInput::localized(
                        at("sizeBytes"),
                        glocal_kit::i18n::Message::new("input-bytes-range")
                            .arg("max", MAX_ATTACHMENT_BYTES),
                    ));
                }
                let sha = a.sha256.trim().to_ascii_lowercase();
                if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(InvalidInput::new(at("sha256"), "must be 64 hex digits"));
                }
                Ok(Attachment {
                    name,
                    content_type,
                    size_bytes: a.size_bytes,
                    sha256: sha,
                })
            })
            .collect::<Result<Vec<_>, InvalidInput>>()?;
        let division = match self.division.trim() {
            "" => None,
            d => Some(LanguageCode::parse(d).map_err(|e| e.at("division"))?),
        };
        let partner_organisation_id = parse_partner(&self.partner_organisation_id)?;
        Ok(NewApplication {
            division,
            partner_organisation_id,
            relationships: self.relationships,
            idempotency_key,
            edition_id,
            profile,
            answers,
            attachments,
            as_draft: self.as_draft,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn profile() -> ProfileDraft {
        ProfileDraft {
            kind: Some(ApplicantKind::Official),
            full_name: "Nguyen Thi Lan".into(),
            nationality: "VN".into(),
            organisation_type: Some(OrganisationType::ForeignLocalGovernment),
            organisation: "Da Nang People's Committee".into(),
            grade: 0,
            languages: vec!["en".into()],
        }
    }

    fn draft() -> ApplicationDraft {
        ApplicationDraft {
            idempotency_key: "a1".into(),
            edition_id: EditionId::new().to_string(),
            profile: profile(),
            answers: vec![Answer {
                question: "Why?".into(),
                answer: "To learn.".into(),
            }],
            attachments: vec![Attachment {
                name: "cv.pdf".into(),
                content_type: "application/pdf".into(),
                size_bytes: 1000,
                sha256: "A".repeat(64),
            }],
            as_draft: false,
            division: String::new(),
            ..ApplicationDraft::default()
        }
    }

    fn field(d: ApplicationDraft) -> String {
        d.parse().unwrap_err().field().to_owned()
    }

    #[test]
    fn a_partner_organisation_is_a_uuid() {
        let id = uuid::Uuid::new_v4().to_string().to_uppercase();
        let a = ApplicationDraft {
            partner_organisation_id: format!(" {id} "),
            ..draft()
        }
        .parse()
        .unwrap();
        assert_eq!(a.partner_organisation_id, Some(id.to_lowercase()));
        assert_eq!(draft().parse().unwrap().partner_organisation_id, None);
        assert_eq!(
            field(ApplicationDraft {
                partner_organisation_id: "danang".into(),
                ..draft()
            }),
            "partnerOrganisationId"
        );
    }

    #[test]
    fn parses_and_normalises() {
        let a = draft().parse().unwrap();
        assert_eq!(a.attachments[0].sha256, "a".repeat(64));
        assert_eq!(a.profile.grade, None);
    }

    #[test]
    fn names_the_first_bad_field() {
        let mut d = draft();
        d.profile.kind = None;
        assert_eq!(field(d), "profile.kind");
        let mut d = draft();
        d.profile.full_name = " ".into();
        assert_eq!(field(d), "profile.fullName");
        let mut d = draft();
        d.profile.nationality = "Vietnam".into();
        assert_eq!(field(d), "profile.nationality");
        let mut d = draft();
        d.profile.grade = 12;
        assert_eq!(field(d), "profile.grade");
        let mut d = draft();
        d.profile.languages = vec![];
        assert_eq!(field(d), "profile.languages");
        let mut d = draft();
        d.profile.languages = vec!["english".into()];
        assert_eq!(field(d), "profile.languages[0]");
        let mut d = draft();
        d.answers[0].question = String::new();
        assert_eq!(field(d), "answers[0].question");
        let mut d = draft();
        d.attachments[0].size_bytes = 0;
        assert_eq!(field(d), "attachments[0].sizeBytes");
        let mut d = draft();
        d.attachments[0].sha256 = "xyz".into();
        assert_eq!(field(d), "attachments[0].sha256");
        let mut d = draft();
        d.attachments[0].content_type = "pdf".into();
        assert_eq!(field(d), "attachments[0].contentType");
        assert_eq!(
            field(ApplicationDraft {
                edition_id: "x".into(),
                ..draft()
            }),
            "editionId"
        );
    }

    #[test]
    fn a_division_is_one_of_the_editions() {
        let codes = |cs: &[&str]| {
            cs.iter()
                .map(|c| LanguageCode::parse(c).unwrap())
                .collect::<Vec<_>>()
        };
        let contest = codes(&["en", "zh", "ja"]);
        let mut d = draft();
        d.division = "zh".into();
        let a = d.clone().parse().unwrap();
        assert!(a.check_division(&contest).is_ok());
        assert_eq!(a.check_division(&[]).unwrap_err().field(), "division");
        assert_eq!(
            a.check_division(&codes(&["en"])).unwrap_err().field(),
            "division"
        );
        let none = draft().parse().unwrap();
        assert!(none.check_division(&[]).is_ok());
        assert_eq!(
            none.check_division(&contest).unwrap_err().field(),
            "division"
        );
        d.division = "Chinese".into();
        assert_eq!(field(d), "division");
    }
}
