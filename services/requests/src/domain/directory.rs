//! The directory's administration (ADR 0035): local-government levels and drafts with the
//! parent rule, department and staff drafts, absence periods and who may take new work
//! today, and the CSV form of the local-government list that `glocal import` reads.

use chrono::{DateTime, NaiveDate, Utc};
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;

use super::{
    DepartmentCode, InvalidInput, LanguageCode, LocalGovernment, LocalGovernmentCode,
    LocalizedName, RequestType, StaffId,
};

glocal_kit::text_enum!(
    /// The tier of a local government: metropolitan and provincial governments (the upper
    /// tier) or the basic ones under them.
    LocalGovernmentLevel, "level" {
        /// A metropolitan city or special (self-governing) city: upper tier.
        Metropolitan => "METROPOLITAN",
        /// A province or special self-governing province: upper tier.
        Province => "PROVINCE",
        /// A city (-si) under a province: basic.
        City => "CITY",
        /// A county (-gun): basic.
        County => "COUNTY",
        /// An autonomous district (-gu) of a metropolitan city: basic.
        District => "DISTRICT",
    }
);

impl LocalGovernmentLevel {
    /// Metropolitan and provincial governments: no parent, parents of the basic ones.
    pub fn is_upper_tier(self) -> bool {
        matches!(self, Self::Metropolitan | Self::Province)
    }
}

/// A refusal of directory input: BAD_USER_INPUT with a stable reason.
fn refuse(reason: &'static str, message: Message) -> Refusal {
    Refusal::said(ErrorCode::BadUserInput, reason, message)
}

/// A local government to create or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalGovernmentDraft {
    /// Standard administrative code.
    pub code: LocalGovernmentCode,
    /// Names; an empty Chinese or Japanese name reads as the English one.
    pub name: LocalizedName,
    /// Tier.
    pub level: LocalGovernmentLevel,
    /// The metropolitan or provincial government a basic one belongs to.
    pub parent_code: Option<LocalGovernmentCode>,
}

impl LocalGovernmentDraft {
    /// A draft from its parts: Korean and English names are required, Chinese and Japanese
    /// fall back to English.
    pub fn new(
        code: LocalGovernmentCode,
        name: LocalizedName,
        level: LocalGovernmentLevel,
        parent_code: Option<LocalGovernmentCode>,
    ) -> Result<Self, InvalidInput> {
        let name = check_names(name)?;
        Ok(LocalGovernmentDraft {
            code,
            name,
            level,
            parent_code,
        })
    }

    /// The parent rule: an upper-tier government has no parent; a basic one names an
    /// existing upper-tier government (`parent`, as found by the draft's parent code).
    pub fn check_parent(&self, parent: Option<&LocalGovernment>) -> Result<(), Refusal> {
        let code = self.code.as_str();
        match (&self.parent_code, self.level.is_upper_tier()) {
            (Some(_), true) => Err(refuse(
                "PARENT_NOT_ALLOWED",
                Message::new("directory-parent-not-allowed").arg("code", code),
            )),
            (None, false) => Err(refuse(
                "PARENT_REQUIRED",
                Message::new("directory-parent-required").arg("code", code),
            )),
            (None, true) => Ok(()),
            (Some(p), false) => {
                let Some(parent) = parent else {
                    return Err(refuse(
                        "UNKNOWN_PARENT",
                        Message::new("directory-unknown-parent").arg("parent", p.as_str()),
                    ));
                };
                let upper = LocalGovernmentLevel::parse(&parent.level)
                    .is_ok_and(LocalGovernmentLevel::is_upper_tier);
                if !upper {
                    return Err(refuse(
                        "PARENT_NOT_UPPER_TIER",
                        Message::new("directory-parent-not-upper").arg("parent", p.as_str()),
                    ));
                }
                Ok(())
            }
        }
    }

