//! Research subscriptions (issue 25 point 8, ADR 0045): a local official or bureau staff
//! member follows newly published best practices of some research areas (or all) in some
//! languages (or all), immediately (a notice per publication) or weekly (one digest notice
//! per week, Monday to Sunday in Korean time). Pure rules: who may subscribe and how often,
//! what a subscription matches, the publication a change event announces, and the notices
//! both frequencies call for.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, TimeZone, Utc};
use glocal_kit::domain::InvalidInput;
use glocal_kit::error::{ErrorCode, Refusal};
use glocal_kit::i18n::Message;
use glocal_kit::{Caller, Role};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::select::{ChangeEvent, Planned};
use super::{Language, NoticeKind};

/// Most subscriptions one person keeps.
pub const MAX_SUBSCRIPTIONS: usize = 10;
/// Most research areas one subscription names.
pub const MAX_AREAS: usize = 20;
/// The change event of a publication (research's outbox).
pub const PRACTICE_PUBLISHED: &str = "PracticePublished";
/// The change event of a withdrawal (research's outbox): a withdrawn practice leaves the
/// week's digest.
pub const PRACTICE_WITHDRAWN: &str = "PracticeWithdrawn";

/// How often a subscription notifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// One notice per matching publication, as it is published.
    Immediate,
    /// One digest notice per week listing the week's matching publications.
    Weekly,
}

impl Frequency {
    /// Its stable name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Frequency::Immediate => "IMMEDIATE",
            Frequency::Weekly => "WEEKLY",
        }
    }

    /// The frequency of a stored name.
    pub fn from_name(name: &str) -> Option<Frequency> {
        [Frequency::Immediate, Frequency::Weekly]
            .into_iter()
            .find(|f| f.as_str() == name)
    }

    /// Parses a frequency a person gave (BAD_USER_INPUT on `field` otherwise).
    pub fn parse(field: &str, text: &str) -> Result<Frequency, InvalidInput> {
        Frequency::from_name(text.trim()).ok_or_else(|| {
            InvalidInput::localized(
                field,
                Message::new("input-unknown-value").arg("value", text.trim()),
            )
        })
    }
}

/// The areas, languages and frequency of a subscription, parsed: area codes shaped as the
/// research vocabulary's (whether they exist is checked before, at the gateway), sorted
/// and without duplicates; languages likewise, in [`Language::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionDraft {
    /// Research area codes; empty: every area.
    pub areas: Vec<String>,
    /// Languages a practice must have text in (one of them); empty: every language.
    pub languages: Vec<Language>,
    /// How often.
    pub frequency: Frequency,
}

/// An area code as the research vocabulary shapes it: 2 to 40 lower-case letters, digits
/// or underscores, starting with a letter.
fn area_code(field: &str, text: &str) -> Result<String, InvalidInput> {
    let s = text.trim();
    let ok = (2..=40).contains(&s.len())
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(InvalidInput::localized(
            field,
            Message::new("input-research-area-code").arg("code", s),
        ))
    }
}

impl SubscriptionDraft {
    /// Parses what a person asked for (BAD_USER_INPUT naming `areaCodes[i]`,
    /// `languages[i]` or `frequency`).
    pub fn parse(
        areas: &[String],
        languages: &[String],
        frequency: &str,
    ) -> Result<SubscriptionDraft, InvalidInput> {
        if areas.len() > MAX_AREAS {
            return Err(InvalidInput::localized(
                "areaCodes",
                Message::new("input-at-most-items").arg("max", MAX_AREAS),
            ));
        }
        let mut codes = areas
            .iter()
            .enumerate()
            .map(|(i, a)| area_code(&format!("areaCodes[{i}]"), a))
            .collect::<Result<Vec<_>, _>>()?;
        codes.sort();
        codes.dedup();
        let parsed = languages
            .iter()
            .enumerate()
            .map(|(i, l)| Language::parse(&format!("languages[{i}]"), l))
            .collect::<Result<Vec<_>, _>>()?;
        let languages = Language::ALL
            .into_iter()
            .filter(|l| parsed.contains(l))
            .collect();
        Ok(SubscriptionDraft {
            areas: codes,
            languages,
            frequency: Frequency::parse("frequency", frequency)?,
        })
    }
}

