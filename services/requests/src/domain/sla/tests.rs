//! The business calendar and due-time arithmetic, case by case and by property.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use super::*;

/// An instant given as KST wall-clock time.
fn k(y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    kst()
        .with_ymd_and_hms(y, m, d, h, mi, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn seeded() -> BusinessCalendar {
    BusinessCalendar::standard(seed_holidays().into_iter().map(|(d, _, _)| d))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn within_one_working_day() {
    let cal = seeded();
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 1, 9, 0), 240),
        k(2026, 12, 1, 13, 0)
    );
    // Exactly a working day ends at closing time, not at the next opening.
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 1, 9, 0), 540),
        k(2026, 12, 1, 18, 0)
    );
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 1, 9, 0), 541),
        k(2026, 12, 2, 9, 1)
    );
}

#[test]
fn before_opening_and_after_closing_count_from_the_next_opening() {
    let cal = seeded();
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 1, 7, 0), 30),
        k(2026, 12, 1, 9, 30)
    );
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 1, 18, 0), 1),
        k(2026, 12, 2, 9, 1)
    );
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 1, 21, 0), 60),
        k(2026, 12, 2, 10, 0)
    );
}

#[test]
fn weekends_do_not_count() {
    let cal = seeded();
    // Friday 17:00 + 2 hours: one hour on Friday, one on Monday.
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 4, 17, 0), 120),
        k(2026, 12, 7, 10, 0)
    );
    // Saturday and Sunday starts wait for Monday.
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 5, 11, 0), 60),
        k(2026, 12, 7, 10, 0)
    );
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 6, 23, 0), 60),
        k(2026, 12, 7, 10, 0)
    );
    assert!(!cal.is_working_day(day(2026, 12, 5)));
    assert!(!cal.is_working_day(day(2026, 12, 6)));
    assert!(cal.is_working_day(day(2026, 12, 7)));
}

#[test]
fn filed_at_23_59_on_a_friday() {
    let cal = seeded();
    // Four business hours from Friday 23:59 KST: Monday 13:00.
    assert_eq!(
        cal.add_business_minutes(k(2026, 11, 27, 23, 59), 240),
        k(2026, 11, 30, 13, 0)
    );
    // Around the clock it is Saturday 03:59.
    assert_eq!(
        cal.add(k(2026, 11, 27, 23, 59), 240, SlaClock::Calendar),
        k(2026, 11, 28, 3, 59)
    );
    // 23:59 KST Friday is 14:59 UTC the same day: the KST date decides, not UTC's.
    let friday = k(2026, 11, 27, 23, 59);
    assert_eq!(friday.date_naive(), day(2026, 11, 27));
    assert_eq!(kst_date(friday + Duration::minutes(1)), day(2026, 11, 28));
}

#[test]
fn holidays_do_not_count() {
    let cal = seeded();
    // Thursday 24 December 2026 17:30 + 1 hour: Christmas (Friday) and the weekend are off.
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 24, 17, 30), 60),
        k(2026, 12, 28, 9, 30)
    );
    // Substitute holiday: 1 March 2026 was a Sunday, Monday 2 March is off.
    assert_eq!(
        cal.add_business_minutes(k(2026, 2, 27, 18, 0), 60),
        k(2026, 3, 3, 10, 0)
    );
    // One-off day: the 2026 local elections (Wednesday 3 June).
    assert_eq!(
        cal.add_business_minutes(k(2026, 6, 2, 17, 0), 120),
        k(2026, 6, 4, 10, 0)
    );
}

#[test]
fn a_deadline_across_the_chuseok_holiday_week() {
    let cal = seeded();
    // 2025: Foundation Day (Fri 3 Oct), the weekend, Chuseok (5–7 Oct), its substitute
    // (8 Oct) and Hangul Day (9 Oct): from Thursday 2 October the next working day is
    // Friday 10 October.
    for d in 3..=9 {
        assert!(!cal.is_working_day(day(2025, 10, d)), "2025-10-{d:02}");
    }
    assert_eq!(
        cal.add_business_minutes(k(2025, 10, 2, 17, 0), 240),
        k(2025, 10, 10, 12, 0)
    );
    // Three working days from Thursday 10:00: 480 minutes on the 2nd, 540 on the 10th,
    // 540 on Monday the 13th, the last 60 on Tuesday the 14th.
    let policy = SlaPolicy::default_for(RequestType::InterpretationTranslation);
    let due = policy.due_times(&cal, k(2025, 10, 2, 10, 0));
    assert_eq!(due.first_response_due_at, k(2025, 10, 2, 14, 0));
    assert_eq!(due.resolution_due_at, k(2025, 10, 14, 10, 0));
    // The warning at 75 % of 1,620 minutes (1,215): 480 + 540 + 195 → Monday 12:15.
    assert_eq!(due.warning_at, k(2025, 10, 13, 12, 15));
    // The first-response warning at 75 % of 240 minutes: 180 minutes after 10:00.
    assert_eq!(due.first_response_warning_at, k(2025, 10, 2, 13, 0));
    assert_eq!(
        cal.business_minutes_between(k(2025, 10, 2, 10, 0), due.resolution_due_at),
        1_620
    );
    // 2026: Chuseok is Thursday 24 to Saturday 26 September.
    assert_eq!(
        cal.add_business_minutes(k(2026, 9, 23, 17, 0), 120),
        k(2026, 9, 28, 10, 0)
    );
}

