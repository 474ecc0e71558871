//! The typed details of each request type: a draft (raw input, as a client sends it) and
//! the parsed, validated form stored with the request. Field paths in errors are
//! `details.<typeCase>.<field>`, e.g. `details.overseasVisit.destinations[0].country`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::text::checked;
use super::{CountryCode, InvalidInput, LanguageCode, RequestType};

/// Interpretation (spoken) or translation (a document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranslationModeKind {
    /// Spoken interpretation on given dates.
    Interpretation,
    /// Translation of a document.
    Translation,
}

/// Raw interpretation/translation details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterpretationDraft {
    /// Interpretation or translation; `None` when unspecified.
    pub mode: Option<TranslationModeKind>,
    /// ISO 639-1 code.
    pub source_language: String,
    /// ISO 639-1 code.
    pub target_language: String,
    /// Interpretation: first day, YYYY-MM-DD.
    pub start_date: String,
    /// Interpretation: last day, YYYY-MM-DD.
    pub end_date: String,
    /// Interpretation: where, unless online.
    pub venue: String,
    /// Interpretation: online, so no venue.
    pub online: bool,
    /// Translation: pages.
    pub document_pages: u32,
}

/// Raw international exchange details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangeDraft {
    /// ISO 3166-1 alpha-2.
    pub partner_country: String,
    /// The partner's name.
    pub partner_organization: String,
    /// One of [`ExchangeKind`]'s names.
    pub exchange_kind: String,
}

/// Raw destination of an overseas visit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DestinationDraft {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// City name.
    pub city: String,
}

/// Raw overseas visit details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitDraft {
    /// 1..=10 destinations.
    pub destinations: Vec<DestinationDraft>,
    /// YYYY-MM-DD.
    pub departure_date: String,
    /// YYYY-MM-DD.
    pub return_date: String,
    /// 1..=100 people.
    pub delegation_size: u32,
    /// 1..=2000 characters.
    pub purpose: String,
}

/// Raw information request details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InformationDraft {
    /// 1..=200 characters.
    pub topic: String,
    /// ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
    /// YYYY-MM-DD or empty.
    pub needed_by: String,
}

/// Raw general inquiry details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InquiryDraft {
    /// 0..=200 characters.
    pub topic: String,
}

/// Raw details, one case per request type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailsDraft {
    /// See [`InterpretationDraft`].
    InterpretationTranslation(InterpretationDraft),
    /// See [`ExchangeDraft`].
    InternationalExchange(ExchangeDraft),
    /// See [`VisitDraft`].
    OverseasVisit(VisitDraft),
    /// See [`InformationDraft`].
    InformationRequest(InformationDraft),
    /// See [`InquiryDraft`].
    GeneralInquiry(InquiryDraft),
}

/// The kind of an international exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExchangeKind {
    /// Sister-city relationship.
    SisterCity,
    /// Friendship-city relationship.
    FriendshipCity,
    /// A memorandum of understanding.
    Memorandum,
    /// A joint project.
    Project,
    /// Anything else.
    Other,
}

impl ExchangeKind {
    /// The name as clients send it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExchangeKind::SisterCity => "SISTER_CITY",
            ExchangeKind::FriendshipCity => "FRIENDSHIP_CITY",
            ExchangeKind::Memorandum => "MEMORANDUM",
            ExchangeKind::Project => "PROJECT",
            ExchangeKind::Other => "OTHER",
        }
    }

    fn parse(s: &str, field: &str) -> Result<Self, InvalidInput> {
        [
            ExchangeKind::SisterCity,
            ExchangeKind::FriendshipCity,
            ExchangeKind::Memorandum,
            ExchangeKind::Project,
            ExchangeKind::Other,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| {
            InvalidInput::new(
                field,
                "must be SISTER_CITY, FRIENDSHIP_CITY, MEMORANDUM, PROJECT or OTHER",
            )
        })
    }
}

