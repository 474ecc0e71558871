//! Eligibility: every rule an application is checked against on submit, as one pure
//! function that reports each failed rule with the input field at fault and a reason.

use chrono::NaiveDate;

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
    /// Why, in words an applicant understands.
    pub reason: String,
}

impl std::fmt::Display for EligibilityFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.rule, self.field, self.reason)
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

fn fail(rule: EligibilityRule, field: &str, reason: String) -> EligibilityFailure {
    EligibilityFailure {
        rule,
        field: field.to_owned(),
        reason,
    }
}

fn grade_range(min: Option<u8>, max: Option<u8>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("grades {a} to {b}"),
        (Some(a), None) => format!("grade {a} and below"),
        (None, Some(b)) => format!("grade {b} and above"),
        (None, None) => "any grade".into(),
    }
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
            "the edition is not open to applications".into(),
        ));
    }
    if today < edition.open_on || today > edition.close_on {
        out.push(fail(
            EligibilityRule::ApplicationWindow,
            "editionId",
            format!(
                "applications are taken from {} to {}",
                format_date(edition.open_on),
                format_date(edition.close_on)
            ),
        ));
    }
    if !rules.applicant_kinds.contains(&profile.kind) {
        let kinds: Vec<&str> = rules.applicant_kinds.iter().map(|k| k.as_str()).collect();
        out.push(fail(
            EligibilityRule::ApplicantKind,
            "profile.kind",
            format!("this edition takes {} applicants only", kinds.join(" or ")),
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
            format!("this edition is for {} only", types.join(" or ")),
        ));
    }
    match rules.nationality {
        NationalityRule::Korean if !profile.nationality.is_korea() => out.push(fail(
            EligibilityRule::Nationality,
            "profile.nationality",
            "this edition is for Korean nationals".into(),
        )),
        NationalityRule::Foreign if profile.nationality.is_korea() => out.push(fail(
            EligibilityRule::Nationality,
            "profile.nationality",
            "this edition is for foreign nationals".into(),
        )),
        _ => {}
    }
    let graded = rules.min_grade.is_some() || rules.max_grade.is_some();
    if graded && profile.kind == ApplicantKind::Official {
        let range = grade_range(rules.min_grade, rules.max_grade);
        match profile.grade {
            None => out.push(fail(
                EligibilityRule::Grade,
                "profile.grade",
                format!("this edition is for {range}: state your grade"),
            )),
            Some(g) => {
                let g = g.get();
                let too_high = rules.min_grade.is_some_and(|min| g < min);
                let too_low = rules.max_grade.is_some_and(|max| g > max);
                if too_high || too_low {
                    out.push(fail(
                        EligibilityRule::Grade,
                        "profile.grade",
                        format!("this edition is for {range}; grade {g} is outside it"),
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
            format!(
                "this edition works in {}; name one of them",
                langs.join(", ")
            ),
        ));
    }
    if let Some(id) = active_application {
        out.push(fail(
            EligibilityRule::OneActiveApplication,
            "editionId",
            format!("there is already an active application ({id}) for this edition"),
        ));
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
            grade.reason,
            "this edition is for grades 5 to 9; grade 4 is outside it"
        );
        let window = &failures[1];
        assert_eq!(
            window.reason,
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
        assert!(f[0].reason.contains("state your grade"));
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
