//! An edition of a programme as staff define it: term and dates, the application window,
//! capacity, languages, eligibility rules, the cost and stipend policy, host local
//! governments and the review stages. [`EditionDraft::parse`] checks it all at once.

use std::fmt;

use chrono::NaiveDate;

use super::text::bounded;
use super::{
    ApplicantKind, CostFrequency, CostItem, IdempotencyKey, InvalidInput, LanguageCode,
    LocalGovernmentCode, NationalityRule, OrganisationType, Payer, ProgrammeId, Term, parse_date,
};

/// An amount in integer minor units of a currency (KRW has no minor unit: 1 = ₩1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Money {
    amount_minor: i64,
    currency: String,
}

impl Money {
    /// A non-negative amount of `currency` (three uppercase letters, ISO 4217).
    pub fn new(amount_minor: i64, currency: &str) -> Result<Self, InvalidInput> {
        if amount_minor < 0 {
            return Err(InvalidInput::new("amountMinor", "must not be negative"));
        }
        let currency = currency.trim();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(InvalidInput::new(
                "currency",
                "must be an ISO 4217 code, e.g. \"KRW\"",
            ));
        }
        Ok(Money {
            amount_minor,
            currency: currency.to_owned(),
        })
    }

    /// The amount in minor units.
    pub fn amount_minor(&self) -> i64 {
        self.amount_minor
    }

    /// The ISO 4217 code.
    pub fn currency(&self) -> &str {
        &self.currency
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_minor, self.currency)
    }
}

/// A monthly stipend one payer pays each participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StipendLine {
    /// Who pays.
    pub payer: Payer,
    /// How much a full month pays.
    pub monthly: Money,
}

/// A share of an edition's costs: one payer's amount for one item per participant,
/// monthly or once. The monthly living-expense shares are the stipends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostShare {
    /// Who pays.
    pub payer: Payer,
    /// What for.
    pub item: CostItem,
    /// Per month or once, per participant (positive, integer minor units).
    pub amount: Money,
    /// Monthly or one-off.
    pub frequency: CostFrequency,
}

/// A cost in free text, without an amount: what editions held before cost shares were
/// structured (and the deprecated `costs` input still gives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostNote {
    /// Who pays.
    pub payer: Payer,
    /// What, e.g. "medical and accident insurance".
    pub item: String,
}

/// How an edition's costs are split: at most one share per payer and item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CostPolicy {
    /// The structured shares.
    pub shares: Vec<CostShare>,
    /// Free-text costs of older editions (no amounts).
    pub notes: Vec<CostNote>,
}

impl CostPolicy {
    /// The stipend lines: the monthly living-expense shares, one per payer.
    pub fn stipends(&self) -> Vec<StipendLine> {
        super::fellowship::stipend_lines(&self.shares)
    }

    /// Whether the host local government pays any share or noted cost.
    pub fn host_pays(&self) -> bool {
        self.shares
            .iter()
            .map(|s| s.payer)
            .chain(self.notes.iter().map(|n| n.payer))
            .any(|p| p == Payer::HostLocalGovernment)
    }
}

/// Who may apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// Kinds of applicant admitted (never empty).
    pub applicant_kinds: Vec<ApplicantKind>,
    /// Organisation types admitted; empty admits any.
    pub organisation_types: Vec<OrganisationType>,
    /// Nationalities admitted.
    pub nationality: NationalityRule,
    /// Highest grade admitted (smallest number), if bounded.
    pub min_grade: Option<u8>,
    /// Lowest grade admitted (largest number), if bounded.
    pub max_grade: Option<u8>,
}

impl Default for Eligibility {
    fn default() -> Self {
        Eligibility {
            applicant_kinds: vec![ApplicantKind::Official],
            organisation_types: Vec::new(),
            nationality: NationalityRule::Any,
            min_grade: None,
            max_grade: None,
        }
    }
}

/// What decides who leaves a review stage for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutRule {
    /// Everyone scored moves on.
    None,
    /// The `n` best mean scores move on, and everyone tied with the n-th.
    TopN(u32),
    /// A mean score of at least this (0..=100) moves on.
    Threshold(u32),
}