/// How an interpretation/translation is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum InterpretationMode {
    /// Spoken interpretation from `start_date` to `end_date` (at most 31 days).
    #[serde(rename_all = "camelCase")]
    Interpretation {
        /// First day.
        start_date: NaiveDate,
        /// Last day.
        end_date: NaiveDate,
        /// Where; `None` when online.
        venue: Option<String>,
        /// Held online.
        online: bool,
    },
    /// A document of `document_pages` pages (1..=500).
    #[serde(rename_all = "camelCase")]
    Translation {
        /// Length.
        document_pages: u32,
    },
}

/// Validated interpretation/translation details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InterpretationTranslation {
    /// From this language.
    pub source_language: LanguageCode,
    /// Into this language (differs from the source).
    pub target_language: LanguageCode,
    /// Interpretation or translation.
    pub mode: InterpretationMode,
}

/// Validated international exchange details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InternationalExchange {
    /// The partner's country.
    pub partner_country: CountryCode,
    /// The partner (may be empty when still to be found).
    pub partner_organization: String,
    /// What kind of exchange.
    pub exchange_kind: ExchangeKind,
}

/// A validated destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    /// Country.
    pub country: CountryCode,
    /// City.
    pub city: String,
}

/// Validated overseas visit details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverseasVisit {
    /// 1..=10 destinations.
    pub destinations: Vec<Destination>,
    /// Departure day.
    pub departure_date: NaiveDate,
    /// Return day (on or after departure, at most 60 days later).
    pub return_date: NaiveDate,
    /// 1..=100 people.
    pub delegation_size: u32,
    /// Why.
    pub purpose: String,
}

/// Validated information request details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InformationRequest {
    /// What about.
    pub topic: String,
    /// Countries of interest.
    pub countries: Vec<CountryCode>,
    /// Wanted by this day.
    pub needed_by: Option<NaiveDate>,
}

/// Validated general inquiry details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneralInquiry {
    /// What about (may be empty).
    pub topic: String,
}

/// Validated details; the case always matches the request's type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RequestDetails {
    /// Interpretation or translation.
    InterpretationTranslation(InterpretationTranslation),
    /// International exchange.
    InternationalExchange(InternationalExchange),
    /// Overseas visit.
    OverseasVisit(OverseasVisit),
    /// Information request.
    InformationRequest(InformationRequest),
    /// General inquiry.
    GeneralInquiry(GeneralInquiry),
}

const MAX_INTERPRETATION_DAYS: i64 = 31;
const MAX_VISIT_DAYS: i64 = 60;

fn date(s: &str, field: &str) -> Result<NaiveDate, InvalidInput> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| InvalidInput::new(field, "must be a date YYYY-MM-DD"))
}

impl DetailsDraft {
    /// The request type this case belongs to.
    pub fn request_type(&self) -> RequestType {
        match self {
            DetailsDraft::InterpretationTranslation(_) => RequestType::InterpretationTranslation,
            DetailsDraft::InternationalExchange(_) => RequestType::InternationalExchange,
            DetailsDraft::OverseasVisit(_) => RequestType::OverseasVisit,
            DetailsDraft::InformationRequest(_) => RequestType::InformationRequest,
            DetailsDraft::GeneralInquiry(_) => RequestType::GeneralInquiry,
        }
    }

    /// Validates the draft for a request of type `ty` (field `details` when the case
    /// does not match the type).
    pub fn parse(self, ty: RequestType) -> Result<RequestDetails, InvalidInput> {
        if self.request_type() != ty {
            return Err(InvalidInput::localized(
                "details",
                glocal_kit::i18n::Message::new("input-details-type")
                    .arg("details", self.request_type())
                    .arg("type", ty),
            ));
        }
        Ok(match self {
            DetailsDraft::InterpretationTranslation(d) => {
                RequestDetails::InterpretationTranslation(parse_interpretation(d)?)
            }
            DetailsDraft::InternationalExchange(d) => {
                RequestDetails::InternationalExchange(parse_exchange(d)?)
            }
            DetailsDraft::OverseasVisit(d) => RequestDetails::OverseasVisit(parse_visit(d)?),
            DetailsDraft::InformationRequest(d) => {
                RequestDetails::InformationRequest(parse_information(d)?)
            }
            DetailsDraft::GeneralInquiry(d) => RequestDetails::GeneralInquiry(GeneralInquiry {
                topic: checked(&d.topic, "details.generalInquiry.topic", 0, 200)?,
            }),
        })
    }
}

