//! Service levels, as pure arithmetic: the bureau's business calendar (working hours in
//! Korea Standard Time, weekends, public holidays), the per-type policies (first-response
//! and resolution targets, each counted in business minutes or around the clock), the due
//! times they give, how a pause moves them, and the figures a view shows.
//!
//! KST is UTC+09:00 all year (Korea has had no daylight saving time since 1988), so local
//! wall-clock arithmetic is a fixed offset and never skips or repeats an hour.
//!
//! Due times are computed when the clock starts (submission, reopening) and moved only when
//! the clock resumes after a pause: a holiday added or removed later does not move a due time
//! already promised (see docs/adr/0007-business-calendar-and-sla.md).

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};

use super::{InvalidInput, LocalizedName, RequestType};
use glocal_kit::text_enum;

/// Seconds east of UTC of Korea Standard Time.
const KST_OFFSET_SECS: i32 = 9 * 3600;

/// Korea Standard Time (UTC+09:00, no daylight saving time).
pub fn kst() -> FixedOffset {
    FixedOffset::east_opt(KST_OFFSET_SECS).expect("UTC+9 is a valid offset")
}

/// The KST calendar day of an instant.
pub fn kst_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&kst()).date_naive()
}

text_enum!(
    /// How a target's time is counted.
    SlaClock, "clock" {
        /// Only working hours of working days count.
        Business => "BUSINESS",
        /// Every minute counts, nights, weekends and holidays included.
        Calendar => "CALENDAR",
    }
);

text_enum!(
    /// Which target of a policy a warning or breach is about.
    SlaTargetKind, "target" {
        /// Until the first (mid or final) response.
        FirstResponse => "FIRST_RESPONSE",
        /// Until the final response.
        Resolution => "RESOLUTION",
    }
);

/// A point on a target's time at which the scheduler acts, once per request and target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaThreshold {
    /// The warning share of the target's time is used: the assignee is warned.
    Warning,
    /// The target's due time passed: breached, the department lead is told.
    Breach,
}

text_enum!(
    /// Why a day is off.
    HolidayKind, "kind" {
        /// A statutory public holiday (including the lunar ones).
        Public => "PUBLIC",
        /// A substitute holiday for one that fell on a weekend or another holiday.
        Substitute => "SUBSTITUTE",
        /// A day off the government designates once (election days, temporary holidays).
        OneOff => "ONE_OFF",
    }
);

/// A day off in the business calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The KST calendar day.
    pub date: NaiveDate,
    /// Its name in the four languages.
    pub name: LocalizedName,
    /// Why it is off.
    pub kind: HolidayKind,
}

/// The bureau's working hours: from `opens` to `closes` KST, Monday to Friday, except
/// holidays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    opens: NaiveTime,
    closes: NaiveTime,
    holidays: BTreeSet<NaiveDate>,
}

/// The default working hours, 09:00–18:00 KST.
pub const DEFAULT_HOURS: (&str, &str) = ("09:00", "18:00");

/// Parses `HH:MM`; `field` names the setting or input in the error.
pub fn parse_time_of_day(text: &str, field: &str) -> Result<NaiveTime, InvalidInput> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        InvalidInput::localized(
            field,
            glocal_kit::i18n::Message::new("input-not-a-time-of-day").arg("text", text),
        )
    })
}

/// Longest span a due-time search walks (a guard: every week has working days).
const MAX_DAYS_WALKED: i64 = 366 * 20;