/// The kind of a [`CutRule`], as clients name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutKind {
    /// [`CutRule::None`].
    None,
    /// [`CutRule::TopN`].
    TopN,
    /// [`CutRule::Threshold`].
    Threshold,
}

impl CutRule {
    /// The rule from its kind and value; field `cut`.
    pub fn parse(kind: Option<CutKind>, value: u32) -> Result<Self, InvalidInput> {
        match kind.unwrap_or(CutKind::None) {
            CutKind::None => Ok(CutRule::None),
            CutKind::TopN if value >= 1 => Ok(CutRule::TopN(value)),
            CutKind::TopN => Err(InvalidInput::new("cutValue", "TOP_N needs N of at least 1")),
            CutKind::Threshold if value <= 100 => Ok(CutRule::Threshold(value)),
            CutKind::Threshold => Err(InvalidInput::new(
                "cutValue",
                "a threshold is a score from 0 to 100",
            )),
        }
    }

    /// The kind.
    pub fn kind(self) -> CutKind {
        match self {
            CutRule::None => CutKind::None,
            CutRule::TopN(_) => CutKind::TopN,
            CutRule::Threshold(_) => CutKind::Threshold,
        }
    }

    /// N or the threshold; 0 for none.
    pub fn value(self) -> u32 {
        match self {
            CutRule::None => 0,
            CutRule::TopN(n) | CutRule::Threshold(n) => n,
        }
    }
}

/// A review stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewStage {
    /// 1-based position.
    pub number: u32,
    /// Name, e.g. "Preliminaries".
    pub name: String,
    /// Who moves on to the next stage.
    pub cut: CutRule,
    /// Reviewers do not see who applied.
    pub blind: bool,
    /// Subjects of the staff who score at this stage, in every division.
    pub reviewers: Vec<String>,
    /// Staff who score at this stage only in one division.
    pub division_reviewers: Vec<DivisionReviewer>,
}

/// A reviewer who sees and scores only one division's applications at a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionReviewer {
    /// The reviewer's subject.
    pub subject: String,
    /// One of the edition's divisions.
    pub division: LanguageCode,
}

/// A division-limited reviewer as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DivisionReviewerDraft {
    /// The reviewer's subject.
    pub subject: String,
    /// The division (ISO 639-1).
    pub division: String,
}

/// A stage as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageDraft {
    /// Name.
    pub name: String,
    /// Cut kind (`None` = no cut).
    pub cut: Option<CutKind>,
    /// N or the threshold.
    pub cut_value: u32,
    /// Blind review.
    pub blind: bool,
    /// Reviewer subjects (every division).
    pub reviewers: Vec<String>,
    /// Reviewers limited to one division.
    pub division_reviewers: Vec<DivisionReviewerDraft>,
}

/// Eligibility as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EligibilityDraft {
    /// Empty = officials only.
    pub applicant_kinds: Vec<ApplicantKind>,
    /// Empty = any.
    pub organisation_types: Vec<OrganisationType>,
    /// `None` = any.
    pub nationality: Option<NationalityRule>,
    /// 0 = unbounded.
    pub min_grade: u32,
    /// 0 = unbounded.
    pub max_grade: u32,
}

/// A stipend line as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StipendDraft {
    /// Who pays (`None` = missing).
    pub payer: Option<Payer>,
    /// Monthly amount in minor units.
    pub amount_minor: i64,
    /// ISO 4217.
    pub currency: String,
}

/// A structured cost share as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CostShareDraft {
    /// Who pays (`None` = missing).
    pub payer: Option<Payer>,
    /// What for (`None` = missing).
    pub item: Option<CostItem>,
    /// Per month or once, in minor units.
    pub amount_minor: i64,
    /// ISO 4217.
    pub currency: String,
    /// `None` = missing.
    pub frequency: Option<CostFrequency>,
}

/// A free-text cost as a client sends it (deprecated: give a [`CostShareDraft`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CostDraft {
    /// Who pays.
    pub payer: Option<Payer>,
    /// What.
    pub item: String,
}