fn parse_interpretation(d: InterpretationDraft) -> Result<InterpretationTranslation, InvalidInput> {
    const P: &str = "details.interpretationTranslation";
    let source_language = LanguageCode::parse(d.source_language.trim())
        .map_err(|e| e.at(format!("{P}.sourceLanguage")))?;
    let target_language = LanguageCode::parse(d.target_language.trim())
        .map_err(|e| e.at(format!("{P}.targetLanguage")))?;
    if source_language == target_language {
        return Err(InvalidInput::new(
            format!("{P}.targetLanguage"),
            "must differ from the source language",
        ));
    }
    let mode = match d.mode {
        None => {
            return Err(InvalidInput::new(
                format!("{P}.mode"),
                "must be INTERPRETATION or TRANSLATION",
            ));
        }
        Some(TranslationModeKind::Interpretation) => {
            let start_date = date(&d.start_date, &format!("{P}.startDate"))?;
            let end_date = date(&d.end_date, &format!("{P}.endDate"))?;
            if end_date < start_date {
                return Err(InvalidInput::new(
                    format!("{P}.endDate"),
                    "must be on or after the start date",
                ));
            }
            if (end_date - start_date).num_days() >= MAX_INTERPRETATION_DAYS {
                return Err(InvalidInput::localized(
                    format!("{P}.endDate"),
                    glocal_kit::i18n::Message::new("input-interpretation-days")
                        .arg("max", MAX_INTERPRETATION_DAYS),
                ));
            }
            let venue = checked(&d.venue, &format!("{P}.venue"), 0, 300)?;
            if venue.is_empty() && !d.online {
                return Err(InvalidInput::new(
                    format!("{P}.venue"),
                    "is required unless the interpretation is online",
                ));
            }
            InterpretationMode::Interpretation {
                start_date,
                end_date,
                venue: (!venue.is_empty()).then_some(venue),
                online: d.online,
            }
        }
        Some(TranslationModeKind::Translation) => {
            if !(1..=500).contains(&d.document_pages) {
                return Err(InvalidInput::new(
                    format!("{P}.documentPages"),
                    "must be between 1 and 500",
                ));
            }
            InterpretationMode::Translation {
                document_pages: d.document_pages,
            }
        }
    };
    Ok(InterpretationTranslation {
        source_language,
        target_language,
        mode,
    })
}

fn parse_exchange(d: ExchangeDraft) -> Result<InternationalExchange, InvalidInput> {
    const P: &str = "details.internationalExchange";
    Ok(InternationalExchange {
        partner_country: CountryCode::parse(d.partner_country.trim())
            .map_err(|e| e.at(format!("{P}.partnerCountry")))?,
        partner_organization: checked(
            &d.partner_organization,
            &format!("{P}.partnerOrganization"),
            0,
            200,
        )?,
        exchange_kind: ExchangeKind::parse(d.exchange_kind.trim(), &format!("{P}.exchangeKind"))?,
    })
}

