//! Programmes and their editions: creation, publication and lookups.

use super::*;
use chrono::Datelike;
use glocal_kit::domain::period::PeriodRule;
use glocal_kit::outbox::{self, Change};

impl TrainingOffice {
    // ---- programmes and editions -------------------------------------------------------

    /// Creates a programme (bureau staff). A retry with the same idempotency key returns
    /// the first one.
    pub async fn create_programme(
        &self,
        caller: Option<&Caller>,
        new: NewProgramme,
    ) -> Result<Programme> {
        let who = self.who(caller).await?;
        who.require_bureau("action-create-programmes")?;
        let existing =
            queries::programme_by_key(&self.db, &who.actor.subject, new.idempotency_key.as_str())
                .await?;
        match existing {
            Some(p) => {
                if p.kind != new.kind.as_str()
                    || p.title_en != new.title.en
                    || p.title_ko != new.title.ko
                {
                    return Err(TrainingError::said(
                        glocal_kit::error::ErrorCode::Conflict,
                        "IDEMPOTENCY_KEY_REUSED",
                        glocal_kit::i18n::Message::new("rule-idempotency-key-other-programme")
                            .arg("key", new.idempotency_key.as_str()),
                    ));
                }
                self.programme_views(&who, vec![p])
                    .await?
                    .pop()
                    .ok_or(TrainingError::NotFound("programme"))
            }
            None => {
                let now = self.now();
                let id = Uuid::new_v4();
                let txn = self.db.begin().await?;
                writes::insert_programme(&txn, id, &new, &who.actor.subject, now).await?;
                writes::insert_history(
                    &txn,
                    Audit {
                        aggregate_type: "programme",
                        id,
                        action: "create",
                        from: None,
                        to: None,
                        actor_subject: &who.actor.subject,
                        actor_name: who.actor.name()?,
                        at: now,
                        note: new.title.best(),
                    },
                )
                .await?;
                let payload = json!({ "id": id.to_string(), "kind": new.kind.as_str(), "published": new.published });
                outbox::append(
                    &txn,
                    &Change::new("Programme", id, "ProgrammeCreated", payload),
                    now,
                )
                .await?;
                txn.commit().await?;
                tracing::info!(programme_id = %id, kind = %new.kind, "programme created");
                Ok(Programme {
                    id: ProgrammeId::from(id),
                    kind: new.kind,
                    title: new.title,
                    description: new.description,
                    published: new.published,
                    editions: Vec::new(),
                    period: new.period,
                    version: Version::FIRST,
                    created_at: now,
                })
            }
        }
    }

    /// A page of the programmes the caller may see (the public: published ones), in
    /// creation order, with their visible editions.
    pub async fn list_programmes(
        &self,
        caller: Option<&Caller>,
        kinds: &[ProgrammeKind],
        page: PageRequest,
    ) -> Result<Page<Programme>> {
        let who = self.who(caller).await?;
        let first = self.page_size(&page);
        let after = after_seq(&page)?;
        let kinds: Vec<String> = kinds.iter().map(|k| k.as_str().to_owned()).collect();
        let (mut rows, total_count) = queries::list_programmes(
            &self.db,
            !who.is_bureau(),
            &kinds,
            after,
            u64::from(first) + 1,
        )
        .await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors: Vec<String> = rows.iter().map(|r| seq_cursor(r.seq)).collect();
        let items = self.programme_views(&who, rows).await?;
        Ok(Page {
            items,
            cursors,
            has_next_page,
            total_count,
        })
    }

    /// One programme the caller may see; NOT_FOUND otherwise.
    pub async fn get_programme(
        &self,
        caller: Option<&Caller>,
        id: ProgrammeId,
    ) -> Result<Programme> {
        let who = self.who(caller).await?;
        match queries::find_programme(&self.db, id.as_uuid()).await? {
            Some(p) if p.published || who.is_bureau() => self
                .programme_views(&who, vec![p])
                .await?
                .pop()
                .ok_or(TrainingError::NotFound("programme")),
            _ => Err(TrainingError::NotFound("programme")),
        }
    }

