//! When a programme's editions or a series' events may be held (issue #25 point 3): the
//! bureau's "April ~ October (6 months)", "August ~ September (four days)", "twice a year".
//! A [`PeriodRule`] is months from–to (which may wrap over the new year, e.g. November to
//! February), an optional longest duration in days and an optional number of editions per
//! year. It parses from a [`PeriodDraft`] with field errors, is stored as JSON text
//! ([`PeriodRule::to_stored`]) and says why dates break it ([`PeriodBreach`]).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::InvalidInput;
use crate::i18n::Message;

/// A period rule as a client sends it, unvalidated; 0 = no limit for the optional numbers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodDraft {
    /// First month (1–12).
    pub from_month: u32,
    /// Last month (1–12); before `from_month` when the period wraps over the new year.
    pub to_month: u32,
    /// Longest duration in days, first and last day counted; 0 = no limit.
    pub max_days: u32,
    /// Most editions starting in one calendar year; 0 = no limit.
    pub per_year: u32,
}

/// When editions or events may be held: every day from the first to the last lies in one
/// stretch of the months `from_month..=to_month` (wrapping over the new year when
/// `to_month < from_month`), they last at most `max_days`, and at most `per_year` start in
/// one calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodRule {
    #[serde(rename = "from")]
    from_month: u32,
    #[serde(rename = "to")]
    to_month: u32,
    #[serde(rename = "maxDays", default, skip_serializing_if = "Option::is_none")]
    max_days: Option<u32>,
    #[serde(rename = "perYear", default, skip_serializing_if = "Option::is_none")]
    per_year: Option<u32>,
}

/// How dates break a [`PeriodRule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodBreach {
    /// Some day falls outside the rule's months.
    OutsideMonths,
    /// Longer than the rule's longest duration; how many days it lasts.
    TooLong(i64),
    /// The year already holds the rule's editions per year.
    EditionsUsed,
}

/// Longest duration a rule may name (a little over a year).
const MAX_DAYS: u32 = 366;
/// Most editions per year a rule may name.
const MAX_PER_YEAR: u32 = 52;

impl PeriodDraft {
    /// Parses into a [`PeriodRule`]; field errors name `prefix.fromMonth` and so on.
    pub fn parse(&self, prefix: &str) -> Result<PeriodRule, InvalidInput> {
        let month = |v: u32, f: &str| {
            if (1..=12).contains(&v) {
                Ok(v)
            } else {
                Err(InvalidInput::localized(
                    format!("{prefix}.{f}"),
                    Message::new("input-month"),
                ))
            }
        };
        let from_month = month(self.from_month, "fromMonth")?;
        let to_month = month(self.to_month, "toMonth")?;
        if self.max_days > MAX_DAYS {
            return Err(InvalidInput::localized(
                format!("{prefix}.maxDays"),
                Message::new("input-at-most").arg("max", MAX_DAYS),
            ));
        }
        if self.per_year > MAX_PER_YEAR {
            return Err(InvalidInput::localized(
                format!("{prefix}.editionsPerYear"),
                Message::new("input-at-most").arg("max", MAX_PER_YEAR),
            ));
        }
        Ok(PeriodRule {
            from_month,
            to_month,
            max_days: (self.max_days > 0).then_some(self.max_days),
            per_year: (self.per_year > 0).then_some(self.per_year),
        })
    }
}

impl PeriodRule {
    /// First month (1–12).
    pub fn from_month(&self) -> u32 {
        self.from_month
    }

    /// Last month (1–12).
    pub fn to_month(&self) -> u32 {
        self.to_month
    }

    /// Longest duration in days, if any.
    pub fn max_days(&self) -> Option<u32> {
        self.max_days
    }

    /// Most editions starting in one calendar year, if any.
    pub fn per_year(&self) -> Option<u32> {
        self.per_year
    }

    /// The draft this rule parses from (0 = no limit).
    pub fn draft(&self) -> PeriodDraft {
        PeriodDraft {
            from_month: self.from_month,
            to_month: self.to_month,
            max_days: self.max_days.unwrap_or(0),
            per_year: self.per_year.unwrap_or(0),
        }
    }