/// A stored subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Its id.
    pub id: Uuid,
    /// The subscriber's subject.
    pub subscriber: String,
    /// Research area codes; empty: every area.
    pub areas: Vec<String>,
    /// Languages; empty: every language.
    pub languages: Vec<Language>,
    /// How often.
    pub frequency: Frequency,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Subscription {
    /// Whether `publication` is one the subscription asks for: in one of its areas (any
    /// area when it names none) and with text in one of its languages (any language when it
    /// names none; a publication whose languages are unknown matches only then).
    pub fn matches(&self, publication: &Publication) -> bool {
        let area = self.areas.is_empty() || self.areas.contains(&publication.area_code);
        let language = self.languages.is_empty()
            || publication
                .languages
                .iter()
                .any(|l| self.languages.contains(l));
        area && language
    }
}

/// A best practice as its publication event describes it (docs/api.md, *Notices*).
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    /// The practice's id.
    pub practice_id: String,
    /// Its research area's code.
    pub area_code: String,
    /// The area's label in the four languages (`{ko, en, zh, ja}`), or null.
    pub area_label: Value,
    /// The languages it has text in.
    pub languages: Vec<Language>,
    /// Its title in the languages it has (`{ko: …, en: …}`), or null.
    pub title: Value,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

impl Publication {
    /// The publication `event` announces (research's `PracticePublished` with an area),
    /// published at the payload's `publishedAt`, else at `fallback` (when it was read).
    pub fn from_event(event: &ChangeEvent, fallback: DateTime<Utc>) -> Option<Publication> {
        if event.service != "research" || event.event_type != PRACTICE_PUBLISHED {
            return None;
        }
        let p = &event.payload;
        let area_code = p.get("areaCode").and_then(Value::as_str)?.to_owned();
        let languages = p
            .get("languages")
            .and_then(Value::as_array)
            .map(|ls| {
                Language::ALL
                    .into_iter()
                    .filter(|l| ls.iter().any(|v| v.as_str() == Some(l.as_str())))
                    .collect()
            })
            .unwrap_or_default();
        let published_at = p
            .get("publishedAt")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map_or(fallback, |t| t.with_timezone(&Utc));
        Some(Publication {
            practice_id: event.aggregate_id.clone(),
            area_code,
            area_label: p.get("areaLabel").cloned().unwrap_or(Value::Null),
            languages,
            title: p.get("title").cloned().unwrap_or(Value::Null),
            published_at,
        })
    }

    /// The practice's path in the portal.
    pub fn path(&self) -> String {
        format!("/practices/{}", self.practice_id)
    }
}

/// The id of the practice `event` withdraws, if it is research's `PracticeWithdrawn`.
pub fn withdrawn_practice(event: &ChangeEvent) -> Option<&str> {
    (event.service == "research" && event.event_type == PRACTICE_WITHDRAWN)
        .then_some(event.aggregate_id.as_str())
}

/// Whether `caller` may keep research subscriptions: local officials and bureau staff
/// (FORBIDDEN `RESEARCH_SUBSCRIPTIONS_AUDIENCE` for partners).
pub fn may_subscribe(caller: &Caller) -> Result<(), Refusal> {
    if caller.has(Role::LocalOfficial)
        || caller.has(Role::BureauStaff)
        || caller.has(Role::BureauAdmin)
    {
        return Ok(());
    }
    Err(Refusal::said(
        ErrorCode::Forbidden,
        "RESEARCH_SUBSCRIPTIONS_AUDIENCE",
        Message::new("rule-research-subscriptions-audience"),
    ))
}

/// Whether a person with `existing` subscriptions may add one (CONFLICT
/// `RESEARCH_SUBSCRIPTION_LIMIT` at [`MAX_SUBSCRIPTIONS`]).
pub fn may_add(existing: usize) -> Result<(), Refusal> {
    if existing >= MAX_SUBSCRIPTIONS {
        return Err(Refusal::said(
            ErrorCode::Conflict,
            "RESEARCH_SUBSCRIPTION_LIMIT",
            Message::new("rule-research-subscription-limit").arg("max", MAX_SUBSCRIPTIONS),
        ));
    }
    Ok(())
}

/// The immediate notices of `publication`: one per subscriber with a matching IMMEDIATE
/// subscription (however many match), in the order of `subscriptions`.
pub fn immediate_plans(publication: &Publication, subscriptions: &[Subscription]) -> Vec<Planned> {
    let mut vars = Map::new();
    for (key, value) in [
        ("title", &publication.title),
        ("area", &publication.area_label),
    ] {
        if !value.is_null() {
            vars.insert(key.into(), value.clone());
        }
    }
    let mut out: Vec<Planned> = Vec::new();
    for s in subscriptions {
        if s.frequency == Frequency::Immediate
            && s.matches(publication)
            && !out.iter().any(|p| p.recipient == s.subscriber)
        {
            out.push(Planned {
                recipient: s.subscriber.clone(),
                kind: NoticeKind::ResearchPracticePublished,
                vars: vars.clone(),
                path: publication.path(),
            });
        }
    }
    out
}

