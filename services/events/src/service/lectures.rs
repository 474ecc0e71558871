//! Lecture requests: local governments ask, the bureau schedules or declines.

use super::{
    BUREAU_TIME_ZONE, EventOffice, EventView, LectureFilter, LectureView, Page, PageRequest,
    Result, ScheduleDraft, Viewer, bureau, check_version, decode_seq, lecture_visible, member,
    seq_cursor, stale,
};
use crate::domain::{
    EntityId, EventDraft, EventKind, EventState, InvalidInput, LectureAction, LectureState,
    NewLectureRequest, TextDraft, TimeZone, Version, bounded, lecture_transition,
};
use crate::error::EventsError;
use crate::store::queries::{self, LectureQuery};
use crate::store::views::{self, corrupt};
use crate::store::writes;
use chrono::NaiveDate;
use glocal_kit::Caller;
use glocal_kit::outbox::{self, Change};
use serde_json::json;
use uuid::Uuid;

impl EventOffice {
    /// Today in the bureau's time zone, by the service's clock (a lecture request's preferred
    /// dates are parsed against it).
    pub fn bureau_today(&self) -> NaiveDate {
        TimeZone::parse(BUREAU_TIME_ZONE)
            .map_or_else(|_| self.now().date_naive(), |z| z.local_date(self.now()))
    }

    /// A local official asks for a glocalization lecture for their local government (bureau
    /// staff may ask on behalf of one). Idempotent per key.
    pub async fn request_lecture(
        &self,
        caller: Option<&Caller>,
        new: NewLectureRequest,
    ) -> Result<LectureView> {
        let actor = member(caller)?;
        let lg = match (&new.local_government_code, actor.bureau, actor.official) {
            (Some(code), true, _) => code.as_str().to_owned(),
            (None, true, _) => {
                return Err(EventsError::invalid(
                    "localGovernmentCode",
                    "is required when bureau staff request a lecture",
                ));
            }
            (Some(code), false, true) if code.as_str() != actor.org => {
                return Err(EventsError::Forbidden(
                    "officials request lectures for their own local government only".into(),
                ));
            }
            (_, false, true) => crate::domain::LocalGovernmentCode::parse(&actor.org)
                .map_err(|_| {
                    EventsError::Forbidden("your organisation is not a local government".into())
                })?
                .as_str()
                .to_owned(),
            (_, false, false) => {
                return Err(EventsError::Forbidden(
                    "lectures are requested by local governments".into(),
                ));
            }
        };
        let fingerprint = format!("{lg} {new:?}");
        let id = self
            .idempotent(&actor, "lecture", &new.idempotency_key, fingerprint, async |txn, now, id| {
                writes::insert_lecture(txn, id, &lg, &new, actor.author()?, now).await?;
                queries::insert_audit(txn, "lecture_request", id, "request", None, Some(LectureState::Requested.as_str()), actor.pair()?, now, &new.theme).await?;
                let payload = json!({ "id": id.to_string(), "localGovernmentCode": lg, "year": new.year(), "state": "REQUESTED" });
                outbox::append(txn, &Change::new("LectureRequest", id, "LectureRequested", payload).touching("LocalGovernment", &lg), now).await?;
                Ok(())
            })
            .await?;
        self.lecture_as(&Some(actor), EntityId::from(id)).await
    }

    pub(super) async fn lecture_as(&self, viewer: &Viewer, id: EntityId) -> Result<LectureView> {
        let row = queries::find_lecture(&self.db, id.as_uuid())
            .await?
            .filter(|r| lecture_visible(viewer, r))
            .ok_or(EventsError::NotFound("lecture request"))?;
        views::lecture_view(row)
    }