    /// The programmes of `ids` the caller may see, in the order asked, without duplicates;
    /// unknown, hidden (unpublished, for anyone but the bureau) and malformed ids are left
    /// out. One query for the programmes, one for all their editions.
    pub async fn batch_get_programmes(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Programme>> {
        let ids = batch_ids(ids, |s| {
            ProgrammeId::parse(s, "id").ok().map(|id| id.as_uuid())
        })?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let who = self.who(caller).await?;
        let rows = queries::programmes_by_ids(&self.db, &ids)
            .await?
            .into_iter()
            .filter(|p| p.published || who.is_bureau())
            .collect();
        let views = self.programme_views(&who, rows).await?;
        Ok(in_order(&ids, views, |p| p.id.as_uuid()))
    }

    /// Creates an edition of a programme (bureau staff), with its stages and reviewers.
    /// The programme's period rule holds (months, longest duration, editions per start
    /// year, counted under the programme's row lock): outside it is CONFLICT
    /// `OUTSIDE_PERIOD` unless an administrator sets it aside (`outside_period`), which the
    /// edition's history notes. Idempotent per key.
    pub async fn create_edition(
        &self,
        caller: Option<&Caller>,
        new: NewEdition,
    ) -> Result<Edition> {
        let who = self.who(caller).await?;
        who.require_bureau("action-create-editions")?;
        if new.outside_period {
            who.require_admin("action-override-period")?;
        }
        if queries::find_programme(&self.db, new.programme_id.as_uuid())
            .await?
            .is_none()
        {
            return Err(TrainingError::invalid("programmeId", "unknown programme"));
        }
        if let Some(e) =
            queries::edition_by_key(&self.db, &who.actor.subject, new.idempotency_key.as_str())
                .await?
        {
            if e.programme_id != new.programme_id.as_uuid() || e.term != new.term.as_str() {
                return Err(TrainingError::said(
                    glocal_kit::error::ErrorCode::Conflict,
                    "IDEMPOTENCY_KEY_REUSED",
                    glocal_kit::i18n::Message::new("rule-idempotency-key-other-edition")
                        .arg("key", new.idempotency_key.as_str()),
                ));
            }
            return self.edition_view(&who, e.id, false).await;
        }
        let now = self.now();
        let id = Uuid::new_v4();
        let txn = self.db.begin().await?;
        let programme = queries::lock_programme(&txn, new.programme_id.as_uuid())
            .await?
            .ok_or_else(|| TrainingError::invalid("programmeId", "unknown programme"))?;
        let mut note = new.term.as_str().to_owned();
        if let Some(rule) =
            PeriodRule::from_stored(programme.period.as_deref()).map_err(TrainingError::corrupt)?
        {
            let year = new.starts_on.year();
            let held = match rule.per_year() {
                Some(_) => {
                    queries::count_editions_starting_between(
                        &txn,
                        programme.id,
                        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(new.starts_on),
                        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(new.starts_on),
                    )
                    .await?
                }
                None => 0,
            };
            if let Err(breach) = rule.check(new.starts_on, new.ends_on, held) {
                if !new.outside_period {
                    return Err(TrainingError::said(
                        glocal_kit::error::ErrorCode::Conflict,
                        "OUTSIDE_PERIOD",
                        rule.refusal(
                            breach,
                            programme_name(&programme),
                            new.starts_on,
                            new.ends_on,
                        ),
                    ));
                }
                note.push_str(&format!(
                    "; outside the programme's period rule ({rule}), by an administrator's decision"
                ));
            }
        }
        writes::insert_edition(&txn, id, &new, &who.actor.subject, now).await?;
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "edition",
                id,
                action: "create",
                from: None,
                to: None,
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: &note,
            },
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "programmeId": new.programme_id.to_string(),
            "term": new.term.as_str(),
            "published": new.published,
        });
        let change = Change::new("Edition", id, "EditionCreated", payload)
            .touching("Programme", new.programme_id.to_string());
        outbox::append(&txn, &change, now).await?;
        if let Err(e) = txn.commit().await {
            if is_unique_violation(&e) {
                return Err(TrainingError::Conflict(
                    "the edition is being created by a concurrent call; retry".into(),
                ));
            }
            return Err(e.into());
        }
        tracing::info!(edition_id = %id, term = %new.term, "edition created");
        self.edition_view(&who, id, false).await
    }

    /// Publishes an edition (and its programme) so the public sees it and applicants may
    /// apply.
    pub async fn publish_edition(
        &self,
        caller: Option<&Caller>,
        id: EditionId,
        version: Version,
    ) -> Result<Edition> {
        let who = self.who(caller).await?;
        who.require_manager(id.as_uuid(), "action-publish-editions")?;
        let txn = self.db.begin().await?;
        let e = queries::find_edition(&txn, id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        Self::check_version(e.version, version)?;
        if e.published {
            return Err(TrainingError::Conflict(
                "the edition is already published".into(),
            ));
        }
        let now = self.now();
        if !writes::publish_edition_if_version(&txn, e.id, e.version, now).await? {
            return Err(TrainingError::StaleVersion {
                seen: version,
                current: e.version + 1,
            });
        }
        queries::publish_programme(&txn, e.programme_id, now).await?;
        writes::insert_history(
            &txn,
            Audit {
                aggregate_type: "edition",
                id: e.id,
                action: "publish",
                from: None,
                to: None,
                actor_subject: &who.actor.subject,
                actor_name: who.actor.name()?,
                at: now,
                note: &e.term,
            },
        )
        .await?;
        let payload = json!({ "id": e.id.to_string(), "programmeId": e.programme_id.to_string(), "term": e.term });
        let change = Change::new("Edition", e.id, "EditionPublished", payload)
            .touching("Programme", e.programme_id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        self.edition_view(&who, e.id, false).await
    }

    /// One edition the caller may see (the public: published ones), with its sessions when
    /// asked.
    pub async fn get_edition(
        &self,
        caller: Option<&Caller>,
        id: EditionId,
        include_sessions: bool,
    ) -> Result<Edition> {
        let who = self.who(caller).await?;
        let row = who.visible_edition(queries::find_edition(&self.db, id.as_uuid()).await?)?;
        self.edition_views(&who, vec![row], include_sessions)
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("edition"))
    }

    /// The editions of `ids` the caller may see, as [`Self::get_edition`] answers them, in
    /// the order asked, without duplicates; unknown, hidden and malformed ids are left out.
    pub async fn batch_get_editions(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
        include_sessions: bool,
    ) -> Result<Vec<Edition>> {
        let ids = batch_ids(ids, |s| {
            EditionId::parse(s, "editionId").ok().map(|id| id.as_uuid())
        })?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let who = self.who(caller).await?;
        let rows = queries::editions_by_ids(&self.db, &ids)
            .await?
            .into_iter()
            .filter(|e| e.published || who.is_bureau())
            .collect();
        let views = self.edition_views(&who, rows, include_sessions).await?;
        Ok(in_order(&ids, views, |e| e.id.as_uuid()))
    }
}

/// A programme's name in a refusal: its English title, or the first title it has.
fn programme_name(p: &ProgrammeRow) -> &str {
    [&p.title_en, &p.title_ko, &p.title_zh, &p.title_ja]
        .into_iter()
        .find(|t| !t.trim().is_empty())
        .map_or("", |t| t.as_str())
}