fn parse_visit(d: VisitDraft) -> Result<OverseasVisit, InvalidInput> {
    const P: &str = "details.overseasVisit";
    if d.destinations.is_empty() || d.destinations.len() > 10 {
        return Err(InvalidInput::new(
            format!("{P}.destinations"),
            "must list 1 to 10 destinations",
        ));
    }
    let destinations = d
        .destinations
        .iter()
        .enumerate()
        .map(|(i, dest)| {
            Ok(Destination {
                country: CountryCode::parse(dest.country.trim())
                    .map_err(|e| e.at(format!("{P}.destinations[{i}].country")))?,
                city: checked(&dest.city, &format!("{P}.destinations[{i}].city"), 1, 100)?,
            })
        })
        .collect::<Result<Vec<_>, InvalidInput>>()?;
    let departure_date = date(&d.departure_date, &format!("{P}.departureDate"))?;
    let return_date = date(&d.return_date, &format!("{P}.returnDate"))?;
    if return_date < departure_date {
        return Err(InvalidInput::new(
            format!("{P}.returnDate"),
            "must be on or after the departure date",
        ));
    }
    if (return_date - departure_date).num_days() > MAX_VISIT_DAYS {
        return Err(InvalidInput::localized(
            format!("{P}.returnDate"),
            glocal_kit::i18n::Message::new("input-visit-days").arg("max", MAX_VISIT_DAYS),
        ));
    }
    if !(1..=100).contains(&d.delegation_size) {
        return Err(InvalidInput::new(
            format!("{P}.delegationSize"),
            "must be between 1 and 100",
        ));
    }
    let purpose = checked(&d.purpose, &format!("{P}.purpose"), 1, 2000)?;
    Ok(OverseasVisit {
        destinations,
        departure_date,
        return_date,
        delegation_size: d.delegation_size,
        purpose,
    })
}