    /// The stored form: JSON such as `{"from":8,"to":9,"maxDays":4}`.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads the stored form back; `None` or empty text is no rule. A stored rule that no
    /// longer parses is an error (the column holds only what [`Self::to_stored`] wrote).
    pub fn from_stored(text: Option<&str>) -> Result<Option<PeriodRule>, InvalidInput> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => {
                let stored: PeriodRule = serde_json::from_str(t).map_err(|e| {
                    tracing::error!(error = %e, "a stored period rule does not parse");
                    InvalidInput::localized("period", Message::new("input-period-stored"))
                })?;
                stored.draft().parse("period").map(Some)
            }
        }
    }

    /// The last day of the stretch of the rule's months that contains `day`, or `None`
    /// when `day` falls outside the months.
    fn stretch_end(&self, day: NaiveDate) -> Option<NaiveDate> {
        let (m, y) = (day.month(), day.year());
        let end_year = if self.from_month <= self.to_month {
            (self.from_month..=self.to_month).contains(&m).then_some(y)
        } else if m >= self.from_month {
            Some(y + 1)
        } else if m <= self.to_month {
            Some(y)
        } else {
            None
        }?;
        let (ny, nm) = if self.to_month == 12 {
            (end_year + 1, 1)
        } else {
            (end_year, self.to_month + 1)
        };
        NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
    }

    /// Whether an edition or event from `first` to `last` (inclusive) keeps to the months
    /// and the longest duration; `held_that_year` is how many others start in `first`'s
    /// calendar year (checked against the editions per year).
    pub fn check(
        &self,
        first: NaiveDate,
        last: NaiveDate,
        held_that_year: u64,
    ) -> Result<(), PeriodBreach> {
        match self.stretch_end(first) {
            Some(end) if last <= end => {}
            _ => return Err(PeriodBreach::OutsideMonths),
        }
        let days = (last - first).num_days() + 1;
        if self.max_days.is_some_and(|max| days > i64::from(max)) {
            return Err(PeriodBreach::TooLong(days));
        }
        if self
            .per_year
            .is_some_and(|n| held_that_year >= u64::from(n))
        {
            return Err(PeriodBreach::EditionsUsed);
        }
        Ok(())
    }

    /// The catalogue message saying how `first`–`last` breaks the rule of `name` (a series
    /// or programme), naming the rule.
    pub fn refusal(
        &self,
        breach: PeriodBreach,
        name: &str,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Message {
        let m = Message::new(match breach {
            PeriodBreach::OutsideMonths => "rule-outside-period",
            PeriodBreach::TooLong(_) => "rule-period-too-long",
            PeriodBreach::EditionsUsed => "rule-period-editions-used",
        })
        .arg("name", name)
        .arg("from", self.from_month)
        .arg("to", self.to_month);
        match breach {
            PeriodBreach::OutsideMonths => m.arg("start", first).arg("end", last),
            PeriodBreach::TooLong(days) => m
                .arg("max", self.max_days.unwrap_or(0))
                .arg("start", first)
                .arg("end", last)
                .arg("days", days),
            PeriodBreach::EditionsUsed => m
                .arg("perYear", self.per_year.unwrap_or(0))
                .arg("year", first.year()),
        }
    }
}

/// The column a period rule is stored in (nullable text: NULL = no rule).
pub const PERIOD_COLUMN: &str = "period";

/// The migration that adds [`PERIOD_COLUMN`] to a service's `table` (the events service's
/// `series`, the training service's `programme`); existing rows have no rule.
pub struct PeriodColumnMigration {
    /// The table whose rows carry a period rule.
    pub table: &'static str,
}