    /// Schedules a lecture request as a PUBLISHED lecture event of a lecture series, within
    /// the series' yearly quota (bureau only).
    pub async fn schedule_lecture(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        draft: ScheduleDraft,
    ) -> Result<(LectureView, EventView)> {
        let actor = bureau(caller, "action-schedule-lectures")?;
        if draft.beyond_target && !actor.admin {
            return Err(EventsError::only(
                "BUREAU_ADMIN_ONLY",
                "rule-only-bureau-admins",
                "action-schedule-beyond-target",
            ));
        }
        let txn = self.db.begin().await?;
        let row = queries::find_lecture(&txn, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("lecture request"))?;
        let from = LectureState::parse(&row.state).map_err(corrupt)?;
        let to = lecture_transition(from, LectureAction::Schedule)?;
        check_version(version, row.version)?;
        let series = queries::find_series(&txn, draft.series_id.as_uuid(), false)
            .await?
            .ok_or_else(|| EventsError::invalid("seriesId", "unknown series"))?;
        if views::series_kind(&series)? != EventKind::Lecture {
            return Err(EventsError::invalid("seriesId", "must be a lecture series"));
        }
        let lecture = views::lecture_view(row.clone())?;
        let date = match draft.date {
            Some(d) => d,
            None => *lecture
                .preferred_dates
                .first()
                .ok_or_else(|| EventsError::invalid("date", "is required"))?,
        };
        let theme_text = TextDraft {
            ko: lecture.theme.clone(),
            en: lecture.theme.clone(),
            ..TextDraft::default()
        };
        let event_draft = EventDraft {
            idempotency_key: format!("lecture-{id}"),
            series_id: draft.series_id.to_string(),
            kind: Some(EventKind::Lecture),
            title: draft.title.clone().unwrap_or_else(|| theme_text.clone()),
            description: theme_text,
            host_country: "KR".into(),
            host_city: draft.host_city.clone(),
            host_organization: format!("Local government {}", lecture.local_government_code),
            host_local_government_code: lecture.local_government_code.clone(),
            venue: lecture.venue.clone(),
            time_zone: BUREAU_TIME_ZONE.into(),
            start_date: date.to_string(),
            end_date: date.to_string(),
            working_languages: vec!["ko".into()],
            interpretation_languages: Vec::new(),
            capacity: draft.capacity.unwrap_or(100),
            registration_opens_at: None,
            registration_closes_at: None,
            outside_period: false,
        };
        let new_event = event_draft.parse().map_err(|e: InvalidInput| {
            let field = match e.field() {
                "startDate" | "endDate" => "date".to_owned(),
                other => other.to_owned(),
            };
            e.at(field)
        })?;
        let now = self.now();
        let event_id = Uuid::new_v4();
        let went_beyond = self
            .insert_event(
                &txn,
                &actor,
                &new_event,
                now,
                event_id,
                EventState::Published,
                draft.beyond_target,
            )
            .await?;
        let Some(written) =
            writes::change_lecture(&txn, &row, to, Some(event_id), None, now).await?
        else {
            return Err(stale(version, row.version + 1));
        };
        queries::insert_audit(
            &txn,
            "lecture_request",
            row.id,
            LectureAction::Schedule.as_str(),
            Some(from.as_str()),
            Some(to.as_str()),
            actor.pair()?,
            now,
            &if went_beyond {
                format!("event {event_id} on {date}, beyond the series' yearly target")
            } else {
                format!("event {event_id} on {date}")
            },
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "eventId": event_id.to_string(),
            "localGovernmentCode": row.local_government_code,
            "date": date.to_string(),
            "state": to.as_str(),
        });
        let change = Change::new("LectureRequest", row.id, "LectureScheduled", payload)
            .touching("Event", event_id)
            .touching("LocalGovernment", &row.local_government_code);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        let viewer = Some(actor);
        Ok((
            views::lecture_view(written)?,
            self.event_as(&viewer, EntityId::from(event_id)).await?,
        ))
    }

    /// Declines a lecture request, with a reason (bureau only).
    pub async fn decline_lecture(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        reason: String,
    ) -> Result<LectureView> {
        let actor = bureau(caller, "action-decline-lectures")?;
        let reason = bounded(&reason, "reason", 1, 2_000)?;
        let txn = self.db.begin().await?;
        let row = queries::find_lecture(&txn, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("lecture request"))?;
        let from = LectureState::parse(&row.state).map_err(corrupt)?;
        let to = lecture_transition(from, LectureAction::Decline)?;
        check_version(version, row.version)?;
        let now = self.now();
        let Some(written) =
            writes::change_lecture(&txn, &row, to, None, Some(&reason), now).await?
        else {
            return Err(stale(version, row.version + 1));
        };
        queries::insert_audit(
            &txn,
            "lecture_request",
            row.id,
            LectureAction::Decline.as_str(),
            Some(from.as_str()),
            Some(to.as_str()),
            actor.pair()?,
            now,
            &reason,
        )
        .await?;
        let payload = json!({ "id": row.id.to_string(), "state": to.as_str(), "localGovernmentCode": row.local_government_code });
        let change = Change::new("LectureRequest", row.id, "LectureDeclined", payload)
            .touching("LocalGovernment", &row.local_government_code);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        views::lecture_view(written)
    }

    /// A page of lecture requests, oldest first: a local official's own local government's,
    /// or (bureau) all.
    pub async fn lecture_requests(
        &self,
        caller: Option<&Caller>,
        filter: LectureFilter,
        page: PageRequest,
    ) -> Result<Page<LectureView>> {
        let actor = member(caller)?;
        let scope = if actor.bureau {
            None
        } else if actor.official {
            Some(actor.org.clone())
        } else {
            return Err(EventsError::Forbidden(
                "lecture requests are for local governments and the bureau".into(),
            ));
        };
        let first = self.page_size(page.first);
        let query = LectureQuery {
            local_government: scope,
            states: filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            year: filter.year,
            after_seq: decode_seq(page.after.as_deref())?,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = queries::list_lectures(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors = rows.iter().map(|r| seq_cursor(r.seq)).collect();
        Ok(Page {
            items: rows
                .into_iter()
                .map(views::lecture_view)
                .collect::<Result<_>>()?,
            cursors,
            has_next_page,
            total_count,
        })
    }
}