impl BusinessCalendar {
    /// Working hours from `opens` to `closes` (KST) with `holidays` off; `opens` must be
    /// before `closes`.
    pub fn new(
        opens: NaiveTime,
        closes: NaiveTime,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, InvalidInput> {
        if opens >= closes {
            return Err(InvalidInput::new(
                "workingHours",
                "the working day must open before it closes",
            ));
        }
        Ok(BusinessCalendar {
            opens,
            closes,
            holidays: holidays.into_iter().collect(),
        })
    }

    /// 09:00–18:00 KST with `holidays` off.
    pub fn standard(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        let opens = NaiveTime::from_hms_opt(9, 0, 0).expect("09:00");
        let closes = NaiveTime::from_hms_opt(18, 0, 0).expect("18:00");
        BusinessCalendar {
            opens,
            closes,
            holidays: holidays.into_iter().collect(),
        }
    }

    /// When the working day opens (KST).
    pub fn opens(&self) -> NaiveTime {
        self.opens
    }

    /// When the working day closes (KST).
    pub fn closes(&self) -> NaiveTime {
        self.closes
    }

    /// Minutes in one working day.
    pub fn minutes_per_day(&self) -> i64 {
        (self.closes - self.opens).num_minutes()
    }

    /// Whether `day` is a working day: Monday to Friday and not a holiday.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The working window of `day` in UTC, if it is a working day.
    fn window(&self, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.is_working_day(day) {
            return None;
        }
        let at = |t: NaiveTime| {
            kst()
                .from_local_datetime(&day.and_time(t))
                .single()
                .expect("a fixed offset maps every local time once")
                .with_timezone(&Utc)
        };
        Some((at(self.opens), at(self.closes)))
    }

    /// The instant `minutes` working minutes after `start`. Time outside working hours does
    /// not count; a start outside them counts from the next opening. Zero or fewer minutes
    /// answer `start` itself.
    pub fn add_business_minutes(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        if minutes <= 0 {
            return start;
        }
        let mut left = minutes;
        let mut day = kst_date(start);
        for _ in 0..MAX_DAYS_WALKED {
            if let Some((open, close)) = self.window(day) {
                let from = start.max(open);
                if from < close {
                    let available = (close - from).num_minutes();
                    if left <= available {
                        return from + Duration::minutes(left);
                    }
                    left -= available;
                }
            }
            day = day.succ_opt().expect("dates far from the end of time");
        }
        start + Duration::days(MAX_DAYS_WALKED)
    }

    /// Working minutes between `from` and `to` (0 when `to` is not after `from`).
    pub fn business_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut day = kst_date(from);
        let last = kst_date(to);
        while day <= last {
            if let Some((open, close)) = self.window(day) {
                let a = from.max(open);
                let b = to.min(close);
                if b > a {
                    total += (b - a).num_minutes();
                }
            }
            day = day.succ_opt().expect("dates far from the end of time");
        }
        total
    }

    /// The instant `minutes` after `start` as `clock` counts them.
    pub fn add(&self, start: DateTime<Utc>, minutes: i64, clock: SlaClock) -> DateTime<Utc> {
        match clock {
            SlaClock::Business => self.add_business_minutes(start, minutes),
            SlaClock::Calendar => start + Duration::minutes(minutes.max(0)),
        }
    }

    /// Minutes from `from` to `to` as `clock` counts them; negative when `to` is before
    /// `from`.
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>, clock: SlaClock) -> i64 {
        match clock {
            SlaClock::Calendar => (to - from).num_minutes(),
            SlaClock::Business if to >= from => self.business_minutes_between(from, to),
            SlaClock::Business => -self.business_minutes_between(to, from),
        }
    }
}

/// One target of a policy: so many minutes, counted by a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaTarget {
    /// How many minutes.
    pub minutes: i64,
    /// How they are counted.
    pub clock: SlaClock,
}

impl SlaTarget {
    /// A target of `minutes` (1 to 525,600, a year) on `clock`; `field` names the input.
    pub fn parse(minutes: i64, clock: SlaClock, field: &str) -> Result<Self, InvalidInput> {
        if !(1..=525_600).contains(&minutes) {
            return Err(InvalidInput::new(
                field,
                "must be between 1 and 525600 minutes",
            ));
        }
        Ok(SlaTarget { minutes, clock })
    }
}

/// The service level of a request type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaPolicy {
    /// The type it governs.
    pub request_type: RequestType,
    /// Until the first (mid or final) response.
    pub first_response: SlaTarget,
    /// Until the final response.
    pub resolution: SlaTarget,
    /// Share of each target's time (percent) after which the assignee is warned.
    pub warning_percent: u8,
}

/// The default share of the resolution time after which the assignee is warned.
pub const DEFAULT_WARNING_PERCENT: u8 = 75;

impl SlaPolicy {
    /// A policy; the warning share must be 1–99 % and the first response no later than the
    /// resolution when both use the same clock.
    pub fn new(
        request_type: RequestType,
        first_response: SlaTarget,
        resolution: SlaTarget,
        warning_percent: u8,
    ) -> Result<Self, InvalidInput> {
        if !(1..=99).contains(&warning_percent) {
            return Err(InvalidInput::new(
                "warningPercent",
                "must be between 1 and 99",
            ));
        }
        if first_response.clock == resolution.clock && first_response.minutes > resolution.minutes {
            return Err(InvalidInput::new(
                "firstResponseMinutes",
                "must not exceed the resolution target",
            ));
        }
        Ok(SlaPolicy {
            request_type,
            first_response,
            resolution,
            warning_percent,
        })
    }

