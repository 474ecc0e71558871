//! The stipend schedule, as arithmetic on dates and integer money.
//!
//! Rule (documented in docs/training.md): an edition's stipend months are anchored at its
//! first day: month k runs from `startsOn + k months` to the day before
//! `startsOn + (k+1) months`, the last one cut at `endsOn`. For each payer's monthly line
//! and each month, a participant present on `p` of the month's `d` days (present = between
//! their joining and leaving days, inclusive) is paid `monthly × p ÷ d`, **rounded down** to
//! the minor unit; a month they are not present at all has no payment. A full month pays
//! exactly the monthly amount. All arithmetic is integer.

use chrono::{Months, NaiveDate};

use super::{Payer, StipendLine};

/// One stipend month of an edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// 1-based.
    pub number: u32,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive), cut at the edition's end.
    pub end: NaiveDate,
    /// Days of the whole month from its anchor, whatever the cut.
    pub full_days: u32,
}

/// The stipend months of an edition running from `starts_on` to `ends_on` (inclusive).
pub fn periods(starts_on: NaiveDate, ends_on: NaiveDate) -> Vec<Period> {
    let mut out = Vec::new();
    let mut k = 0u32;
    while let (Some(start), Some(next)) = (
        starts_on.checked_add_months(Months::new(k)),
        starts_on.checked_add_months(Months::new(k + 1)),
    ) {
        if start > ends_on {
            break;
        }
        let nominal_end = next.pred_opt().unwrap_or(next);
        let full_days = u32::try_from((next - start).num_days()).unwrap_or(0);
        out.push(Period {
            number: k + 1,
            start,
            end: nominal_end.min(ends_on),
            full_days,
        });
        k += 1;
    }
    out
}

/// One payment of the schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPayment {
    /// Who pays.
    pub payer: Payer,
    /// The month.
    pub period: Period,
    /// Days of the month the participant is present.
    pub days_present: u32,
    /// The amount, in minor units of `currency`.
    pub amount_minor: i64,
    /// ISO 4217.
    pub currency: String,
}

fn overlap_days(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> u32 {
    let start = a.0.max(b.0);
    let end = a.1.min(b.1);
    if end < start {
        0
    } else {
        u32::try_from((end - start).num_days() + 1).unwrap_or(0)
    }
}

/// The schedule for a participant present from `joined_on` to `left_on` (inclusive) in an
/// edition running from `starts_on` to `ends_on`, one payment per payer and month present.
pub fn schedule(
    lines: &[StipendLine],
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    joined_on: NaiveDate,
    left_on: NaiveDate,
) -> Vec<PlannedPayment> {
    let months = periods(starts_on, ends_on);
    let mut out = Vec::new();
    for line in lines {
        for period in &months {
            let days_present = overlap_days((joined_on, left_on), (period.start, period.end));
            if days_present == 0 || period.full_days == 0 {
                continue;
            }
            let amount = i128::from(line.monthly.amount_minor()) * i128::from(days_present)
                / i128::from(period.full_days);
            out.push(PlannedPayment {
                payer: line.payer,
                period: *period,
                days_present,
                amount_minor: i64::try_from(amount).unwrap_or(i64::MAX),
                currency: line.monthly.currency().to_owned(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn fellowship_lines() -> Vec<StipendLine> {
        vec![
            StipendLine {
                payer: Payer::Association,
                monthly: Money::new(400_000, "KRW").unwrap(),
            },
            StipendLine {
                payer: Payer::HostLocalGovernment,
                monthly: Money::new(400_000, "KRW").unwrap(),
            },
        ]
    }

    #[test]
    fn april_to_september_is_six_calendar_months() {
        let p = periods(d("2026-04-01"), d("2026-09-30"));
        assert_eq!(p.len(), 6);
        assert_eq!(
            (p[0].start, p[0].end, p[0].full_days),
            (d("2026-04-01"), d("2026-04-30"), 30)
        );
        assert_eq!(
            (p[5].start, p[5].end, p[5].full_days),
            (d("2026-09-01"), d("2026-09-30"), 30)
        );
        assert!(
            p.windows(2)
                .all(|w| w[0].end.succ_opt() == Some(w[1].start))
        );
    }

    #[test]
    fn months_anchor_at_the_start_day_and_clamp_month_ends() {
        let p = periods(d("2026-01-31"), d("2026-04-15"));
        let spans: Vec<_> = p.iter().map(|p| (p.start, p.end)).collect();
        assert_eq!(
            spans,
            [
                (d("2026-01-31"), d("2026-02-27")),
                (d("2026-02-28"), d("2026-03-30")),
                (d("2026-03-31"), d("2026-04-15")),
            ]
        );
        // The last month is cut at the edition's end but keeps its full length.
        assert_eq!(p[2].full_days, 30);
    }

    #[test]
    fn a_full_stay_pays_six_months_from_each_payer() {
        let s = schedule(
            &fellowship_lines(),
            d("2026-04-01"),
            d("2026-09-30"),
            d("2026-04-01"),
            d("2026-09-30"),
        );
        assert_eq!(s.len(), 12);
        assert!(
            s.iter()
                .all(|p| p.amount_minor == 400_000 && p.currency == "KRW")
        );
        assert_eq!(s.iter().map(|p| p.amount_minor).sum::<i64>(), 4_800_000);
        let association = s.iter().filter(|p| p.payer == Payer::Association).count();
        assert_eq!(association, 6);
    }

    #[test]
    fn late_start_and_early_departure_are_pro_rated_and_rounded_down() {
        let s = schedule(
            &fellowship_lines()[..1],
            d("2026-04-01"),
            d("2026-09-30"),
            d("2026-04-16"),
            d("2026-09-10"),
        );
        let amounts: Vec<i64> = s.iter().map(|p| p.amount_minor).collect();
        // April: 15 of 30 days; September: 10 of 30 days = 133 333.33… → 133 333.
        assert_eq!(
            amounts,
            [200_000, 400_000, 400_000, 400_000, 400_000, 133_333]
        );
        assert_eq!(s[0].days_present, 15);
        assert_eq!(s[5].days_present, 10);
        // 31-day months pro-rate over 31 days.
        let s = schedule(
            &fellowship_lines()[..1],
            d("2026-07-01"),
            d("2026-08-31"),
            d("2026-07-01"),
            d("2026-08-01"),
        );
        let amounts: Vec<i64> = s.iter().map(|p| p.amount_minor).collect();
        assert_eq!(amounts, [400_000, 12_903]); // 400 000 × 1 ÷ 31 = 12 903.2…
    }

    #[test]
    fn months_without_presence_are_not_paid() {
        let s = schedule(
            &fellowship_lines()[..1],
            d("2026-04-01"),
            d("2026-09-30"),
            d("2026-06-01"),
            d("2026-06-30"),
        );
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].period.number, s[0].amount_minor), (3, 400_000));
    }
}