    /// The local government as this draft writes it.
    pub fn to_view(&self) -> LocalGovernment {
        LocalGovernment {
            code: self.code.as_str().to_owned(),
            name: self.name.clone(),
            level: self.level.as_str().to_owned(),
            parent_code: self.parent_code.as_ref().map(|p| p.as_str().to_owned()),
        }
    }
}

/// A department to create, or the changes to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentDraft {
    /// Code.
    pub code: DepartmentCode,
    /// Names (all four on create; on update, `None` keeps them).
    pub name: Option<LocalizedName>,
    /// The new lead (an active member of the department); `None` keeps the current one.
    pub lead_staff_id: Option<StaffId>,
}

/// Checks a department's or staff member's names: Korean and English required, Chinese and
/// Japanese fall back to English.
pub fn check_names(mut name: LocalizedName) -> Result<LocalizedName, InvalidInput> {
    for (field, text) in [("name.ko", &mut name.ko), ("name.en", &mut name.en)] {
        *text = glocal_kit::domain::single_line(text, field, 1, 200)?;
    }
    for text in [&mut name.zh, &mut name.ja] {
        *text = text.trim().to_owned();
        if text.is_empty() {
            text.clone_from(&name.en);
        }
    }
    Ok(name)
}

/// A period a staff member is away, both days included (Korea time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Absence {
    from: NaiveDate,
    to: NaiveDate,
}

impl Absence {
    /// A period from `from` to `to` inclusive; refused (`ABSENCE_ENDS_BEFORE_START`) when
    /// `to` is before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, Refusal> {
        if to < from {
            return Err(refuse(
                "ABSENCE_ENDS_BEFORE_START",
                Message::new("directory-absence-ends-before-start")
                    .arg("from", from.to_string())
                    .arg("to", to.to_string()),
            ));
        }
        Ok(Absence { from, to })
    }

    /// First day away.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// Last day away.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether `day` falls in the period.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// A new staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffDraft {
    /// Id.
    pub id: StaffId,
    /// The token subject they sign in with.
    pub subject: String,
    /// Display name.
    pub name: String,
    /// Department.
    pub department_code: DepartmentCode,
    /// Languages they work in.
    pub languages: Vec<LanguageCode>,
    /// Request types they take; empty takes every type.
    pub request_types: Vec<RequestType>,
}

/// Changes to a staff member; `None` keeps a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffChanges {
    /// Display name.
    pub name: Option<String>,
    /// Department (moving leaves any lead role of the old one).
    pub department_code: Option<DepartmentCode>,
    /// Languages (replaces the list).
    pub languages: Option<Vec<LanguageCode>>,
    /// Request types (replaces the list; empty takes every type).
    pub request_types: Option<Vec<RequestType>>,
    /// Absence periods (replaces the list).
    pub absences: Option<Vec<Absence>>,
}

/// Checks a staff member's display name (1..=100 characters, one line).
pub fn staff_name(name: &str) -> Result<String, InvalidInput> {
    glocal_kit::domain::single_line(name, "name", 1, 100)
}

/// Checks a token subject (1..=200 characters, one line).
pub fn staff_subject(subject: &str) -> Result<String, InvalidInput> {
    glocal_kit::domain::single_line(subject, "subject", 1, 200)
}

/// What the directory knows of a staff member's availability.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Availability {
    /// Languages they work in (ISO 639-1).
    pub languages: Vec<String>,
    /// Request types they take; empty takes every type.
    pub request_types: Vec<RequestType>,
    /// Absence periods, earliest first.
    pub absences: Vec<Absence>,
    /// When they left the bureau, if they did.
    pub departed_at: Option<DateTime<Utc>>,
}

impl Availability {
    /// Whether they take requests of `ty`.
    pub fn takes(&self, ty: RequestType) -> bool {
        self.request_types.is_empty() || self.request_types.contains(&ty)
    }

    /// Whether they are away on `today` (a Korea-time date).
    pub fn absent_on(&self, today: NaiveDate) -> bool {
        self.absences.iter().any(|a| a.covers(today))
    }
}

