//! The caller's views of stored rows: one query per related table, not per row; and the
//! lookups that hide what the caller may not see.

use super::*;

impl TrainingOffice {
    // ---- views ------------------------------------------------------------------------

    pub(super) async fn edition_views(
        &self,
        who: &Who,
        rows: Vec<EditionRow>,
        include_sessions: bool,
    ) -> Result<Vec<Edition>> {
        let edition_ids: Vec<Uuid> = rows.iter().map(|e| e.id).collect();
        let programmes: HashMap<Uuid, ProgrammeSummary> =
            queries::programmes_by_ids(&self.db, &unique_ids(rows.iter().map(|e| e.programme_id)))
                .await?
                .iter()
                .map(|p| Ok((p.id, summary_of(p)?)))
                .collect::<Result<_>>()?;
        let mut stages: HashMap<Uuid, Vec<ReviewStage>> = HashMap::new();
        for s in queries::stages_of(&self.db, &edition_ids).await? {
            stages.entry(s.edition_id).or_default().push(ReviewStage {
                number: count(s.number),
                name: s.name.clone(),
                cut: cut_of(&s)?,
                blind: s.blind,
                reviewers: Vec::new(),
                division_reviewers: Vec::new(),
            });
        }
        for r in queries::reviewers_of(&self.db, &edition_ids).await? {
            if !who.manages(r.edition_id) {
                continue;
            }
            if let Some(stage) = stages
                .get_mut(&r.edition_id)
                .and_then(|s| s.iter_mut().find(|s| s.number == count(r.stage)))
            {
                match r.division {
                    None => stage.reviewers.push(r.reviewer_subject),
                    Some(d) => stage.division_reviewers.push(DivisionReviewer {
                        subject: r.reviewer_subject,
                        division: LanguageCode::parse(&d).map_err(TrainingError::corrupt)?,
                    }),
                }
            }
        }
        let mut waitlisted: HashMap<Uuid, u32> = HashMap::new();
        for a in queries::waitlists_of(&self.db, &edition_ids).await? {
            *waitlisted.entry(a.edition_id).or_default() += 1;
        }
        let mut sessions: HashMap<Uuid, Vec<Session>> = HashMap::new();
        if include_sessions {
            for s in self
                .session_views(who, queries::sessions_of(&self.db, &edition_ids).await?)
                .await?
            {
                sessions.entry(s.edition_id.as_uuid()).or_default().push(s);
            }
        }
        rows.into_iter()
            .map(|e| {
                let programme = programmes
                    .get(&e.programme_id)
                    .cloned()
                    .ok_or_else(|| TrainingError::corrupt("edition without programme"))?;
                let stages = stages.remove(&e.id).unwrap_or_default();
                let waitlisted = waitlisted.get(&e.id).copied().unwrap_or(0);
                let sessions = sessions.remove(&e.id).unwrap_or_default();
                edition_of(e, programme, stages, waitlisted, sessions)
            })
            .collect()
    }

    pub(super) async fn session_views(
        &self,
        who: &Who,
        rows: Vec<SessionRow>,
    ) -> Result<Vec<Session>> {
        let session_ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
        let records = queries::attendance_at(&self.db, &session_ids).await?;
        let participants: HashMap<Uuid, ApplicationRow> = queries::applications_by_ids(
            &self.db,
            &unique_ids(records.iter().map(|r| r.application_id)),
        )
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
        let mut by_session: HashMap<Uuid, Vec<AttendanceRecord>> = HashMap::new();
        for r in records {
            let Some(p) = participants.get(&r.application_id) else {
                continue;
            };
            if !(who.manages(p.edition_id) || who.owns(p)) {
                continue;
            }
            by_session
                .entry(r.session_id)
                .or_default()
                .push(AttendanceRecord {
                    application_id: ApplicationId::from(r.application_id),
                    participant_name: p.full_name.clone(),
                    status: AttendanceStatus::parse(&r.status).map_err(TrainingError::corrupt)?,
                    note: r.note,
                });
        }
        rows.into_iter()
            .map(|s| {
                let attendance = by_session.remove(&s.id).unwrap_or_default();
                session_of(s, attendance)
            })
            .collect()
    }