/// Korean time (UTC+9, no daylight saving): weeks run Monday to Sunday there.
fn korea() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("UTC+9 is a valid offset")
}

/// One digest week: Monday 00:00 to the next Monday 00:00, Korean time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestWeek {
    /// Its first instant.
    pub start: DateTime<Utc>,
    /// The first instant after it.
    pub end: DateTime<Utc>,
}

impl DigestWeek {
    /// The last week that ended at or before `now`: the one a digest run at `now` sends.
    pub fn last_complete(now: DateTime<Utc>) -> DigestWeek {
        let local = now.with_timezone(&korea());
        let monday =
            local.date_naive() - Duration::days(i64::from(local.weekday().num_days_from_monday()));
        let end = korea()
            .from_local_datetime(&monday.and_time(NaiveTime::MIN))
            .single()
            .map_or(now, |t| t.with_timezone(&Utc));
        DigestWeek {
            start: end - Duration::days(7),
            end,
        }
    }

    /// Its ISO week, e.g. `2026-W49` (what makes a digest unique per subscriber).
    pub fn label(&self) -> String {
        let week = self.start.with_timezone(&korea()).iso_week();
        format!("{}-W{:02}", week.year(), week.week())
    }

    /// The change id of its digests: `research-digest:<label>`; a digest's idempotency
    /// keys are `research-digest:<label>:<subscriber>:<channel>`.
    pub fn change_id(&self) -> String {
        format!("research-digest:{}", self.label())
    }

    /// Whether `at` falls in it.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }

    /// Its first and last day in Korean time (`YYYY-MM-DD`).
    fn days(&self) -> (String, String) {
        let day = |t: DateTime<Utc>| t.with_timezone(&korea()).format("%Y-%m-%d").to_string();
        (day(self.start), day(self.end - Duration::days(1)))
    }
}