#[test]
fn the_lunar_holidays_of_every_seeded_year_are_off() {
    let cal = seeded();
    let lunar = [
        // Seollal
        day(2025, 1, 29),
        day(2026, 2, 17),
        day(2027, 2, 8),
        // Buddha's Birthday (2025 fell on Children's Day)
        day(2025, 5, 5),
        day(2026, 5, 24),
        day(2027, 5, 13),
        // Chuseok
        day(2025, 10, 6),
        day(2026, 9, 25),
        day(2027, 9, 15),
    ];
    for d in lunar {
        assert!(!cal.is_working_day(d), "{d}");
    }
}

#[test]
fn the_seed_has_one_row_per_day_and_substitutes_fall_on_weekdays() {
    let seed = seed_holidays();
    let mut days: Vec<NaiveDate> = seed.iter().map(|(d, _, _)| *d).collect();
    days.sort();
    days.dedup();
    assert_eq!(days.len(), seed.len(), "no day twice");
    for (d, kind, names) in &seed {
        assert!((2025..=2027).contains(&d.year()), "{d}");
        assert!(names.iter().all(|n| !n.is_empty()), "{d} has four names");
        if *kind == HolidayKind::Substitute {
            assert!(!matches!(d.weekday(), Weekday::Sat | Weekday::Sun), "{d}");
        }
    }
    let per_year = |y| seed.iter().filter(|(d, _, _)| d.year() == y).count();
    assert_eq!(
        (per_year(2025), per_year(2026), per_year(2027)),
        (19, 20, 20)
    );
    assert!(seed.iter().any(|(_, k, _)| *k == HolidayKind::OneOff));
}

#[test]
fn kst_is_a_fixed_offset_all_year() {
    // No daylight saving time: 09:00 KST is 00:00 UTC in January and in July, and across
    // the dates other zones switch (March and November).
    for (m, d) in [(1, 15), (3, 9), (7, 15), (11, 2)] {
        let t = k(2026, m, d, 9, 0);
        assert_eq!(t, Utc.with_ymd_and_hms(2026, m, d, 0, 0, 0).unwrap());
    }
    // A UTC instant late in the evening is already the next KST day.
    let utc = Utc.with_ymd_and_hms(2026, 3, 2, 23, 30, 0).unwrap();
    assert_eq!(kst_date(utc), day(2026, 3, 3));
    // 08:30 KST Tuesday 3 March (the substitute holiday was Monday): opens at 09:00.
    let cal = seeded();
    assert_eq!(
        cal.add_business_minutes(utc, 60),
        Utc.with_ymd_and_hms(2026, 3, 3, 1, 0, 0).unwrap()
    );
}

#[test]
fn adding_then_measuring_gives_back_the_minutes() {
    let cal = seeded();
    // Starts every 97 minutes through the 2025 Chuseok fortnight (nights, weekends and
    // holidays included), against targets short and long.
    let mut start = k(2025, 9, 29, 0, 0);
    let end = k(2025, 10, 17, 0, 0);
    while start < end {
        for minutes in [1, 59, 240, 539, 540, 541, 1_620, 4_860] {
            let due = cal.add_business_minutes(start, minutes);
            assert!(due > start);
            assert_eq!(
                cal.business_minutes_between(start, due),
                minutes,
                "{start} + {minutes}"
            );
            let local = due.with_timezone(&kst());
            assert!(
                cal.is_working_day(local.date_naive()),
                "{due} is a working day"
            );
            assert!(local.time() > cal.opens() && local.time() <= cal.closes());
        }
        start += Duration::minutes(97);
    }
}