    /// The policy the bureau starts with (what the migration seeds): business hours for
    /// everything, one working day being nine hours.
    pub fn default_for(request_type: RequestType) -> Self {
        let (first, resolution) = match request_type {
            RequestType::InterpretationTranslation => (4 * 60, 3 * 9 * 60),
            RequestType::InternationalExchange => (9 * 60, 10 * 9 * 60),
            RequestType::OverseasVisit => (9 * 60, 14 * 9 * 60),
            RequestType::InformationRequest => (4 * 60, 5 * 9 * 60),
            RequestType::GeneralInquiry => (2 * 60, 2 * 9 * 60),
        };
        SlaPolicy {
            request_type,
            first_response: SlaTarget {
                minutes: first,
                clock: SlaClock::Business,
            },
            resolution: SlaTarget {
                minutes: resolution,
                clock: SlaClock::Business,
            },
            warning_percent: DEFAULT_WARNING_PERCENT,
        }
    }

    /// The minutes of the resolution target after which the assignee is warned.
    pub fn warning_minutes(&self) -> i64 {
        self.resolution.minutes * i64::from(self.warning_percent) / 100
    }

    /// The minutes of the first-response target after which the assignee is warned.
    pub fn first_response_warning_minutes(&self) -> i64 {
        self.first_response.minutes * i64::from(self.warning_percent) / 100
    }

    /// The due times of a request whose clock starts at `start`.
    pub fn due_times(&self, calendar: &BusinessCalendar, start: DateTime<Utc>) -> DueTimes {
        DueTimes {
            first_response_due_at: calendar.add(
                start,
                self.first_response.minutes,
                self.first_response.clock,
            ),
            resolution_due_at: calendar.add(start, self.resolution.minutes, self.resolution.clock),
            warning_at: calendar.add(start, self.warning_minutes(), self.resolution.clock),
            first_response_warning_at: calendar.add(
                start,
                self.first_response_warning_minutes(),
                self.first_response.clock,
            ),
        }
    }
}

/// When a request is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueTimes {
    /// The first response.
    pub first_response_due_at: DateTime<Utc>,
    /// The final response.
    pub resolution_due_at: DateTime<Utc>,
    /// When the assignee is warned of the resolution.
    pub warning_at: DateTime<Utc>,
    /// When the assignee is warned of the first response.
    pub first_response_warning_at: DateTime<Utc>,
}

/// Where a due time lands once a pause from `paused_at` ends at `resumed_at`: the time that
/// was left at `paused_at`, counted by `clock`, now counts from `resumed_at`. A due time
/// already passed when the pause began stays where it was (the breach stands).
pub fn resume_due(
    calendar: &BusinessCalendar,
    due: DateTime<Utc>,
    paused_at: DateTime<Utc>,
    resumed_at: DateTime<Utc>,
    clock: SlaClock,
) -> DateTime<Utc> {
    if due <= paused_at {
        return due;
    }
    let left = calendar.minutes_between(paused_at, due, clock);
    if left <= 0 {
        return resumed_at;
    }
    calendar.add(resumed_at, left, clock)
}

/// The figures a view shows about a request's service level at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaStatus {
    /// Paused (awaiting the requester) since.
    pub paused_since: Option<DateTime<Utc>>,
    /// Minutes left until the resolution is due, on the resolution's clock (negative past
    /// it); counted to the pause's start while paused; `None` once answered in full.
    pub remaining_minutes: Option<i64>,
    /// The first response came late, or has not come and is late.
    pub first_response_breached: bool,
    /// The final response came late, or has not come and is late (or the scheduler marked
    /// it breached).
    pub resolution_breached: bool,
}

/// The inputs of [`SlaStatus::at`]: a request's clock-relevant fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaFacts {
    /// Whether the bureau still owes the final answer.
    pub open: bool,
    /// First response due.
    pub first_response_due_at: DateTime<Utc>,
    /// First response sent.
    pub first_responded_at: Option<DateTime<Utc>>,
    /// Resolution due.
    pub resolution_due_at: DateTime<Utc>,
    /// Final response sent.
    pub final_responded_at: Option<DateTime<Utc>>,
    /// Paused since.
    pub paused_at: Option<DateTime<Utc>>,
    /// The scheduler marked the resolution breached.
    pub breached_at: Option<DateTime<Utc>>,
    /// The scheduler marked the first response breached.
    pub first_response_breached_at: Option<DateTime<Utc>>,
    /// The resolution's clock.
    pub resolution_clock: SlaClock,
}