impl sea_orm_migration::MigrationName for PeriodColumnMigration {
    fn name(&self) -> &str {
        "m20261204_100001_period_rules"
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for PeriodColumnMigration {
    async fn up(&self, m: &sea_orm_migration::SchemaManager) -> Result<(), sea_orm::DbErr> {
        m.alter_table(
            sea_orm::sea_query::Table::alter()
                .table(crate::migration::a(self.table))
                .add_column(crate::migration::text_null(PERIOD_COLUMN))
                .to_owned(),
        )
        .await
    }
}

impl std::fmt::Display for PeriodRule {
    /// E.g. `months 8–9, at most 4 days` (for audit notes and logs).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "months {}–{}", self.from_month, self.to_month)?;
        if let Some(d) = self.max_days {
            write!(f, ", at most {d} days")?;
        }
        if let Some(n) = self.per_year {
            write!(f, ", {n} a year")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rule(from: u32, to: u32, max_days: u32, per_year: u32) -> PeriodRule {
        PeriodDraft {
            from_month: from,
            to_month: to,
            max_days,
            per_year,
        }
        .parse("period")
        .unwrap()
    }

    #[test]
    fn drafts_parse_with_field_errors() {
        let ok = PeriodDraft {
            from_month: 8,
            to_month: 9,
            max_days: 4,
            per_year: 0,
        };
        let r = ok.parse("period").unwrap();
        assert_eq!((r.from_month(), r.to_month()), (8, 9));
        assert_eq!((r.max_days(), r.per_year()), (Some(4), None));
        let bad = |d: PeriodDraft| d.parse("period").unwrap_err().field().to_owned();
        assert_eq!(
            bad(PeriodDraft {
                from_month: 0,
                ..ok
            }),
            "period.fromMonth"
        );
        assert_eq!(bad(PeriodDraft { to_month: 13, ..ok }), "period.toMonth");
        assert_eq!(
            bad(PeriodDraft {
                max_days: 367,
                ..ok
            }),
            "period.maxDays"
        );
        assert_eq!(
            bad(PeriodDraft { per_year: 53, ..ok }),
            "period.editionsPerYear"
        );
    }

    #[test]
    fn months_and_duration() {
        let kcj = rule(8, 9, 4, 0);
        assert_eq!(kcj.check(d("2026-08-25"), d("2026-08-28"), 0), Ok(()));
        assert_eq!(kcj.check(d("2026-09-28"), d("2026-09-30"), 0), Ok(()));
        assert_eq!(
            kcj.check(d("2026-09-29"), d("2026-10-01"), 0),
            Err(PeriodBreach::OutsideMonths),
            "runs into October"
        );
        assert_eq!(
            kcj.check(d("2026-07-31"), d("2026-08-02"), 0),
            Err(PeriodBreach::OutsideMonths)
        );
        assert_eq!(
            kcj.check(d("2026-08-25"), d("2026-08-29"), 0),
            Err(PeriodBreach::TooLong(5))
        );
        let k2h = rule(4, 10, 0, 0);
        assert_eq!(k2h.check(d("2026-04-01"), d("2026-10-31"), 0), Ok(()));
        assert_eq!(
            k2h.check(d("2026-10-01"), d("2027-04-30"), 0),
            Err(PeriodBreach::OutsideMonths),
            "both ends in the months, but not one stretch"
        );
        let december = rule(12, 12, 0, 0);
        assert_eq!(december.check(d("2026-12-31"), d("2026-12-31"), 0), Ok(()));
    }

    #[test]
    fn months_may_wrap_over_the_new_year() {
        let winter = rule(11, 2, 0, 0);
        assert_eq!(winter.check(d("2026-12-20"), d("2027-02-28"), 0), Ok(()));
        assert_eq!(winter.check(d("2027-01-05"), d("2027-02-10"), 0), Ok(()));
        assert_eq!(
            winter.check(d("2027-02-20"), d("2027-03-02"), 0),
            Err(PeriodBreach::OutsideMonths)
        );
        assert_eq!(
            winter.check(d("2026-06-01"), d("2026-06-02"), 0),
            Err(PeriodBreach::OutsideMonths)
        );
    }

    #[test]
    fn editions_per_year() {
        let twice = rule(1, 12, 0, 2);
        assert_eq!(twice.check(d("2026-03-01"), d("2026-03-05"), 1), Ok(()));
        assert_eq!(
            twice.check(d("2026-09-01"), d("2026-09-05"), 2),
            Err(PeriodBreach::EditionsUsed)
        );
    }

    #[test]
    fn stored_form_round_trips() {
        let r = rule(8, 9, 4, 0);
        assert_eq!(r.to_stored(), r#"{"from":8,"to":9,"maxDays":4}"#);
        assert_eq!(PeriodRule::from_stored(Some(&r.to_stored())), Ok(Some(r)));
        assert_eq!(PeriodRule::from_stored(None), Ok(None));
        assert_eq!(PeriodRule::from_stored(Some("")), Ok(None));
        assert!(PeriodRule::from_stored(Some(r#"{"from":13,"to":1}"#)).is_err());
        assert_eq!(r.to_string(), "months 8–9, at most 4 days");
    }

    #[test]
    fn refusals_name_the_rule() {
        use crate::i18n::Lang;
        let r = rule(8, 9, 4, 0);
        let m = r.refusal(
            PeriodBreach::TooLong(5),
            "KCJ-CONFERENCE",
            d("2026-08-25"),
            d("2026-08-29"),
        );
        let en = m.render(Lang::En);
        assert!(en.contains("KCJ-CONFERENCE") && en.contains('4'), "{en}");
        assert_ne!(m.render(Lang::Ko), en);
    }
}