/// A new edition, unvalidated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EditionDraft {
    /// Makes retries safe.
    pub idempotency_key: String,
    /// The programme.
    pub programme_id: String,
    /// e.g. "2026-1".
    pub term: String,
    /// First day, YYYY-MM-DD.
    pub starts_on: String,
    /// Last day.
    pub ends_on: String,
    /// First day applications are taken.
    pub applications_open_on: String,
    /// Last day applications are taken.
    pub applications_close_on: String,
    /// Places.
    pub capacity: u32,
    /// Working languages (ISO 639-1).
    pub languages: Vec<String>,
    /// Divisions (ISO 639-1), each with its own review, cut and ranking; empty = none.
    pub divisions: Vec<String>,
    /// Who may apply.
    pub eligibility: EligibilityDraft,
    /// Cost shares per payer and item.
    pub shares: Vec<CostShareDraft>,
    /// Stipends (deprecated: a monthly `LIVING_EXPENSES` share each).
    pub stipends: Vec<StipendDraft>,
    /// Free-text costs (deprecated: kept as notes without amounts).
    pub costs: Vec<CostDraft>,
    /// Host local governments' codes.
    pub host_codes: Vec<String>,
    /// Review stages; empty = one stage "Review" without a cut.
    pub stages: Vec<StageDraft>,
    /// Visible to the public at once.
    pub published: bool,
    /// Create it even outside its programme's period rule: a bureau administrator's
    /// decision, audited.
    pub outside_period: bool,
}

/// A validated new edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEdition {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// The programme.
    pub programme_id: ProgrammeId,
    /// Term.
    pub term: Term,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Window opens.
    pub applications_open_on: NaiveDate,
    /// Window closes (inclusive).
    pub applications_close_on: NaiveDate,
    /// Places.
    pub capacity: u32,
    /// Working languages.
    pub languages: Vec<LanguageCode>,
    /// Divisions by language; empty = one division for all.
    pub divisions: Vec<LanguageCode>,
    /// Who may apply.
    pub eligibility: Eligibility,
    /// Costs.
    pub cost_policy: CostPolicy,
    /// Hosts.
    pub host_codes: Vec<LocalGovernmentCode>,
    /// Stages, numbered from 1.
    pub stages: Vec<ReviewStage>,
    /// Published.
    pub published: bool,
    /// Hold it even outside its programme's period rule (an administrator's decision).
    pub outside_period: bool,
}

/// Largest number of places of one edition.
pub const MAX_CAPACITY: u32 = 10_000;
/// Largest number of review stages.
pub const MAX_STAGES: usize = 5;