impl SlaStatus {
    /// The status of `facts` at `now` on `calendar`.
    pub fn at(calendar: &BusinessCalendar, facts: &SlaFacts, now: DateTime<Utc>) -> Self {
        // While paused the clock stands at the pause's start.
        let clock_now = facts.paused_at.unwrap_or(now);
        let first_response_breached = facts.first_response_breached_at.is_some()
            || match facts.first_responded_at {
                Some(at) => at > facts.first_response_due_at,
                None => facts.open && clock_now > facts.first_response_due_at,
            };
        let resolution_breached = facts.breached_at.is_some()
            || match facts.final_responded_at {
                Some(at) if !facts.open => at > facts.resolution_due_at,
                _ => facts.open && clock_now > facts.resolution_due_at,
            };
        let remaining_minutes = facts.open.then(|| {
            calendar.minutes_between(clock_now, facts.resolution_due_at, facts.resolution_clock)
        });
        SlaStatus {
            paused_since: facts.paused_at,
            remaining_minutes,
            first_response_breached,
            resolution_breached,
        }
    }
}

/// Service-level compliance of a group of requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Requests counted.
    pub total: u64,
    /// Answered in full within the resolution target.
    pub met: u64,
    /// Answered late, or still open past the due time, or marked breached.
    pub breached: u64,
    /// Still open and not yet due.
    pub pending: u64,
    /// Withdrawn, rejected or merged into another request before they were due.
    pub cancelled: u64,
    /// First response within its target.
    pub first_response_met: u64,
    /// First response late (or missing and late).
    pub first_response_breached: u64,
}

impl Tally {
    /// Counts one request: whether it is `open`, whether it was `answered` in full and
    /// responded to at all (`first_responded`), and its `status`.
    pub fn count(&mut self, open: bool, answered: bool, first_responded: bool, status: &SlaStatus) {
        self.total += 1;
        if status.resolution_breached {
            self.breached += 1;
        } else if open {
            self.pending += 1;
        } else if answered {
            self.met += 1;
        } else {
            self.cancelled += 1;
        }
        if status.first_response_breached {
            self.first_response_breached += 1;
        } else if first_responded {
            self.first_response_met += 1;
        }
    }

    /// Met as a share of the decided (met or breached), in percent; `None` when nothing is
    /// decided yet.
    pub fn compliance_percent(&self) -> Option<f64> {
        let decided = self.met + self.breached;
        #[allow(clippy::cast_precision_loss)]
        (decided > 0).then(|| self.met as f64 * 100.0 / decided as f64)
    }
}