/// One line of the local-government CSV, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvLine {
    /// The 1-based line number in the file.
    pub line: usize,
    /// The draft it holds.
    pub draft: LocalGovernmentDraft,
}

/// Why a local-government CSV is refused, with the line it is about (0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The columns of the local-government CSV, in any order; `name_zh` and `name_ja` may be
/// left out (they fall back to English).
pub const CSV_COLUMNS: [&str; 7] = [
    "code", "level", "parent", "name_ko", "name_en", "name_zh", "name_ja",
];

/// Parses the local-government CSV: `#` comment lines and blank lines are skipped; the
/// first other line is the header. Checks each line's code, level and names, duplicate
/// codes and the parent rule within the file (`known` answers whether a parent not in the
/// file exists already, with its level).
pub fn parse_csv(
    text: &str,
    known: &dyn Fn(&str) -> Option<LocalGovernment>,
) -> Result<Vec<CsvLine>, CsvError> {
    let mut header: Option<Vec<String>> = None;
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let fields = split_csv_line(raw).map_err(|message| CsvError { line, message })?;
        let Some(columns) = &header else {
            let columns: Vec<String> = fields.iter().map(|f| f.trim().to_owned()).collect();
            for required in ["code", "level", "parent", "name_ko", "name_en"] {
                if !columns.iter().any(|c| c == required) {
                    return Err(CsvError {
                        line,
                        message: format!("missing column `{required}` in the header"),
                    });
                }
            }
            if let Some(unknown) = columns.iter().find(|c| !CSV_COLUMNS.contains(&c.as_str())) {
                return Err(CsvError {
                    line,
                    message: format!("unknown column `{unknown}` in the header"),
                });
            }
            header = Some(columns);
            continue;
        };
        if fields.len() != columns.len() {
            return Err(CsvError {
                line,
                message: format!(
                    "{} fields where the header has {} columns",
                    fields.len(),
                    columns.len()
                ),
            });
        }
        let get = |name: &str| {
            columns
                .iter()
                .position(|c| c == name)
                .map(|i| fields[i].trim().to_owned())
                .unwrap_or_default()
        };
        let bad = |e: InvalidInput| CsvError {
            line,
            message: format!("{}: {}", e.field(), e.message()),
        };
        let code = LocalGovernmentCode::parse(&get("code")).map_err(|e| bad(e.at("code")))?;
        let level = LocalGovernmentLevel::parse(&get("level")).map_err(|_| CsvError {
            line,
            message: format!(
                "level: `{}` is not one of METROPOLITAN, PROVINCE, CITY, COUNTY, DISTRICT",
                get("level")
            ),
        })?;
        let parent = match get("parent").as_str() {
            "" => None,
            p => Some(LocalGovernmentCode::parse(p).map_err(|e| bad(e.at("parent")))?),
        };
        let name = LocalizedName {
            ko: get("name_ko"),
            en: get("name_en"),
            zh: get("name_zh"),
            ja: get("name_ja"),
        };
        let draft = LocalGovernmentDraft::new(code, name, level, parent).map_err(bad)?;
        lines.push(CsvLine { line, draft });
    }
    if header.is_none() {
        return Err(CsvError {
            line: 0,
            message: "the file has no header line".into(),
        });
    }
    check_file(&lines, known)?;
    Ok(lines)
}

/// Duplicate codes and the parent rule across the file.
fn check_file(
    lines: &[CsvLine],
    known: &dyn Fn(&str) -> Option<LocalGovernment>,
) -> Result<(), CsvError> {
    let mut seen = std::collections::HashMap::new();
    for l in lines {
        if let Some(first) = seen.insert(l.draft.code.as_str(), l.line) {
            return Err(CsvError {
                line: l.line,
                message: format!(
                    "duplicate code {} (first on line {first})",
                    l.draft.code.as_str()
                ),
            });
        }
    }
    for l in lines {
        let parent = l.draft.parent_code.as_ref().and_then(|p| {
            lines
                .iter()
                .find(|o| o.draft.code == *p)
                .map(|o| o.draft.to_view())
                .or_else(|| known(p.as_str()))
        });
        l.draft
            .check_parent(parent.as_ref())
            .map_err(|r| CsvError {
                line: l.line,
                message: r.message,
            })?;
    }
    Ok(())
}