fn parse_information(d: InformationDraft) -> Result<InformationRequest, InvalidInput> {
    const P: &str = "details.informationRequest";
    let topic = checked(&d.topic, &format!("{P}.topic"), 1, 200)?;
    let countries = d
        .countries
        .iter()
        .enumerate()
        .map(|(i, c)| CountryCode::parse(c.trim()).map_err(|e| e.at(format!("{P}.countries[{i}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    let needed_by = if d.needed_by.trim().is_empty() {
        None
    } else {
        Some(date(&d.needed_by, &format!("{P}.neededBy"))?)
    };
    Ok(InformationRequest {
        topic,
        countries,
        needed_by,
    })
}

impl RequestDetails {
    /// The request type of this case.
    pub fn request_type(&self) -> RequestType {
        match self {
            RequestDetails::InterpretationTranslation(_) => RequestType::InterpretationTranslation,
            RequestDetails::InternationalExchange(_) => RequestType::InternationalExchange,
            RequestDetails::OverseasVisit(_) => RequestType::OverseasVisit,
            RequestDetails::InformationRequest(_) => RequestType::InformationRequest,
            RequestDetails::GeneralInquiry(_) => RequestType::GeneralInquiry,
        }
    }

    /// Languages routing may match on, most specific first (target, then source).
    pub fn routing_languages(&self) -> Vec<&LanguageCode> {
        match self {
            RequestDetails::InterpretationTranslation(d) => {
                vec![&d.target_language, &d.source_language]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interpretation() -> InterpretationDraft {
        InterpretationDraft {
            mode: Some(TranslationModeKind::Interpretation),
            source_language: "ko".into(),
            target_language: "ja".into(),
            start_date: "2026-05-01".into(),
            end_date: "2026-05-03".into(),
            venue: "Seoul City Hall".into(),
            online: false,
            document_pages: 0,
        }
    }

    fn visit() -> VisitDraft {
        VisitDraft {
            destinations: vec![DestinationDraft {
                country: "JP".into(),
                city: "Osaka".into(),
            }],
            departure_date: "2026-06-01".into(),
            return_date: "2026-06-05".into(),
            delegation_size: 5,
            purpose: "Study tour".into(),
        }
    }

    fn err(d: DetailsDraft) -> String {
        let ty = d.request_type();
        d.parse(ty).unwrap_err().field().to_owned()
    }

    #[test]
    fn case_must_match_type() {
        let e = DetailsDraft::GeneralInquiry(InquiryDraft::default())
            .parse(RequestType::OverseasVisit)
            .unwrap_err();
        assert_eq!(e.field(), "details");
    }

    #[test]
    fn interpretation_rules() {
        let ok = DetailsDraft::InterpretationTranslation(interpretation())
            .parse(RequestType::InterpretationTranslation)
            .unwrap();
        assert_eq!(ok.routing_languages()[0].as_str(), "ja");
        let p = "details.interpretationTranslation";
        assert_eq!(
            err(DetailsDraft::InterpretationTranslation(
                InterpretationDraft {
                    target_language: "ko".into(),
                    ..interpretation()
                }
            )),
            format!("{p}.targetLanguage")
        );
        assert_eq!(
            err(DetailsDraft::InterpretationTranslation(
                InterpretationDraft {
                    source_language: "KOR".into(),
                    ..interpretation()
                }
            )),
            format!("{p}.sourceLanguage")
        );
        assert_eq!(
            err(DetailsDraft::InterpretationTranslation(
                InterpretationDraft {
                    end_date: "2026-04-30".into(),
                    ..interpretation()
                }
            )),
            format!("{p}.endDate")
        );
        assert_eq!(
            err(DetailsDraft::InterpretationTranslation(
                InterpretationDraft {
                    end_date: "2026-06-15".into(),
                    ..interpretation()
                }
            )),
            format!("{p}.endDate")
        );
        assert_eq!(
            err(DetailsDraft::InterpretationTranslation(
                InterpretationDraft {
                    start_date: "May 1".into(),
                    ..interpretation()
                }
            )),
            format!("{p}.startDate")
        );
        assert_eq!(
            err(DetailsDraft::InterpretationTranslation(
                InterpretationDraft {
                    venue: String::new(),
                    ..interpretation()
                }
            )),
            format!("{p}.venue")
        );
        assert!(
            DetailsDraft::InterpretationTranslation(InterpretationDraft {
                venue: String::new(),
                online: true,
                ..interpretation()
            })
            .parse(RequestType::InterpretationTranslation)
            .is_ok()
        );
        assert_eq!(
            err(DetailsDraft::InterpretationTranslation(
                InterpretationDraft {
                    mode: None,
                    ..interpretation()
                }
            )),
            format!("{p}.mode")
        );
        let translation = InterpretationDraft {
            mode: Some(TranslationModeKind::Translation),
            document_pages: 12,
            ..InterpretationDraft::default()
        };
        let translation = InterpretationDraft {
            source_language: "ko".into(),
            target_language: "en".into(),
            ..translation
        };
        assert!(
            DetailsDraft::InterpretationTranslation(translation.clone())
                .parse(RequestType::InterpretationTranslation)
                .is_ok()
        );
        assert_eq!(
            err(DetailsDraft::InterpretationTranslation(
                InterpretationDraft {
                    document_pages: 501,
                    ..translation
                }
            )),
            format!("{p}.documentPages")
        );
    }

    #[test]
    fn exchange_rules() {
        let good = ExchangeDraft {
            partner_country: "JP".into(),
            partner_organization: "Osaka City".into(),
            exchange_kind: "SISTER_CITY".into(),
        };
        assert!(
            DetailsDraft::InternationalExchange(good.clone())
                .parse(RequestType::InternationalExchange)
                .is_ok()
        );
        assert_eq!(
            err(DetailsDraft::InternationalExchange(ExchangeDraft {
                exchange_kind: "PARTY".into(),
                ..good.clone()
            })),
            "details.internationalExchange.exchangeKind"
        );
        assert_eq!(
            err(DetailsDraft::InternationalExchange(ExchangeDraft {
                partner_country: "Japan".into(),
                ..good
            })),
            "details.internationalExchange.partnerCountry"
        );
    }

    #[test]
    fn visit_rules() {
        assert!(
            DetailsDraft::OverseasVisit(visit())
                .parse(RequestType::OverseasVisit)
                .is_ok()
        );
        let p = "details.overseasVisit";
        assert_eq!(
            err(DetailsDraft::OverseasVisit(VisitDraft {
                delegation_size: 0,
                ..visit()
            })),
            format!("{p}.delegationSize")
        );
        assert_eq!(
            err(DetailsDraft::OverseasVisit(VisitDraft {
                delegation_size: 101,
                ..visit()
            })),
            format!("{p}.delegationSize")
        );
        assert_eq!(
            err(DetailsDraft::OverseasVisit(VisitDraft {
                destinations: vec![],
                ..visit()
            })),
            format!("{p}.destinations")
        );
        let many = vec![
            DestinationDraft {
                country: "JP".into(),
                city: "Osaka".into()
            };
            11
        ];
        assert_eq!(
            err(DetailsDraft::OverseasVisit(VisitDraft {
                destinations: many,
                ..visit()
            })),
            format!("{p}.destinations")
        );
        let bad = vec![
            DestinationDraft {
                country: "JP".into(),
                city: "Osaka".into(),
            },
            DestinationDraft {
                country: "jp".into(),
                city: "Kyoto".into(),
            },
        ];
        assert_eq!(
            err(DetailsDraft::OverseasVisit(VisitDraft {
                destinations: bad,
                ..visit()
            })),
            format!("{p}.destinations[1].country")
        );
        assert_eq!(
            err(DetailsDraft::OverseasVisit(VisitDraft {
                return_date: "2026-05-31".into(),
                ..visit()
            })),
            format!("{p}.returnDate")
        );
        assert_eq!(
            err(DetailsDraft::OverseasVisit(VisitDraft {
                return_date: "2026-08-01".into(),
                ..visit()
            })),
            format!("{p}.returnDate")
        );
        assert_eq!(
            err(DetailsDraft::OverseasVisit(VisitDraft {
                purpose: " ".into(),
                ..visit()
            })),
            format!("{p}.purpose")
        );
    }

    #[test]
    fn information_and_inquiry_rules() {
        let good = InformationDraft {
            topic: "Smart city policies".into(),
            countries: vec!["SG".into(), "EE".into()],
            needed_by: String::new(),
        };
        let parsed = DetailsDraft::InformationRequest(good.clone())
            .parse(RequestType::InformationRequest)
            .unwrap();
        assert!(matches!(
            parsed,
            RequestDetails::InformationRequest(InformationRequest {
                needed_by: None,
                ..
            })
        ));
        assert_eq!(
            err(DetailsDraft::InformationRequest(InformationDraft {
                countries: vec!["SG".into(), "x".into()],
                ..good.clone()
            })),
            "details.informationRequest.countries[1]"
        );
        assert_eq!(
            err(DetailsDraft::InformationRequest(InformationDraft {
                needed_by: "soon".into(),
                ..good.clone()
            })),
            "details.informationRequest.neededBy"
        );
        assert_eq!(
            err(DetailsDraft::InformationRequest(InformationDraft {
                topic: String::new(),
                ..good
            })),
            "details.informationRequest.topic"
        );
        assert!(
            DetailsDraft::GeneralInquiry(InquiryDraft::default())
                .parse(RequestType::GeneralInquiry)
                .is_ok()
        );
        assert_eq!(
            err(DetailsDraft::GeneralInquiry(InquiryDraft {
                topic: "t".repeat(201)
            })),
            "details.generalInquiry.topic"
        );
    }

    #[test]
    fn details_survive_json() {
        let d = DetailsDraft::OverseasVisit(visit())
            .parse(RequestType::OverseasVisit)
            .unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<RequestDetails>(&json).unwrap(), d);
        let i = DetailsDraft::InterpretationTranslation(interpretation())
            .parse(RequestType::InterpretationTranslation)
            .unwrap();
        assert_eq!(
            serde_json::from_str::<RequestDetails>(&serde_json::to_string(&i).unwrap()).unwrap(),
            i
        );
    }
}