/// The 2025–2027 Korean public holidays the first migration seeds: statutory holidays
/// (including Seollal, Buddha's Birthday and Chuseok by the lunar calendar), substitute
/// holidays, and the government's one-off days off. Source: the Regulations on Holidays of
/// Government Offices (관공서의 공휴일에 관한 규정) with the Korea Astronomy and Space Science
/// Institute's almanac (월력요항) for the lunar dates; one-off days as announced by the
/// Ministry of the Interior and Safety. Later changes are data, made by a bureau admin.
pub fn seed_holidays() -> Vec<(NaiveDate, HolidayKind, [&'static str; 4])> {
    use HolidayKind::{OneOff, Public, Substitute};
    const NEW_YEAR: [&str; 4] = ["신정", "New Year's Day", "元旦", "元日"];
    const SEOLLAL: [&str; 4] = ["설날", "Seollal (Lunar New Year)", "春节", "旧正月"];
    const MARCH_FIRST: [&str; 4] = ["삼일절", "Independence Movement Day", "三一节", "三・一節"];
    const CHILDREN: [&str; 4] = ["어린이날", "Children's Day", "儿童节", "こどもの日"];
    const BUDDHA: [&str; 4] = ["부처님오신날", "Buddha's Birthday", "佛诞日", "釈迦誕生日"];
    const CHILDREN_AND_BUDDHA: [&str; 4] = [
        "어린이날·부처님오신날",
        "Children's Day and Buddha's Birthday",
        "儿童节、佛诞日",
        "こどもの日・釈迦誕生日",
    ];
    const MEMORIAL: [&str; 4] = ["현충일", "Memorial Day", "显忠日", "顕忠日"];
    const LIBERATION: [&str; 4] = ["광복절", "Liberation Day", "光复节", "光復節"];
    const CHUSEOK: [&str; 4] = ["추석", "Chuseok", "中秋节", "秋夕"];
    const FOUNDATION: [&str; 4] = ["개천절", "National Foundation Day", "开天节", "開天節"];
    const HANGUL: [&str; 4] = ["한글날", "Hangul Day", "韩文日", "ハングルの日"];
    const CHRISTMAS: [&str; 4] = ["기독탄신일", "Christmas Day", "圣诞节", "クリスマス"];
    const SUBSTITUTE: [&str; 4] = ["대체공휴일", "Substitute holiday", "补休日", "振替休日"];
    const TEMPORARY: [&str; 4] = [
        "임시공휴일",
        "Temporary holiday",
        "临时公休日",
        "臨時公休日",
    ];
    const PRESIDENTIAL: [&str; 4] = [
        "제21대 대통령선거일",
        "Presidential election day",
        "第21届总统选举日",
        "第21代大統領選挙日",
    ];
    const LOCAL_ELECTION: [&str; 4] = [
        "제9회 전국동시지방선거일",
        "Local elections day",
        "第9届全国地方选举日",
        "第9回全国同時地方選挙日",
    ];
    let days: &[(i32, u32, u32, HolidayKind, [&str; 4])] = &[
        // 2025
        (2025, 1, 1, Public, NEW_YEAR),
        (2025, 1, 27, OneOff, TEMPORARY),
        (2025, 1, 28, Public, SEOLLAL),
        (2025, 1, 29, Public, SEOLLAL),
        (2025, 1, 30, Public, SEOLLAL),
        (2025, 3, 1, Public, MARCH_FIRST),
        (2025, 3, 3, Substitute, SUBSTITUTE),
        (2025, 5, 5, Public, CHILDREN_AND_BUDDHA),
        (2025, 5, 6, Substitute, SUBSTITUTE),
        (2025, 6, 3, OneOff, PRESIDENTIAL),
        (2025, 6, 6, Public, MEMORIAL),
        (2025, 8, 15, Public, LIBERATION),
        (2025, 10, 3, Public, FOUNDATION),
        (2025, 10, 5, Public, CHUSEOK),
        (2025, 10, 6, Public, CHUSEOK),
        (2025, 10, 7, Public, CHUSEOK),
        (2025, 10, 8, Substitute, SUBSTITUTE),
        (2025, 10, 9, Public, HANGUL),
        (2025, 12, 25, Public, CHRISTMAS),
        // 2026
        (2026, 1, 1, Public, NEW_YEAR),
        (2026, 2, 16, Public, SEOLLAL),
        (2026, 2, 17, Public, SEOLLAL),
        (2026, 2, 18, Public, SEOLLAL),
        (2026, 3, 1, Public, MARCH_FIRST),
        (2026, 3, 2, Substitute, SUBSTITUTE),
        (2026, 5, 5, Public, CHILDREN),
        (2026, 5, 24, Public, BUDDHA),
        (2026, 5, 25, Substitute, SUBSTITUTE),
        (2026, 6, 3, OneOff, LOCAL_ELECTION),
        (2026, 6, 6, Public, MEMORIAL),
        (2026, 8, 15, Public, LIBERATION),
        (2026, 8, 17, Substitute, SUBSTITUTE),
        (2026, 9, 24, Public, CHUSEOK),
        (2026, 9, 25, Public, CHUSEOK),
        (2026, 9, 26, Public, CHUSEOK),
        (2026, 10, 3, Public, FOUNDATION),
        (2026, 10, 5, Substitute, SUBSTITUTE),
        (2026, 10, 9, Public, HANGUL),
        (2026, 12, 25, Public, CHRISTMAS),
        // 2027
        (2027, 1, 1, Public, NEW_YEAR),
        (2027, 2, 6, Public, SEOLLAL),
        (2027, 2, 7, Public, SEOLLAL),
        (2027, 2, 8, Public, SEOLLAL),
        (2027, 2, 9, Substitute, SUBSTITUTE),
        (2027, 3, 1, Public, MARCH_FIRST),
        (2027, 5, 5, Public, CHILDREN),
        (2027, 5, 13, Public, BUDDHA),
        (2027, 6, 6, Public, MEMORIAL),
        (2027, 8, 15, Public, LIBERATION),
        (2027, 8, 16, Substitute, SUBSTITUTE),
        (2027, 9, 14, Public, CHUSEOK),
        (2027, 9, 15, Public, CHUSEOK),
        (2027, 9, 16, Public, CHUSEOK),
        (2027, 10, 3, Public, FOUNDATION),
        (2027, 10, 4, Substitute, SUBSTITUTE),
        (2027, 10, 9, Public, HANGUL),
        (2027, 10, 11, Substitute, SUBSTITUTE),
        (2027, 12, 25, Public, CHRISTMAS),
        (2027, 12, 27, Substitute, SUBSTITUTE),
    ];
    days.iter()
        .map(|&(y, m, d, kind, name)| {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("a real date");
            (date, kind, name)
        })
        .collect()
}

#[cfg(test)]
mod tests;
