//! Eligibility: every rule an application is checked against on submit, as one pure
//! function that reports each failed rule with the input field at fault and a reason.

use chrono::NaiveDate;
use glocal_kit::i18n::{Lang, Message};

use super::{
    ApplicantKind, ApplicantProfile, Eligibility, EligibilityRule, LanguageCode, NationalityRule,
    format_date,
};

/// One failed rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibilityFailure {
    /// The rule.
    pub rule: EligibilityRule,
    /// The camelCase input field at fault.
    pub field: String,
    /// Why, in words an applicant understands (a catalogue message, said in the reader's
    /// language by the gateway).
    pub reason: Message,
}

impl std::fmt::Display for EligibilityFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.rule,
            self.field,
            self.reason.render(Lang::En)
        )
    }
}

/// What the rules need to know about an edition.
#[derive(Debug, Clone, Copy)]
pub struct EditionFacts<'a> {
    /// Published editions take applications.
    pub published: bool,
    /// Window opens (inclusive).
    pub open_on: NaiveDate,
    /// Window closes (inclusive).
    pub close_on: NaiveDate,
    /// The rules.
    pub eligibility: &'a Eligibility,
    /// Working languages; empty = any.
    pub languages: &'a [LanguageCode],
}

fn fail(rule: EligibilityRule, field: &str, reason: Message) -> EligibilityFailure {
    EligibilityFailure {
        rule,
        field: field.to_owned(),
        reason,
    }
}

/// `key` about the grade range `min..=max` (either bound may be open).
fn grade_range(key: &str, min: Option<u8>, max: Option<u8>) -> Message {
    let bound = match (min, max) {
        (Some(_), Some(_)) => "both",
        (Some(_), None) => "min",
        (None, Some(_)) => "max",
        (None, None) => "any",
    };
    let text = |g: Option<u8>| g.map(|g| g.to_string()).unwrap_or_default();
    Message::new(key)
        .arg("bound", bound)
        .arg("min", text(min))
        .arg("max", text(max))
}

/// The failure when another active application (`id`) holds the caller's place.
pub fn one_active(id: &str) -> EligibilityFailure {
    fail(
        EligibilityRule::OneActiveApplication,
        "editionId",
        Message::new("eligibility-one-active").arg("application", id),
    )
}