/// Parses ISO 639-1 codes, deduplicated in order; `field` names the list.
pub fn parse_languages(codes: &[String], field: &str) -> Result<Vec<LanguageCode>, InvalidInput> {
    let mut out: Vec<LanguageCode> = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let code = LanguageCode::parse(c).map_err(|e| e.at(format!("{field}[{i}]")))?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

fn grade_bound(n: u32, field: &str) -> Result<Option<u8>, InvalidInput> {
    match n {
        0 => Ok(None),
        1..=9 => Ok(Some(n as u8)),
        _ => Err(InvalidInput::new(
            field,
            "must be a grade from 1 to 9 (0 = no bound)",
        )),
    }
}

impl EligibilityDraft {
    fn parse(self) -> Result<Eligibility, InvalidInput> {
        let mut kinds = self.applicant_kinds;
        kinds.dedup();
        if kinds.is_empty() {
            kinds.push(ApplicantKind::Official);
        }
        let mut types = self.organisation_types;
        types.sort();
        types.dedup();
        let min_grade = grade_bound(self.min_grade, "eligibility.minGrade")?;
        let max_grade = grade_bound(self.max_grade, "eligibility.maxGrade")?;
        if let (Some(min), Some(max)) = (min_grade, max_grade)
            && min > max
        {
            return Err(InvalidInput::new(
                "eligibility.maxGrade",
                "must be at least minGrade (grade 1 is the highest)",
            ));
        }
        Ok(Eligibility {
            applicant_kinds: kinds,
            organisation_types: types,
            nationality: self.nationality.unwrap_or(NationalityRule::Any),
            min_grade,
            max_grade,
        })
    }
}

fn parse_subject(s: &str, field: &str) -> Result<String, InvalidInput> {
    let s = s.trim();
    if s.is_empty() || s.len() > 100 || s.chars().any(char::is_whitespace) {
        return Err(InvalidInput::new(
            field,
            "must be a caller subject (1–100 characters, no spaces)",
        ));
    }
    Ok(s.to_owned())
}

/// The cost policy from structured shares plus the deprecated inputs: each stipend line
/// becomes a monthly `LIVING_EXPENSES` share, each free-text cost a note. At most one share
/// per payer and item; living expenses are monthly; amounts are positive.
fn parse_costs(
    shares: Vec<CostShareDraft>,
    stipends: Vec<StipendDraft>,
    costs: Vec<CostDraft>,
) -> Result<CostPolicy, InvalidInput> {
    let money = |amount_minor: i64, currency: &str, at: &dyn Fn(&str) -> String| {
        let m = Money::new(amount_minor, currency).map_err(|e| {
            let f = at(e.field());
            e.at(f)
        })?;
        if m.amount_minor() == 0 {
            return Err(InvalidInput::new(at("amountMinor"), "must be positive"));
        }
        Ok(m)
    };
    let mut out: Vec<CostShare> = Vec::new();
    let drafts = shares
        .into_iter()
        .map(|d| (d, "shares"))
        .chain(stipends.into_iter().map(|s| {
            (
                CostShareDraft {
                    payer: s.payer,
                    item: Some(CostItem::LivingExpenses),
                    amount_minor: s.amount_minor,
                    currency: s.currency,
                    frequency: Some(CostFrequency::Monthly),
                },
                "stipends",
            )
        }));
    let (mut shares_seen, mut stipends_seen) = (0usize, 0usize);
    for (d, list) in drafts {
        let i = if list == "shares" {
            shares_seen += 1;
            shares_seen - 1
        } else {
            stipends_seen += 1;
            stipends_seen - 1
        };
        let at = |f: &str| format!("costPolicy.{list}[{i}].{f}");
        let payer = d
            .payer
            .ok_or_else(|| InvalidInput::new(at("payer"), "is required"))?;
        let item = d
            .item
            .ok_or_else(|| InvalidInput::new(at("item"), "is required"))?;
        let frequency = d
            .frequency
            .ok_or_else(|| InvalidInput::new(at("frequency"), "is required"))?;
        if item == CostItem::LivingExpenses && frequency != CostFrequency::Monthly {
            return Err(InvalidInput::localized(
                at("frequency"),
                glocal_kit::i18n::Message::new("input-living-expenses-monthly"),
            ));
        }
        if out.iter().any(|s| s.payer == payer && s.item == item) {
            let field = if list == "stipends" {
                at("payer")
            } else {
                at("item")
            };
            return Err(InvalidInput::localized(
                field,
                glocal_kit::i18n::Message::new("input-cost-share-twice")
                    .arg("payer", payer.as_str())
                    .arg("item", item.as_str()),
            ));
        }
        let amount = money(d.amount_minor, &d.currency, &at)?;
        out.push(CostShare {
            payer,
            item,
            amount,
            frequency,
        });
    }
    let mut notes = Vec::new();
    for (i, c) in costs.into_iter().enumerate() {
        let payer = c.payer.ok_or_else(|| {
            InvalidInput::new(format!("costPolicy.costs[{i}].payer"), "is required")
        })?;
        let item = bounded(&c.item, &format!("costPolicy.costs[{i}].item"), 1, 200)?;
        notes.push(CostNote { payer, item });
    }
    Ok(CostPolicy { shares: out, notes })
}

impl EditionDraft {
    /// Validates every field, reporting the first one at fault.
    pub fn parse(self) -> Result<NewEdition, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let programme_id = ProgrammeId::parse(&self.programme_id, "programmeId")?;
        let term = Term::parse(&self.term)?;
        let open = parse_date(&self.applications_open_on, "applicationsOpenOn")?;
        let close = parse_date(&self.applications_close_on, "applicationsCloseOn")?;
        let starts_on = parse_date(&self.starts_on, "startsOn")?;
        let ends_on = parse_date(&self.ends_on, "endsOn")?;
        if close < open {
            return Err(InvalidInput::new(
                "applicationsCloseOn",
                "must be on or after applicationsOpenOn",
            ));
        }
        if starts_on <= close {
            return Err(InvalidInput::new(
                "startsOn",
                "must be after applicationsCloseOn",
            ));
        }
        if ends_on < starts_on {
            return Err(InvalidInput::new("endsOn", "must be on or after startsOn"));
        }
        if !(1..=MAX_CAPACITY).contains(&self.capacity) {
            return Err(InvalidInput::localized(
                "capacity",
                glocal_kit::i18n::Message::new("input-from-1-to").arg("max", MAX_CAPACITY),
            ));
        }
        let languages = parse_languages(&self.languages, "languages")?;
        let divisions = parse_languages(&self.divisions, "divisions")?;
        let eligibility = self.eligibility.parse()?;

        let cost_policy = parse_costs(self.shares, self.stipends, self.costs)?;

        let mut host_codes: Vec<LocalGovernmentCode> = Vec::new();
        for (i, c) in self.host_codes.iter().enumerate() {
            let code =
                LocalGovernmentCode::parse(c).map_err(|e| e.at(format!("hostCodes[{i}]")))?;
            if !host_codes.contains(&code) {
                host_codes.push(code);
            }
        }
        if cost_policy.host_pays() && host_codes.is_empty() {
            return Err(InvalidInput::new(
                "hostCodes",
                "are required when a host local government pays",
            ));
        }

        if self.stages.len() > MAX_STAGES {
            return Err(InvalidInput::localized(
                "stages",
                glocal_kit::i18n::Message::new("input-review-stages").arg("max", MAX_STAGES),
            ));
        }
        let drafts = if self.stages.is_empty() {
            vec![StageDraft {
                name: "Review".into(),
                ..StageDraft::default()
            }]
        } else {
            self.stages
        };
        let last = drafts.len();
        let mut stages = Vec::with_capacity(last);
        for (i, d) in drafts.into_iter().enumerate() {
            let at = |f: &str| format!("stages[{i}].{f}");
            let name = bounded(&d.name, &at("name"), 1, 100)?;
            let cut = CutRule::parse(d.cut, d.cut_value).map_err(|e| {
                let f = at(e.field());
                e.at(f)
            })?;
            if i + 1 == last && cut != CutRule::None {
                return Err(InvalidInput::new(
                    at("cut"),
                    "the last stage ends with decisions, not a cut",
                ));
            }
            let mut reviewers: Vec<String> = Vec::new();
            for (j, r) in d.reviewers.iter().enumerate() {
                let subject = parse_subject(r, &at(&format!("reviewers[{j}]")))?;
                if !reviewers.contains(&subject) {
                    reviewers.push(subject);
                }
            }
            let mut division_reviewers: Vec<DivisionReviewer> = Vec::new();
            for (j, r) in d.division_reviewers.iter().enumerate() {
                let at = |f: &str| at(&format!("divisionReviewers[{j}].{f}"));
                let subject = parse_subject(&r.subject, &at("subject"))?;
                let division =
                    LanguageCode::parse(&r.division).map_err(|e| e.at(at("division")))?;
                if !divisions.contains(&division) {
                    return Err(InvalidInput::new(
                        at("division"),
                        "must be one of the edition's divisions",
                    ));
                }
                if reviewers.contains(&subject)
                    || division_reviewers.iter().any(|d| d.subject == subject)
                {
                    return Err(InvalidInput::new(
                        at("subject"),
                        "reviews this stage already (a reviewer has one division or all)",
                    ));
                }
                division_reviewers.push(DivisionReviewer { subject, division });
            }
            stages.push(ReviewStage {
                number: u32::try_from(i + 1).unwrap_or(u32::MAX),
                name,
                cut,
                blind: d.blind,
                reviewers,
                division_reviewers,
            });
        }

        Ok(NewEdition {
            idempotency_key,
            programme_id,
            term,
            starts_on,
            ends_on,
            applications_open_on: open,
            applications_close_on: close,
            capacity: self.capacity,
            languages,
            divisions,
            eligibility,
            cost_policy,
            host_codes,
            stages,
            published: self.published,
            outside_period: self.outside_period,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn fellowship() -> EditionDraft {
        EditionDraft {
            idempotency_key: "e1".into(),
            programme_id: ProgrammeId::new().to_string(),
            term: "2026".into(),
            starts_on: "2026-04-01".into(),
            ends_on: "2026-09-30".into(),
            applications_open_on: "2026-01-01".into(),
            applications_close_on: "2026-02-28".into(),
            capacity: 60,
            languages: vec!["en".into(), "ko".into(), "en".into()],
            divisions: vec![],
            eligibility: EligibilityDraft {
                organisation_types: vec![OrganisationType::ForeignLocalGovernment],
                nationality: Some(NationalityRule::Foreign),
                ..EligibilityDraft::default()
            },
            stipends: vec![
                StipendDraft {
                    payer: Some(Payer::Association),
                    amount_minor: 400_000,
                    currency: "KRW".into(),
                },
                StipendDraft {
                    payer: Some(Payer::HostLocalGovernment),
                    amount_minor: 400_000,
                    currency: "KRW".into(),
                },
            ],
            shares: vec![
                CostShareDraft {
                    payer: Some(Payer::Association),
                    item: Some(CostItem::PreTraining),
                    amount_minor: 1_500_000,
                    currency: "KRW".into(),
                    frequency: Some(CostFrequency::OneOff),
                },
                CostShareDraft {
                    payer: Some(Payer::Association),
                    item: Some(CostItem::Insurance),
                    amount_minor: 300_000,
                    currency: "KRW".into(),
                    frequency: Some(CostFrequency::OneOff),
                },
            ],
            costs: vec![CostDraft {
                payer: Some(Payer::Association),
                item: "medical and accident insurance".into(),
            }],
            host_codes: vec!["26000".into()],
            stages: vec![],
            published: true,
            outside_period: false,
        }
    }

    fn field(d: EditionDraft) -> String {
        d.parse().unwrap_err().field().to_owned()
    }

    #[test]
    fn a_fellowship_parses_with_defaults() {
        let e = fellowship().parse().unwrap();
        assert_eq!(e.languages.len(), 2);
        assert_eq!(e.eligibility.applicant_kinds, [ApplicantKind::Official]);
        assert_eq!(e.stages.len(), 1);
        assert_eq!(e.stages[0].name, "Review");
        assert_eq!(e.stages[0].cut, CutRule::None);
        // Shares first, then the stipend lines as monthly living-expense shares.
        let items: Vec<_> = e.cost_policy.shares.iter().map(|s| s.item).collect();
        assert_eq!(
            items,
            [
                CostItem::PreTraining,
                CostItem::Insurance,
                CostItem::LivingExpenses,
                CostItem::LivingExpenses
            ]
        );
        let stipends = e.cost_policy.stipends();
        assert_eq!(stipends[1].payer, Payer::HostLocalGovernment);
        assert_eq!(stipends[1].monthly.amount_minor(), 400_000);
        assert_eq!(
            e.cost_policy.notes[0].item,
            "medical and accident insurance"
        );
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(
            field(EditionDraft {
                capacity: 0,
                ..fellowship()
            }),
            "capacity"
        );
        assert_eq!(
            field(EditionDraft {
                ends_on: "2026-03-01".into(),
                ..fellowship()
            }),
            "endsOn"
        );
        assert_eq!(
            field(EditionDraft {
                starts_on: "2026-02-01".into(),
                ..fellowship()
            }),
            "startsOn"
        );
        assert_eq!(
            field(EditionDraft {
                applications_close_on: "2025-12-01".into(),
                ..fellowship()
            }),
            "applicationsCloseOn"
        );
        assert_eq!(
            field(EditionDraft {
                languages: vec!["EN".into()],
                ..fellowship()
            }),
            "languages[0]"
        );
        assert_eq!(
            field(EditionDraft {
                host_codes: vec![],
                ..fellowship()
            }),
            "hostCodes"
        );
        let mut d = fellowship();
        d.stipends[1].payer = Some(Payer::Association);
        assert_eq!(field(d), "costPolicy.stipends[1].payer");
        let mut d = fellowship();
        d.shares[0].frequency = Some(CostFrequency::OneOff);
        d.shares[0].item = Some(CostItem::LivingExpenses);
        assert_eq!(field(d), "costPolicy.shares[0].frequency");
        let mut d = fellowship();
        d.shares[1].item = Some(CostItem::PreTraining);
        assert_eq!(field(d), "costPolicy.shares[1].item");
        let mut d = fellowship();
        d.shares[0].amount_minor = 0;
        assert_eq!(field(d), "costPolicy.shares[0].amountMinor");
        let mut d = fellowship();
        d.stipends[0].amount_minor = -1;
        assert_eq!(field(d), "costPolicy.stipends[0].amountMinor");
        let mut d = fellowship();
        d.stipends[0].currency = "won".into();
        assert_eq!(field(d), "costPolicy.stipends[0].currency");
        let mut d = fellowship();
        d.eligibility.min_grade = 7;
        d.eligibility.max_grade = 5;
        assert_eq!(field(d), "eligibility.maxGrade");
    }

    #[test]
    fn stages_number_from_one_and_the_last_has_no_cut() {
        let mut d = fellowship();
        d.stages = vec![
            StageDraft {
                name: "Preliminaries".into(),
                cut: Some(CutKind::TopN),
                cut_value: 10,
                blind: true,
                reviewers: vec!["r1".into(), "r2".into(), "r1".into()],
                ..StageDraft::default()
            },
            StageDraft {
                name: "Finals".into(),
                ..StageDraft::default()
            },
        ];
        let e = d.clone().parse().unwrap();
        assert_eq!(e.stages[0].number, 1);
        assert_eq!(e.stages[0].cut, CutRule::TopN(10));
        assert_eq!(e.stages[0].reviewers, ["r1", "r2"]);
        assert_eq!(e.stages[1].number, 2);
        d.stages[1].cut = Some(CutKind::Threshold);
        assert_eq!(field(d.clone()), "stages[1].cut");
        d.stages[1].cut = None;
        d.stages[0].cut_value = 0;
        assert_eq!(field(d.clone()), "stages[0].cutValue");
        d.stages[0].cut_value = 10;
        d.stages[0].reviewers = vec!["a b".into()];
        assert_eq!(field(d), "stages[0].reviewers[0]");
    }

    #[test]
    fn division_reviewers_review_one_of_the_editions_divisions() {
        let mut d = fellowship();
        d.divisions = vec!["en".into(), "zh".into(), "ja".into(), "en".into()];
        d.stages = vec![StageDraft {
            name: "Preliminaries".into(),
            reviewers: vec!["chair".into()],
            division_reviewers: vec![
                DivisionReviewerDraft {
                    subject: "r-en".into(),
                    division: "en".into(),
                },
                DivisionReviewerDraft {
                    subject: "r-zh".into(),
                    division: "zh".into(),
                },
            ],
            ..StageDraft::default()
        }];
        let e = d.clone().parse().unwrap();
        assert_eq!(e.divisions.len(), 3);
        assert_eq!(e.stages[0].division_reviewers[1].division.as_str(), "zh");
        d.stages[0].division_reviewers[1].division = "ko".into();
        assert_eq!(field(d.clone()), "stages[0].divisionReviewers[1].division");
        d.stages[0].division_reviewers[1].division = "zh".into();
        d.stages[0].division_reviewers[1].subject = "chair".into();
        assert_eq!(field(d.clone()), "stages[0].divisionReviewers[1].subject");
        d.divisions = vec!["EN".into()];
        assert_eq!(field(d), "divisions[0]");
    }

    #[test]
    fn money_is_integer_minor_units() {
        assert_eq!(
            Money::new(400_000, "KRW").unwrap().to_string(),
            "400000 KRW"
        );
        assert!(Money::new(-1, "KRW").is_err());
        assert!(Money::new(1, "KR").is_err());
    }
}