/// Splits one CSV line (RFC 4180 quoting: `"a, b"`, `""` for a quote inside quotes).
fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (false, '"') if at_start => {
                quoted = true;
                at_start = false;
            }
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => match chars.peek() {
                None | Some(',') => quoted = false,
                Some(_) => return Err("text after a closing quote".into()),
            },
            (false, ',') => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
            }
            (_, c) => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_absence_covers_both_ends_and_refuses_to_end_before_it_starts() {
        let a = Absence::new(day("2026-12-01"), day("2026-12-03")).unwrap();
        assert!(a.covers(day("2026-12-01")) && a.covers(day("2026-12-03")));
        assert!(!a.covers(day("2026-12-04")));
        let e = Absence::new(day("2026-12-03"), day("2026-12-01")).unwrap_err();
        assert_eq!(e.reason, "ABSENCE_ENDS_BEFORE_START");
        assert!(Absence::new(day("2026-12-03"), day("2026-12-03")).is_ok());
    }

    #[test]
    fn availability_follows_types_and_absences() {
        let a = Availability {
            request_types: vec![RequestType::OverseasVisit],
            absences: vec![Absence::new(day("2026-12-01"), day("2026-12-02")).unwrap()],
            ..Availability::default()
        };
        assert!(a.takes(RequestType::OverseasVisit));
        assert!(!a.takes(RequestType::GeneralInquiry));
        assert!(Availability::default().takes(RequestType::GeneralInquiry));
        assert!(a.absent_on(day("2026-12-02")));
        assert!(!a.absent_on(day("2026-12-03")));
    }

    #[test]
    fn csv_fields_are_split_with_quotes() {
        assert_eq!(
            split_csv_line(r#"11680,"Gangnam-gu, Seoul","a ""b""",x"#).unwrap(),
            ["11680", "Gangnam-gu, Seoul", r#"a "b""#, "x"]
        );
        assert!(split_csv_line(r#""open"#).is_err());
    }

    const HEAD: &str = "code,level,parent,name_ko,name_en\n";

    fn none(_: &str) -> Option<LocalGovernment> {
        None
    }

    #[test]
    fn the_csv_is_refused_with_the_line_number() {
        let e = parse_csv("# c\ncode,level,name_ko,name_en\n", &none).unwrap_err();
        assert_eq!((e.line, e.message.contains("parent")), (2, true));
        let e = parse_csv(&format!("{HEAD}1100,METROPOLITAN,,서울,Seoul\n"), &none).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let text = format!(
            "{HEAD}11000,METROPOLITAN,,서울,Seoul\n11110,DISTRICT,11000,종로구,Jongno\n11000,METROPOLITAN,,서울,Seoul\n"
        );
        let e = parse_csv(&text, &none).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("duplicate"), "{e}");
        let e = parse_csv(
            &format!("{HEAD}11110,DISTRICT,11000,종로구,Jongno\n"),
            &none,
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("11000"), "{e}");
    }

    #[test]
    fn a_parent_may_be_in_the_file_or_already_known() {
        let known = |code: &str| {
            (code == "26000").then(|| LocalGovernment {
                code: code.into(),
                name: LocalizedName::default(),
                level: "METROPOLITAN".into(),
                parent_code: None,
            })
        };
        let text = format!(
            "{HEAD}11110,DISTRICT,11000,종로구,Jongno-gu\n11000,METROPOLITAN,,서울특별시,Seoul\n26350,DISTRICT,26000,해운대구,\"Haeundae-gu, Busan\"\n"
        );
        let lines = parse_csv(&text, &known).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[2].draft.name.zh, "Haeundae-gu, Busan",
            "falls back to English"
        );
    }
}