/// The digests of `week`: for every subscriber with a WEEKLY subscription made before the
/// week ended, one notice listing the week's `publications` any of their WEEKLY
/// subscriptions matches (each once, oldest first, linking under `portal_url`); nobody
/// whose week has none gets one.
pub fn digest_plans(
    week: &DigestWeek,
    publications: &[Publication],
    subscriptions: &[Subscription],
    portal_url: &str,
) -> Vec<Planned> {
    let mut week_pubs: Vec<&Publication> = publications
        .iter()
        .filter(|p| week.contains(p.published_at))
        .collect();
    week_pubs
        .sort_by(|a, b| (a.published_at, &a.practice_id).cmp(&(b.published_at, &b.practice_id)));
    let (from, to) = week.days();
    let mut out: Vec<Planned> = Vec::new();
    for s in subscriptions {
        if s.frequency != Frequency::Weekly
            || s.created_at >= week.end
            || out.iter().any(|p| p.recipient == s.subscriber)
        {
            continue;
        }
        let mine: Vec<&Subscription> = subscriptions
            .iter()
            .filter(|o| {
                o.subscriber == s.subscriber
                    && o.frequency == Frequency::Weekly
                    && o.created_at < week.end
            })
            .collect();
        let practices: Vec<Value> = week_pubs
            .iter()
            .filter(|p| mine.iter().any(|o| o.matches(p)))
            .map(|p| {
                json!({
                    "title": p.title,
                    "area": p.area_label,
                    "link": super::render::link(portal_url, &p.path()),
                })
            })
            .collect();
        if practices.is_empty() {
            continue;
        }
        let mut vars = Map::new();
        vars.insert("from".into(), Value::String(from.clone()));
        vars.insert("to".into(), Value::String(to.clone()));
        vars.insert("count".into(), json!(practices.len()));
        vars.insert("practices".into(), Value::Array(practices));
        out.push(Planned {
            recipient: s.subscriber.clone(),
            kind: NoticeKind::ResearchDigest,
            vars,
            path: "/practices".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn sub(who: &str, areas: &[&str], languages: &[Language], f: Frequency) -> Subscription {
        Subscription {
            id: Uuid::nil(),
            subscriber: who.into(),
            areas: areas.iter().map(|a| (*a).to_owned()).collect(),
            languages: languages.to_vec(),
            frequency: f,
            created_at: at("2026-11-01T00:00:00Z"),
            updated_at: at("2026-11-01T00:00:00Z"),
        }
    }

    fn published(id: &str, area: &str, languages: &[&str], when: &str) -> Publication {
        let event = ChangeEvent {
            occurred_at: None,
            id: format!("e-{id}"),
            service: "research".into(),
            event_type: PRACTICE_PUBLISHED.into(),
            aggregate_id: id.into(),
            payload: json!({
                "areaCode": area, "languages": languages, "publishedAt": when,
                "title": { "ko": format!("사례 {id}"), "en": format!("Practice {id}") },
                "areaLabel": { "ko": "교통", "en": "Transportation", "zh": "交通", "ja": "交通" },
            }),
        };
        Publication::from_event(&event, Utc::now()).unwrap()
    }

    #[test]
    fn a_subscription_matches_its_areas_and_languages_or_all() {
        use Frequency::Immediate;
        let ko_transport = published(
            "p1",
            "transportation",
            &["ko", "en"],
            "2026-12-02T01:00:00Z",
        );
        let ja_welfare = published("p2", "welfare", &["ja"], "2026-12-02T01:00:00Z");
        let kim = sub("kim", &["transportation"], &[Language::Ko], Immediate);
        assert!(kim.matches(&ko_transport));
        assert!(!kim.matches(&ja_welfare), "another area and language");
        let other_language = sub("lee", &["transportation"], &[Language::Zh], Immediate);
        assert!(!other_language.matches(&ko_transport));
        let everything = sub("park", &[], &[], Immediate);
        assert!(everything.matches(&ko_transport) && everything.matches(&ja_welfare));
        let any_language = sub("choi", &["welfare"], &[], Immediate);
        assert!(any_language.matches(&ja_welfare) && !any_language.matches(&ko_transport));
    }

    #[test]
    fn a_publication_tells_each_immediate_subscriber_once() {
        let p = published("p1", "transportation", &["ko"], "2026-12-02T01:00:00Z");
        let subs = [
            sub(
                "kim",
                &["transportation"],
                &[Language::Ko],
                Frequency::Immediate,
            ),
            sub("kim", &[], &[], Frequency::Immediate),
            sub("lee", &[], &[], Frequency::Weekly),
            sub("park", &["welfare"], &[], Frequency::Immediate),
        ];
        let plans = immediate_plans(&p, &subs);
        assert_eq!(plans.len(), 1);
        assert_eq!(plans[0].recipient, "kim");
        assert_eq!(plans[0].kind, NoticeKind::ResearchPracticePublished);
        assert_eq!(plans[0].path, "/practices/p1");
        assert_eq!(plans[0].vars["title"]["ko"], "사례 p1");
        assert_eq!(plans[0].vars["area"]["en"], "Transportation");
    }

    #[test]
    fn only_research_publications_are_publications() {
        let mut e = ChangeEvent {
            occurred_at: None,
            id: "e".into(),
            service: "research".into(),
            event_type: "PracticeEdited".into(),
            aggregate_id: "p".into(),
            payload: json!({ "areaCode": "welfare" }),
        };
        assert!(Publication::from_event(&e, Utc::now()).is_none());
        e.event_type = PRACTICE_PUBLISHED.into();
        let now = Utc::now();
        let p = Publication::from_event(&e, now).unwrap();
        assert_eq!((p.published_at, p.languages.len()), (now, 0));
        // Without languages only a subscription to every language matches.
        assert!(!sub("k", &[], &[Language::Ko], Frequency::Immediate).matches(&p));
        assert!(sub("k", &[], &[], Frequency::Immediate).matches(&p));
        e.service = "events".into();
        assert!(Publication::from_event(&e, now).is_none());
    }

    #[test]
    fn weeks_run_monday_to_sunday_in_korean_time() {
        // Thursday 2026-12-10 in Korea: the last complete week is 11-30 .. 12-06.
        let week = DigestWeek::last_complete(at("2026-12-10T03:00:00Z"));
        assert_eq!(week.start, at("2026-11-29T15:00:00Z"));
        assert_eq!(week.end, at("2026-12-06T15:00:00Z"));
        assert_eq!(week.label(), "2026-W49");
        assert_eq!(week.change_id(), "research-digest:2026-W49");
        assert_eq!(week.days(), ("2026-11-30".into(), "2026-12-06".into()));
        // Sunday 23:30 in Korea is still that week; Monday 00:00 ends it.
        assert!(week.contains(at("2026-12-06T14:30:00Z")));
        assert!(!week.contains(at("2026-12-06T15:00:00Z")));
        // It is the last complete week from its end on; a minute earlier, the one before.
        assert_eq!(DigestWeek::last_complete(at("2026-12-06T15:00:00Z")), week);
        assert_eq!(
            DigestWeek::last_complete(at("2026-12-06T14:59:00Z")).end,
            week.start
        );
    }

    #[test]
    fn a_digest_lists_the_weeks_matches_once_and_nothing_is_sent_for_an_empty_week() {
        let week = DigestWeek::last_complete(at("2026-12-08T00:00:00Z"));
        let pubs = [
            published("p2", "transportation", &["ko"], "2026-12-03T01:00:00Z"),
            published(
                "p1",
                "transportation",
                &["ko", "en"],
                "2026-12-01T01:00:00Z",
            ),
            published("p3", "welfare", &["ja"], "2026-12-02T01:00:00Z"),
            published("old", "transportation", &["ko"], "2026-11-20T01:00:00Z"),
        ];
        let mut late = sub("late", &[], &[], Frequency::Weekly);
        late.created_at = at("2026-12-07T00:00:00Z");
        let subs = [
            sub(
                "kim",
                &["transportation"],
                &[Language::Ko],
                Frequency::Weekly,
            ),
            sub("kim", &["transportation"], &[], Frequency::Weekly),
            sub("lee", &["culture"], &[], Frequency::Weekly),
            sub("park", &[], &[], Frequency::Immediate),
            late,
        ];
        let plans = digest_plans(&week, &pubs, &subs, "https://portal.test/");
        assert_eq!(plans.len(), 1, "{plans:?}");
        let kim = &plans[0];
        assert_eq!(
            (kim.recipient.as_str(), kim.kind),
            ("kim", NoticeKind::ResearchDigest)
        );
        let links: Vec<&str> = kim.vars["practices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["link"].as_str().unwrap())
            .collect();
        assert_eq!(
            links,
            [
                "https://portal.test/practices/p1",
                "https://portal.test/practices/p2"
            ]
        );
        assert_eq!(kim.vars["from"], "2026-11-30");
        let rendered = super::super::render::render(
            Language::En,
            NoticeKind::ResearchDigest,
            &kim.vars,
            "https://portal.test/practices",
        )
        .unwrap();
        assert!(
            rendered.body.contains("- Practice p1 (Transportation)"),
            "{}",
            rendered.body
        );
        let next = DigestWeek::last_complete(at("2026-12-15T00:00:00Z"));
        assert!(digest_plans(&next, &pubs, &subs, "https://portal.test").is_empty());
    }

    #[test]
    fn drafts_parse_and_only_officials_and_staff_subscribe() {
        let d = SubscriptionDraft::parse(
            &["welfare".into(), " transportation".into(), "welfare".into()],
            &["JA".into(), "ko".into()],
            "WEEKLY",
        )
        .unwrap();
        assert_eq!(d.areas, ["transportation", "welfare"]);
        assert_eq!(d.languages, [Language::Ko, Language::Ja]);
        assert_eq!(d.frequency, Frequency::Weekly);
        let bad = SubscriptionDraft::parse(&["Bad Code".into()], &[], "WEEKLY").unwrap_err();
        assert_eq!(bad.field(), "areaCodes[0]");
        let bad = SubscriptionDraft::parse(&[], &["fr".into()], "WEEKLY").unwrap_err();
        assert_eq!(bad.field(), "languages[0]");
        let bad = SubscriptionDraft::parse(&[], &[], "DAILY").unwrap_err();
        assert_eq!(bad.field(), "frequency");
        let official = Caller::new("kim", "Kim", "11000", [Role::LocalOfficial]);
        assert!(may_subscribe(&official).is_ok());
        let partner = Caller::new("org", "Org", "o1", [Role::Partner]);
        assert_eq!(
            may_subscribe(&partner).unwrap_err().reason,
            "RESEARCH_SUBSCRIPTIONS_AUDIENCE"
        );
        assert!(may_add(MAX_SUBSCRIPTIONS - 1).is_ok());
        assert_eq!(
            may_add(MAX_SUBSCRIPTIONS).unwrap_err().code,
            ErrorCode::Conflict
        );
    }
}