#[test]
fn every_working_day_of_the_seeded_years_has_nine_hours() {
    let cal = seeded();
    let mut d = day(2025, 1, 1);
    let mut working = 0;
    while d <= day(2027, 12, 31) {
        let open = k(d.year(), d.month(), d.day(), 9, 0);
        let close = k(d.year(), d.month(), d.day(), 18, 0);
        let minutes =
            cal.business_minutes_between(open - Duration::hours(9), close + Duration::hours(6));
        if cal.is_working_day(d) {
            working += 1;
            assert_eq!(minutes, 540, "{d}");
        } else {
            assert_eq!(minutes, 0, "{d}");
        }
        d = d.succ_opt().unwrap();
    }
    // 1,095 days, 312 weekend days, 48 seeded days off on weekdays.
    let weekday_holidays = seed_holidays()
        .iter()
        .filter(|(d, _, _)| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count();
    assert_eq!(working, 1_095 - 312 - weekday_holidays);
}

#[test]
fn measuring_backwards_is_negative() {
    let cal = seeded();
    let a = k(2026, 12, 1, 10, 0);
    let b = k(2026, 12, 2, 10, 0);
    assert_eq!(cal.minutes_between(a, b, SlaClock::Business), 540);
    assert_eq!(cal.minutes_between(b, a, SlaClock::Business), -540);
    assert_eq!(cal.minutes_between(a, b, SlaClock::Calendar), 1_440);
    assert_eq!(cal.minutes_between(b, a, SlaClock::Calendar), -1_440);
    assert_eq!(cal.add_business_minutes(a, 0), a);
    assert_eq!(cal.add_business_minutes(a, -5), a);
}

#[test]
fn a_pause_keeps_the_time_that_was_left() {
    let cal = seeded();
    // Due Monday 12:00, paused Monday 10:00 (two working hours left), resumed Wednesday
    // 15:00: due Wednesday 17:00.
    let due = k(2026, 12, 7, 12, 0);
    let paused = k(2026, 12, 7, 10, 0);
    assert_eq!(
        resume_due(&cal, due, paused, k(2026, 12, 9, 15, 0), SlaClock::Business),
        k(2026, 12, 9, 17, 0)
    );
    // Resumed late in the day: the rest runs into the next morning.
    assert_eq!(
        resume_due(
            &cal,
            due,
            paused,
            k(2026, 12, 9, 17, 30),
            SlaClock::Business
        ),
        k(2026, 12, 10, 10, 30)
    );
    // Around the clock the due time moves by the pause's length.
    assert_eq!(
        resume_due(&cal, due, paused, k(2026, 12, 9, 15, 0), SlaClock::Calendar),
        due + (k(2026, 12, 9, 15, 0) - paused)
    );
    // Already late when paused: the breach stands.
    let (early_due, late_pause) = (k(2026, 12, 7, 10, 0), k(2026, 12, 7, 12, 0));
    assert_eq!(
        resume_due(
            &cal,
            early_due,
            late_pause,
            k(2026, 12, 9, 15, 0),
            SlaClock::Business
        ),
        early_due
    );
    // Paused Friday evening after closing with Monday 10:00 due (one working hour left);
    // resumed Tuesday 09:00: due Tuesday 10:00.
    assert_eq!(
        resume_due(
            &cal,
            k(2026, 12, 7, 10, 0),
            k(2026, 12, 4, 20, 0),
            k(2026, 12, 8, 9, 0),
            SlaClock::Business
        ),
        k(2026, 12, 8, 10, 0)
    );
}

#[test]
fn a_holiday_added_after_submission_counts_from_the_next_computation() {
    // Due times already promised are not recomputed (the service keeps them); a due time
    // computed later, e.g. on resuming after a pause, uses the calendar as it is then.
    let before = seeded();
    let mut days: Vec<NaiveDate> = seed_holidays().into_iter().map(|(d, _, _)| d).collect();
    days.push(day(2026, 12, 9));
    let after = BusinessCalendar::standard(days);
    let due = k(2026, 12, 7, 12, 0);
    let paused = k(2026, 12, 7, 10, 0);
    let resumed = k(2026, 12, 8, 17, 0);
    assert_eq!(
        resume_due(&before, due, paused, resumed, SlaClock::Business),
        k(2026, 12, 9, 10, 0)
    );
    assert_eq!(
        resume_due(&after, due, paused, resumed, SlaClock::Business),
        k(2026, 12, 10, 10, 0)
    );
}

#[test]
fn status_while_open_paused_and_answered() {
    let cal = seeded();
    let facts = SlaFacts {
        open: true,
        first_response_due_at: k(2026, 12, 1, 13, 0),
        first_responded_at: None,
        resolution_due_at: k(2026, 12, 3, 18, 0),
        final_responded_at: None,
        paused_at: None,
        breached_at: None,
        first_response_breached_at: None,
        resolution_clock: SlaClock::Business,
    };
    let s = SlaStatus::at(&cal, &facts, k(2026, 12, 1, 12, 0));
    assert_eq!(s.remaining_minutes, Some(360 + 540 + 540));
    assert!(!s.first_response_breached && !s.resolution_breached);

    let late = SlaStatus::at(&cal, &facts, k(2026, 12, 1, 14, 0));
    assert!(late.first_response_breached && !late.resolution_breached);

    let past = SlaStatus::at(&cal, &facts, k(2026, 12, 4, 10, 0));
    assert!(past.resolution_breached);
    assert_eq!(past.remaining_minutes, Some(-60));

    // Paused: the clock stands at the pause's start, however late it is now.
    let paused = SlaFacts {
        paused_at: Some(k(2026, 12, 3, 17, 0)),
        first_responded_at: Some(k(2026, 12, 1, 11, 0)),
        ..facts
    };
    let s = SlaStatus::at(&cal, &paused, k(2026, 12, 20, 10, 0));
    assert_eq!(s.paused_since, Some(k(2026, 12, 3, 17, 0)));
    assert_eq!(s.remaining_minutes, Some(60));
    assert!(!s.first_response_breached && !s.resolution_breached);

    // Answered in full on time: nothing remains, nothing breached.
    let answered = SlaFacts {
        open: false,
        first_responded_at: Some(k(2026, 12, 1, 11, 0)),
        final_responded_at: Some(k(2026, 12, 2, 11, 0)),
        ..facts
    };
    let s = SlaStatus::at(&cal, &answered, k(2026, 12, 20, 10, 0));
    assert_eq!(s.remaining_minutes, None);
    assert!(!s.resolution_breached);
    // Answered late, or marked breached by the scheduler: breached for good.
    let late = SlaFacts {
        final_responded_at: Some(k(2026, 12, 4, 9, 30)),
        ..answered
    };
    assert!(SlaStatus::at(&cal, &late, k(2026, 12, 20, 10, 0)).resolution_breached);
    let marked = SlaFacts {
        breached_at: Some(k(2026, 12, 3, 18, 0)),
        first_response_breached_at: None,
        ..answered
    };
    assert!(SlaStatus::at(&cal, &marked, k(2026, 12, 20, 10, 0)).resolution_breached);
    // The scheduler marks a first response breached at its due minute: breached from then
    // on, even when the response follows in that minute.
    let marked_first = SlaFacts {
        first_response_breached_at: Some(k(2026, 12, 1, 13, 0)),
        ..facts
    };
    let s = SlaStatus::at(&cal, &marked_first, k(2026, 12, 1, 13, 0));
    assert!(s.first_response_breached && !s.resolution_breached);
}

#[test]
fn policies_and_calendars_refuse_nonsense() {
    let t = |m| SlaTarget::parse(m, SlaClock::Business, "resolutionMinutes").unwrap();
    let ty = RequestType::GeneralInquiry;
    assert_eq!(
        SlaTarget::parse(0, SlaClock::Business, "resolutionMinutes")
            .unwrap_err()
            .field(),
        "resolutionMinutes"
    );
    assert!(SlaTarget::parse(525_601, SlaClock::Calendar, "x").is_err());
    assert_eq!(
        SlaPolicy::new(ty, t(60), t(120), 0).unwrap_err().field(),
        "warningPercent"
    );
    assert!(SlaPolicy::new(ty, t(60), t(120), 100).is_err());
    assert_eq!(
        SlaPolicy::new(ty, t(180), t(120), 75).unwrap_err().field(),
        "firstResponseMinutes"
    );
    // Different clocks are not compared: 2 days around the clock may follow 4 business hours.
    let around = SlaTarget::parse(2_880, SlaClock::Calendar, "x").unwrap();
    assert!(SlaPolicy::new(ty, t(240), around, 75).is_ok());
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    assert_eq!(
        BusinessCalendar::new(nine, nine, []).unwrap_err().field(),
        "workingHours"
    );
    assert_eq!(
        parse_time_of_day("25:00", "workdayStart")
            .unwrap_err()
            .field(),
        "workdayStart"
    );
    assert_eq!(
        parse_time_of_day("08:30", "x").unwrap(),
        NaiveTime::from_hms_opt(8, 30, 0).unwrap()
    );
}

#[test]
fn default_policies_answer_first_before_resolving_and_warn_at_three_quarters() {
    for &ty in RequestType::ALL {
        let p = SlaPolicy::default_for(ty);
        assert!(p.first_response.minutes < p.resolution.minutes, "{ty}");
        assert_eq!(p.warning_percent, 75);
        assert_eq!(p.warning_minutes(), p.resolution.minutes * 3 / 4);
        assert!(SlaPolicy::new(ty, p.first_response, p.resolution, p.warning_percent).is_ok());
    }
}

#[test]
fn a_custom_working_day() {
    let cal = BusinessCalendar::new(
        NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
        NaiveTime::from_hms_opt(17, 30, 0).unwrap(),
        [],
    )
    .unwrap();
    assert_eq!(cal.minutes_per_day(), 540);
    assert_eq!(
        cal.add_business_minutes(k(2026, 12, 1, 8, 0), 30),
        k(2026, 12, 1, 9, 0)
    );
    // No holidays in this calendar: Christmas 2026 is a working Friday.
    assert!(cal.is_working_day(day(2026, 12, 25)));
}

#[test]
fn compliance_counts_met_breached_pending_and_cancelled() {
    let cal = seeded();
    let now = k(2026, 12, 10, 12, 0);
    let base = SlaFacts {
        open: false,
        first_response_due_at: k(2026, 12, 1, 13, 0),
        first_responded_at: Some(k(2026, 12, 1, 11, 0)),
        resolution_due_at: k(2026, 12, 3, 18, 0),
        final_responded_at: Some(k(2026, 12, 2, 11, 0)),
        paused_at: None,
        breached_at: None,
        first_response_breached_at: None,
        resolution_clock: SlaClock::Business,
    };
    let mut t = Tally::default();
    assert_eq!(t.compliance_percent(), None);
    // Met on both targets.
    t.count(false, true, true, &SlaStatus::at(&cal, &base, now));
    // Answered late.
    let late = SlaFacts {
        final_responded_at: Some(k(2026, 12, 4, 10, 0)),
        ..base
    };
    t.count(false, true, true, &SlaStatus::at(&cal, &late, now));
    // Open, not yet due, first response missing and late.
    let pending = SlaFacts {
        open: true,
        first_responded_at: None,
        final_responded_at: None,
        resolution_due_at: k(2026, 12, 20, 18, 0),
        ..base
    };
    t.count(true, false, false, &SlaStatus::at(&cal, &pending, now));
    // Withdrawn before the due time.
    let withdrawn = SlaFacts {
        final_responded_at: None,
        ..base
    };
    t.count(
        false,
        false,
        true,
        &SlaStatus::at(&cal, &withdrawn, k(2026, 12, 2, 9, 0)),
    );
    assert_eq!(
        t,
        Tally {
            total: 4,
            met: 1,
            breached: 1,
            pending: 1,
            cancelled: 1,
            first_response_met: 3,
            first_response_breached: 1,
        }
    );
    assert_eq!(t.compliance_percent(), Some(50.0));
}

#[test]
fn the_first_response_warning_counts_on_its_own_clock() {
    let cal = seeded();
    let first = SlaTarget::parse(60, SlaClock::Calendar, "f").unwrap();
    let resolution = SlaTarget::parse(540, SlaClock::Business, "r").unwrap();
    let policy = SlaPolicy::new(
        RequestType::InterpretationTranslation,
        first,
        resolution,
        50,
    )
    .unwrap();
    // Filed on a Saturday evening: the first response counts around the clock.
    let due = policy.due_times(&cal, k(2025, 10, 11, 20, 0));
    assert_eq!(due.first_response_warning_at, k(2025, 10, 11, 20, 30));
    assert_eq!(due.first_response_due_at, k(2025, 10, 11, 21, 0));
    // The resolution waits for Monday's working hours.
    assert_eq!(due.warning_at, k(2025, 10, 13, 13, 30));
    assert_eq!(SlaTargetKind::FirstResponse.as_str(), "FIRST_RESPONSE");
    assert_eq!(
        SlaTargetKind::parse("RESOLUTION").unwrap(),
        SlaTargetKind::Resolution
    );
}