/// Every rule `profile` fails for `edition` on `today`; empty when eligible.
/// `active_application` is the caller's other active application for the edition, if any.
pub fn check(
    edition: EditionFacts<'_>,
    profile: &ApplicantProfile,
    today: NaiveDate,
    active_application: Option<&str>,
) -> Vec<EligibilityFailure> {
    let rules = edition.eligibility;
    let mut out = Vec::new();
    if !edition.published {
        out.push(fail(
            EligibilityRule::Published,
            "editionId",
            Message::new("eligibility-not-published"),
        ));
    }
    if today < edition.open_on || today > edition.close_on {
        out.push(fail(
            EligibilityRule::ApplicationWindow,
            "editionId",
            Message::new("eligibility-window")
                .arg("from", format_date(edition.open_on))
                .arg("to", format_date(edition.close_on)),
        ));
    }
    if !rules.applicant_kinds.contains(&profile.kind) {
        let kinds: Vec<&str> = rules.applicant_kinds.iter().map(|k| k.as_str()).collect();
        out.push(fail(
            EligibilityRule::ApplicantKind,
            "profile.kind",
            Message::new("eligibility-applicant-kind").arg("kinds", kinds.join(" / ")),
        ));
    }
    if !rules.organisation_types.is_empty()
        && !rules
            .organisation_types
            .contains(&profile.organisation_type)
    {
        let types: Vec<&str> = rules
            .organisation_types
            .iter()
            .map(|t| t.as_str())
            .collect();
        out.push(fail(
            EligibilityRule::OrganisationType,
            "profile.organisationType",
            Message::new("eligibility-organisation-type").arg("types", types.join(" / ")),
        ));
    }
    match rules.nationality {
        NationalityRule::Korean if !profile.nationality.is_korea() => out.push(fail(
            EligibilityRule::Nationality,
            "profile.nationality",
            Message::new("eligibility-korean-nationals"),
        )),
        NationalityRule::Foreign if profile.nationality.is_korea() => out.push(fail(
            EligibilityRule::Nationality,
            "profile.nationality",
            Message::new("eligibility-foreign-nationals"),
        )),
        _ => {}
    }
    let graded = rules.min_grade.is_some() || rules.max_grade.is_some();
    if graded && profile.kind == ApplicantKind::Official {
        match profile.grade {
            None => out.push(fail(
                EligibilityRule::Grade,
                "profile.grade",
                grade_range(
                    "eligibility-grade-missing",
                    rules.min_grade,
                    rules.max_grade,
                ),
            )),
            Some(g) => {
                let g = g.get();
                let too_high = rules.min_grade.is_some_and(|min| g < min);
                let too_low = rules.max_grade.is_some_and(|max| g > max);
                if too_high || too_low {
                    out.push(fail(
                        EligibilityRule::Grade,
                        "profile.grade",
                        grade_range(
                            "eligibility-grade-outside",
                            rules.min_grade,
                            rules.max_grade,
                        )
                        .arg("grade", g),
                    ));
                }
            }
        }
    }
    if !edition.languages.is_empty()
        && !profile
            .languages
            .iter()
            .any(|l| edition.languages.contains(l))
    {
        let langs: Vec<&str> = edition.languages.iter().map(LanguageCode::as_str).collect();
        out.push(fail(
            EligibilityRule::Language,
            "profile.languages",
            Message::new("eligibility-languages").arg("languages", langs.join(", ")),
        ));
    }
    if let Some(id) = active_application {
        out.push(one_active(id));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CountryCode, FullName, Grade, OrganisationType};

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn contest() -> (Eligibility, Vec<LanguageCode>) {
        (
            Eligibility {
                applicant_kinds: vec![ApplicantKind::Official],
                organisation_types: vec![OrganisationType::KoreanLocalGovernment],
                nationality: NationalityRule::Korean,
                min_grade: Some(5),
                max_grade: Some(9),
            },
            ["en", "zh", "ja"]
                .iter()
                .map(|l| LanguageCode::parse(l).unwrap())
                .collect(),
        )
    }

    fn official(grade: Option<u32>, nationality: &str, langs: &[&str]) -> ApplicantProfile {
        ApplicantProfile {
            kind: ApplicantKind::Official,
            full_name: FullName::parse("Kim").unwrap(),
            nationality: CountryCode::parse(nationality).unwrap(),
            organisation_type: OrganisationType::KoreanLocalGovernment,
            organisation: "Seoul".into(),
            grade: grade.map(|g| Grade::parse(g).unwrap()),
            languages: langs
                .iter()
                .map(|l| LanguageCode::parse(l).unwrap())
                .collect(),
        }
    }

    fn rules_failed(failures: &[EligibilityFailure]) -> Vec<EligibilityRule> {
        failures.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn an_eligible_contestant_passes_every_rule() {
        let (rules, langs) = contest();
        let facts = EditionFacts {
            published: true,
            open_on: date("2026-03-01"),
            close_on: date("2026-03-31"),
            eligibility: &rules,
            languages: &langs,
        };
        for g in 5..=9 {
            assert!(
                check(
                    facts,
                    &official(Some(g), "KR", &["en"]),
                    date("2026-03-15"),
                    None
                )
                .is_empty()
            );
        }
        // The window's first and last days are inside it.
        assert!(
            check(
                facts,
                &official(Some(5), "KR", &["ja"]),
                date("2026-03-01"),
                None
            )
            .is_empty()
        );
        assert!(
            check(
                facts,
                &official(Some(5), "KR", &["zh"]),
                date("2026-03-31"),
                None
            )
            .is_empty()
        );
    }

    #[test]
    fn every_failed_rule_is_reported_with_its_field() {
        let (rules, langs) = contest();
        let facts = EditionFacts {
            published: false,
            open_on: date("2026-03-01"),
            close_on: date("2026-03-31"),
            eligibility: &rules,
            languages: &langs,
        };
        let mut p = official(Some(4), "VN", &["ko"]);
        p.organisation_type = OrganisationType::ForeignLocalGovernment;
        p.kind = ApplicantKind::Official;
        let failures = check(facts, &p, date("2026-04-01"), Some("abc"));
        assert_eq!(
            rules_failed(&failures),
            [
                EligibilityRule::Published,
                EligibilityRule::ApplicationWindow,
                EligibilityRule::OrganisationType,
                EligibilityRule::Nationality,
                EligibilityRule::Grade,
                EligibilityRule::Language,
                EligibilityRule::OneActiveApplication,
            ]
        );
        let grade = failures
            .iter()
            .find(|f| f.rule == EligibilityRule::Grade)
            .unwrap();
        assert_eq!(grade.field, "profile.grade");
        assert_eq!(
            grade.reason.render(Lang::En),
            "this edition is for grades 5 to 9; grade 4 is outside it"
        );
        let window = &failures[1];
        assert_eq!(
            window.reason.render(Lang::En),
            "applications are taken from 2026-03-01 to 2026-03-31"
        );
    }

    #[test]
    fn a_grade_rule_needs_a_grade_and_a_foreign_rule_refuses_koreans() {
        let (mut rules, langs) = contest();
        let run = |rules: &Eligibility| {
            let facts = EditionFacts {
                published: true,
                open_on: date("2026-03-01"),
                close_on: date("2026-03-31"),
                eligibility: rules,
                languages: &langs,
            };
            check(
                facts,
                &official(None, "KR", &["en"]),
                date("2026-03-02"),
                None,
            )
        };
        let f = run(&rules);
        assert_eq!(rules_failed(&f), [EligibilityRule::Grade]);
        assert!(f[0].reason.render(Lang::En).contains("state your grade"));
        rules.nationality = NationalityRule::Foreign;
        rules.organisation_types.clear();
        rules.min_grade = None;
        rules.max_grade = None;
        let f = run(&rules);
        assert_eq!(rules_failed(&f), [EligibilityRule::Nationality]);
        rules.applicant_kinds = vec![ApplicantKind::LocalGovernment];
        rules.nationality = NationalityRule::Any;
        let f = run(&rules);
        assert_eq!(rules_failed(&f), [EligibilityRule::ApplicantKind]);
        assert_eq!(f[0].field, "profile.kind");
    }
}