    pub(super) async fn programme_views(
        &self,
        who: &Who,
        rows: Vec<ProgrammeRow>,
    ) -> Result<Vec<Programme>> {
        let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
        let editions = queries::editions_of(&self.db, &ids, !who.is_bureau()).await?;
        let mut by_programme: HashMap<Uuid, Vec<Edition>> = HashMap::new();
        for e in self.edition_views(who, editions, false).await? {
            by_programme
                .entry(e.programme.id.as_uuid())
                .or_default()
                .push(e);
        }
        rows.into_iter()
            .map(|p| {
                let editions = by_programme.remove(&p.id).unwrap_or_default();
                programme_of(p, editions)
            })
            .collect()
    }

    /// Builds the caller's view of `rows`: one query per related table, not per row.
    pub(super) async fn application_views(
        &self,
        who: &Who,
        rows: Vec<ApplicationRow>,
    ) -> Result<Vec<Application>> {
        let app_ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
        let edition_ids = unique_ids(rows.iter().map(|a| a.edition_id));
        let editions: HashMap<Uuid, EditionRow> = queries::editions_by_ids(&self.db, &edition_ids)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let programmes: HashMap<Uuid, ProgrammeSummary> = queries::programmes_by_ids(
            &self.db,
            &unique_ids(editions.values().map(|e| e.programme_id)),
        )
        .await?
        .iter()
        .map(|p| Ok((p.id, summary_of(p)?)))
        .collect::<Result<_>>()?;
        let mut blind_stages: HashMap<Uuid, Vec<i32>> = HashMap::new();
        for s in queries::stages_of(&self.db, &edition_ids).await? {
            if s.blind {
                blind_stages.entry(s.edition_id).or_default().push(s.number);
            }
        }
        let mut reviews: HashMap<Uuid, Vec<ReviewRow>> = HashMap::new();
        for r in queries::reviews_of(&self.db, &app_ids).await? {
            reviews.entry(r.application_id).or_default().push(r);
        }
        let certificates: HashMap<Uuid, String> = queries::certificates_of(&self.db, &app_ids)
            .await?
            .into_iter()
            .map(|c| (c.application_id, c.code))
            .collect();
        let mut histories: HashMap<Uuid, Vec<HistoryEntry>> = HashMap::new();
        for h in queries::history_of(&self.db, &app_ids).await? {
            let (aggregate_id, entry) = history_entry_of(h)?;
            histories.entry(aggregate_id).or_default().push(entry);
        }
        let mut positions: HashMap<Uuid, u32> = HashMap::new();
        let waitlisted_editions = unique_ids(
            rows.iter()
                .filter(|a| a.state == ApplicationState::Waitlisted.as_str())
                .map(|a| a.edition_id),
        );
        let mut place: HashMap<Uuid, u32> = HashMap::new();
        for w in queries::waitlists_of(&self.db, &waitlisted_editions).await? {
            let n = place.entry(w.edition_id).or_default();
            *n += 1;
            positions.insert(w.id, *n);
        }

        rows.into_iter()
            .map(|a| {
                let e = editions
                    .get(&a.edition_id)
                    .ok_or_else(|| TrainingError::corrupt("application without edition"))?;
                let manager = who.manages(a.edition_id);
                let my_stages = who.stages_reviewed(a.edition_id);
                let reviewer = !manager && !my_stages.is_empty();
                let blind = reviewer
                    && blind_stages
                        .get(&a.edition_id)
                        .is_some_and(|b| b.iter().any(|s| my_stages.contains(s)));
                let all_reviews = reviews.remove(&a.id).unwrap_or_default();
                let mut scores: Vec<StageScore> = Vec::new();
                if manager {
                    for r in &all_reviews {
                        let stage = count(r.stage);
                        match scores.iter_mut().find(|s| s.stage == stage) {
                            Some(s) => {
                                s.reviews += 1;
                                s.mean_centi += i64::from(r.score);
                            }
                            None => scores.push(StageScore {
                                stage,
                                reviews: 1,
                                mean_centi: i64::from(r.score),
                            }),
                        }
                    }
                    for s in &mut scores {
                        s.mean_centi = s.mean_centi * 100 / i64::from(s.reviews.max(1));
                    }
                }
                let reviews: Vec<ReviewView> = all_reviews
                    .into_iter()
                    .filter(|r| manager || (reviewer && r.reviewer_subject == who.actor.subject))
                    .map(|r| ReviewView {
                        stage: count(r.stage),
                        score: u8::try_from(r.score).unwrap_or(0),
                        reviewer_subject: r.reviewer_subject,
                        reviewer_name: r.reviewer_name,
                        comment: r.comment,
                        at: r.at,
                    })
                    .collect();
                let state = state_of(&a.state)?;
                let participation = (state == ApplicationState::Accepted
                    || a.host_code.is_some()
                    || a.mentor.is_some())
                .then(|| Participation {
                    host_code: a.host_code.clone(),
                    mentor: a.mentor.clone(),
                    joined_on: a.joined_on.unwrap_or(e.starts_on),
                    left_on: a.left_on.unwrap_or(e.ends_on),
                });
                let hide = |s: String| if blind { String::new() } else { s };
                Ok(Application {
                    id: ApplicationId::from(a.id),
                    edition_id: EditionId::from(a.edition_id),
                    edition_term: e.term.clone(),
                    programme: programmes
                        .get(&e.programme_id)
                        .cloned()
                        .ok_or_else(|| TrainingError::corrupt("edition without programme"))?,
                    state,
                    current_stage: count(a.current_stage),
                    relationship: relationship_of(&a)?,
                    partner_organisation_id: a.partner_organisation_id.clone().filter(|_| !blind),
                    division: a.division,
                    profile: ProfileView {
                        kind: ApplicantKind::parse(&a.applicant_kind)
                            .map_err(TrainingError::corrupt)?,
                        full_name: hide(a.full_name),
                        nationality: hide(a.nationality),
                        organisation_type: OrganisationType::parse(&a.organisation_type)
                            .map_err(TrainingError::corrupt)?,
                        organisation: hide(a.organisation),
                        grade: a.grade.and_then(|g| u8::try_from(g).ok()),
                        languages: split(&a.languages),
                    },
                    applicant_subject: hide(a.applicant_subject),
                    organisation_code: hide(a.org_code),
                    blind,
                    answers: answers_from_text(&a.answers)?,
                    attachments: attachments_from_text(&a.attachments)?,
                    reviews,
                    scores,
                    participation,
                    decision_note: a.decision_note,
                    certificate_code: certificates.get(&a.id).cloned(),
                    history: if reviewer {
                        Vec::new()
                    } else {
                        histories.remove(&a.id).unwrap_or_default()
                    },
                    version: version_of(a.version)?,
                    created_at: a.created_at,
                    submitted_at: a.submitted_at,
                    updated_at: a.updated_at,
                    waitlist_position: positions.get(&a.id).copied(),
                })
            })
            .collect()
    }

    pub(super) async fn application_view(&self, who: &Who, id: Uuid) -> Result<Application> {
        let row = queries::find_application(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("application"))?;
        self.application_views(who, vec![row])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("application"))
    }

    pub(super) async fn edition_view(
        &self,
        who: &Who,
        id: Uuid,
        include_sessions: bool,
    ) -> Result<Edition> {
        let row = queries::find_edition(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        self.edition_views(who, vec![row], include_sessions)
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("edition"))
    }

    pub(super) fn check_version(row_version: i64, seen: Version) -> Result<()> {
        if row_version != seen.get() {
            return Err(TrainingError::StaleVersion {
                seen,
                current: row_version,
            });
        }
        Ok(())
    }
}
