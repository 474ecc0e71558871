//! Accepted participants: placement, sessions and attendance.

use super::*;
use glocal_kit::outbox::{self, Change};

impl TrainingOffice {
    // ---- participants -----------------------------------------------------------------

    /// Managers set an accepted participant's host local government (one of the edition's
    /// hosts), mentor, and the days they actually join and leave (within the edition).
    pub async fn update_participant(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        update: ParticipantUpdate,
    ) -> Result<Application> {
        let who = self.who(caller).await?;
        let txn = self.db.begin().await?;
        let row = who.application(&txn, id).await?;
        who.require_manager(row.edition_id, "action-manage-participants")?;
        let to = transition(state_of(&row.state)?, Action::UpdateParticipation)?;
        Self::check_version(row.version, version)?;
        let e = queries::find_edition(&txn, row.edition_id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        let hosts = split(&e.host_codes);
        if let Some(host) = &update.host_code {
            fellowship::check_host(&hosts, host)?;
        }
        let joined = update.joined_on.or(row.joined_on).unwrap_or(e.starts_on);
        let left = update.left_on.or(row.left_on).unwrap_or(e.ends_on);
        if joined < e.starts_on || joined > e.ends_on {
            return Err(TrainingError::invalid(
                "joinedOn",
                "must be within the edition's dates",
            ));
        }
        if left < joined || left > e.ends_on {
            return Err(TrainingError::invalid(
                "leftOn",
                "must be on or after joinedOn and within the edition's dates",
            ));
        }
        let mut set = ApplicationChange::default();
        let mut notes = Vec::new();
        if let Some(h) = &update.host_code {
            set.host_code = Some(h.as_str().to_owned());
            notes.push(format!("host {h}"));
        }
        if let Some(m) = &update.mentor {
            set.mentor = Some(m.as_str().to_owned());
            notes.push(format!("mentor {m}"));
        }
        if let Some(d) = update.joined_on {
            set.joined_on = Some(d);
            notes.push(format!("joins {d}"));
        }
        if let Some(d) = update.left_on {
            set.left_on = Some(d);
            notes.push(format!("leaves {d}"));
        }
        let now = self.now();
        self.change(
            &txn,
            &row,
            &who.actor,
            now,
            Action::UpdateParticipation,
            to,
            set,
            &notes.join(", "),
        )
        .await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// Managers schedule a session of an edition.
    pub async fn schedule_session(
        &self,
        caller: Option<&Caller>,
        new: NewSession,
    ) -> Result<Session> {
        let who = self.who(caller).await?;
        who.require_bureau("action-schedule-sessions")?;
        who.require_manager(new.edition_id.as_uuid(), "action-schedule-sessions")?;
        let e =
            who.visible_edition(queries::find_edition(&self.db, new.edition_id.as_uuid()).await?)?;
        let now = self.now();
        let id = Uuid::new_v4();
        let txn = self.db.begin().await?;
        writes::insert_session(&txn, id, e.id, &new, now).await?;
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "session",
                id,
                action: "schedule",
                from: None,
                to: None,
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: new.title.as_str(),
            },
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "editionId": e.id.to_string(),
            "kind": new.kind.as_str(),
            "startsAt": new.starts_at.to_rfc3339(),
        });
        let change = Change::new("TrainingSession", id, "SessionScheduled", payload)
            .touching("Edition", e.id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        Ok(Session {
            id: SessionId::from(id),
            edition_id: EditionId::from(e.id),
            kind: new.kind,
            title: new.title.as_str().to_owned(),
            starts_at: new.starts_at.trunc_subsecs(6),
            ends_at: new.ends_at.trunc_subsecs(6),
            location: new.location.as_str().to_owned(),
            attendance: Vec::new(),
        })
    }

    pub(super) async fn session(&self, who: &Who, id: Uuid) -> Result<Session> {
        let row = queries::find_session(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("session"))?;
        self.session_views(who, vec![row])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("session"))
    }

    /// Managers record (or correct) attendance at a session for accepted participants of
    /// its edition. Every entry is checked before anything is written.
    pub async fn record_attendance(
        &self,
        caller: Option<&Caller>,
        session_id: SessionId,
        entries: Vec<AttendanceEntry>,
    ) -> Result<Session> {
        let who = self.who(caller).await?;
        who.require_bureau("action-record-attendance")?;
        let s = queries::find_session(&self.db, session_id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("session"))?;
        who.require_manager(s.edition_id, "action-record-attendance")?;
        let ids: Vec<Uuid> = entries.iter().map(|e| e.application_id.as_uuid()).collect();
        let participants: HashMap<Uuid, ApplicationRow> =
            queries::applications_by_ids(&self.db, &ids)
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
        for (i, entry) in entries.iter().enumerate() {
            let ok = participants
                .get(&entry.application_id.as_uuid())
                .is_some_and(|a| {
                    a.edition_id == s.edition_id && a.state == ApplicationState::Accepted.as_str()
                });
            if !ok {
                return Err(TrainingError::invalid(
                    &format!("entries[{i}].applicationId"),
                    "is not an accepted participant of this session's edition",
                ));
            }
        }
        let now = self.now();
        let txn = self.db.begin().await?;
        for entry in &entries {
            writes::record_attendance(
                &txn,
                s.id,
                entry.application_id.as_uuid(),
                entry.status,
                entry.note.as_str(),
                &who.actor.subject,
                now,
            )
            .await?;
            let accepted = ApplicationState::Accepted.as_str();
            writes::insert_history(
                &txn,
                Audit {
                    aggregate_type: "application",
                    id: entry.application_id.as_uuid(),
                    action: "attendance",
                    from: Some(accepted),
                    to: Some(accepted),
                    actor_subject: &who.actor.subject,
                    actor_name: who.actor.name()?,
                    at: now,
                    note: &format!("{}: {}", s.title, entry.status),
                },
            )
            .await?;
        }
        let payload = json!({
            "sessionId": s.id.to_string(),
            "editionId": s.edition_id.to_string(),
            "entries": entries.iter().map(|e| json!({
                "applicationId": e.application_id.to_string(),
                "status": e.status.as_str(),
            })).collect::<Vec<_>>(),
        });
        let change = Change::new("TrainingSession", s.id, "AttendanceRecorded", payload)
            .touching("Edition", s.edition_id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        self.session(&who, s.id).await
    }
}
