//! A series as a client sends it, and the validated series it parses into.

use glocal_kit::domain::period::{PeriodDraft, PeriodRule};

use super::{
    EventKind, IdempotencyKey, InvalidInput, LocalizedText, Rotation, SeriesCode, TextDraft,
};

/// A series as a client sends it, unvalidated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeriesDraft {
    /// Makes retries safe; required.
    pub idempotency_key: String,
    /// Short stable code, e.g. `KCJ-CONFERENCE`.
    pub code: String,
    /// Kind of its events (required).
    pub kind: Option<EventKind>,
    /// Title.
    pub title: TextDraft,
    /// Description.
    pub description: TextDraft,
    /// Host rotation (ISO country codes, in order); empty = none.
    pub rotation: Vec<String>,
    /// Largest number of events per year; 0 = no quota.
    pub yearly_quota: u32,
    /// When its events may be held; `None` = any time.
    pub period: Option<PeriodDraft>,
}

/// A validated series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSeries {
    /// Makes retries safe.
    pub idempotency_key: IdempotencyKey,
    /// Code.
    pub code: SeriesCode,
    /// Kind of its events.
    pub kind: EventKind,
    /// Title (≤ 200 characters per language).
    pub title: LocalizedText,
    /// Description (≤ 10 000 characters per language).
    pub description: LocalizedText,
    /// Host rotation.
    pub rotation: Rotation,
    /// 0..=1000 events a year (0 = no quota).
    pub yearly_quota: u32,
    /// When its events may be held (months, longest duration); `None` = any time.
    pub period: Option<PeriodRule>,
}

impl SeriesDraft {
    /// Checks every field; the first problem found is reported with its field.
    pub fn parse(&self) -> Result<NewSeries, InvalidInput> {
        let idempotency_key = IdempotencyKey::parse(&self.idempotency_key)?;
        let code = SeriesCode::parse(&self.code)?;
        let kind = self
            .kind
            .ok_or_else(|| InvalidInput::new("kind", "is required"))?;
        let title = LocalizedText::parse(&self.title, "title", 200)?;
        let description = LocalizedText::parse(&self.description, "description", 10_000)?;
        let rotation = Rotation::parse(&self.rotation)?;
        if self.yearly_quota > 1000 {
            return Err(InvalidInput::new("yearlyQuota", "must be at most 1000"));
        }
        let period = self.period.map(|p| p.parse("period")).transpose()?;
        if period.is_some_and(|p| p.per_year().is_some()) {
            return Err(InvalidInput::new(
                "period.editionsPerYear",
                "a series counts its events with yearlyQuota",
            ));
        }
        Ok(NewSeries {
            idempotency_key,
            code,
            kind,
            title,
            description,
            rotation,
            yearly_quota: self.yearly_quota,
            period,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_drafts() {
        let d = SeriesDraft {
            idempotency_key: "s".into(),
            code: "KCJ-CONFERENCE".into(),
            kind: Some(EventKind::Conference),
            title: TextDraft::new("한중일", "KCJ", "", ""),
            description: TextDraft::new("", "Annual", "", ""),
            rotation: vec!["KR".into(), "CN".into(), "JP".into()],
            yearly_quota: 0,
            period: Some(PeriodDraft {
                from_month: 8,
                to_month: 9,
                max_days: 4,
                per_year: 0,
            }),
        };
        assert_eq!(d.parse().unwrap().rotation.countries().len(), 3);
        let bad = SeriesDraft {
            yearly_quota: 1001,
            ..d.clone()
        };
        assert_eq!(bad.parse().unwrap_err().field(), "yearlyQuota");
        let bad = SeriesDraft {
            period: Some(PeriodDraft {
                from_month: 13,
                to_month: 9,
                max_days: 0,
                per_year: 0,
            }),
            ..d.clone()
        };
        assert_eq!(bad.parse().unwrap_err().field(), "period.fromMonth");
        let bad = SeriesDraft {
            period: Some(PeriodDraft {
                from_month: 8,
                to_month: 9,
                max_days: 0,
                per_year: 2,
            }),
            ..d.clone()
        };
        assert_eq!(bad.parse().unwrap_err().field(), "period.editionsPerYear");
        let bad = SeriesDraft { kind: None, ..d };
        assert_eq!(bad.parse().unwrap_err().field(), "kind");
    }
}
