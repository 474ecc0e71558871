//! Certificates: issuing for completing participants and public verification.

use super::*;
use glocal_kit::outbox::{self, Change};

impl TrainingOffice {
    // ---- certificates -----------------------------------------------------------------

    /// Managers issue certificates to every accepted participant of an edition who
    /// completes it (see [`Completion`]) and has none yet; the others are listed with why.
    pub async fn issue_certificates(
        &self,
        caller: Option<&Caller>,
        edition_id: EditionId,
    ) -> Result<IssueOutcome> {
        let who = self.who(caller).await?;
        who.require_manager(edition_id.as_uuid(), "action-issue-certificates")?;
        let txn = self.db.begin().await?;
        who.visible_edition(queries::find_edition(&txn, edition_id.as_uuid()).await?)?;
        let participants = queries::applications_in(
            &txn,
            edition_id.as_uuid(),
            &[ApplicationState::Accepted.as_str()],
        )
        .await?;
        let ids: Vec<Uuid> = participants.iter().map(|a| a.id).collect();
        let certified: Vec<Uuid> = queries::certificates_of(&txn, &ids)
            .await?
            .into_iter()
            .map(|c| c.application_id)
            .collect();
        let sessions = queries::sessions_of(&txn, &[edition_id.as_uuid()]).await?;
        let session_ids: Vec<Uuid> = sessions.iter().map(|s| s.id).collect();
        let records: HashMap<(Uuid, Uuid), AttendanceStatus> =
            queries::attendance_at(&txn, &session_ids)
                .await?
                .into_iter()
                .map(|r| {
                    let status =
                        AttendanceStatus::parse(&r.status).map_err(TrainingError::corrupt)?;
                    Ok(((r.session_id, r.application_id), status))
                })
                .collect::<Result<_>>()?;
        let now = self.now();
        let mut outcome = IssueOutcome {
            issued: Vec::new(),
            skipped: Vec::new(),
            already_issued: 0,
        };
        for p in &participants {
            if certified.contains(&p.id) {
                outcome.already_issued += 1;
                continue;
            }
            let attended: Vec<SessionRecord> = sessions
                .iter()
                .map(|s| SessionRecord {
                    ended: s.ends_at <= now,
                    status: records.get(&(s.id, p.id)).copied(),
                })
                .collect();
            let completion = Completion::of(&attended);
            if !completion.completes() {
                outcome.skipped.push(IssueSkip {
                    application_id: ApplicationId::from(p.id),
                    reason: completion.message(),
                });
                continue;
            }
            let code = CertificateCode::generate();
            writes::insert_certificate(
                &txn,
                NewCertificate {
                    code: code.as_str(),
                    application_id: p.id,
                    edition_id: p.edition_id,
                    holder_name: &p.full_name,
                    issued_by: &who.actor.subject,
                    at: now,
                },
            )
            .await?;
            let accepted = ApplicationState::Accepted.as_str();
            writes::insert_history(
                &txn,
                Audit {
                    aggregate_type: "application",
                    id: p.id,
                    action: "certify",
                    from: Some(accepted),
                    to: Some(accepted),
                    actor_subject: &who.actor.subject,
                    actor_name: who.actor.name()?,
                    at: now,
                    note: &completion.to_string(),
                },
            )
            .await?;
            let payload = json!({
                "applicationId": p.id.to_string(),
                "editionId": p.edition_id.to_string(),
                "code": code.as_str(),
                "applicantSubject": p.applicant_subject,
                "programmeTitle": super::applications::programme_title(&txn, p.edition_id).await?,
            });
            let change = Change::new("Application", p.id, "CertificateIssued", payload)
                .touching("Edition", p.edition_id)
                .touching("Certificate", code.as_str());
            outbox::append(&txn, &change, now).await?;
            outcome.issued.push(Certificate {
                code,
                application_id: ApplicationId::from(p.id),
                holder_name: p.full_name.clone(),
                issued_on: now.date_naive(),
            });
        }
        if let Err(e) = txn.commit().await {
            if is_unique_violation(&e) {
                return Err(TrainingError::Conflict(
                    "certificates are being issued by a concurrent call; retry".into(),
                ));
            }
            return Err(e.into());
        }
        tracing::info!(%edition_id, issued = outcome.issued.len(), skipped = outcome.skipped.len(), "certificates issued");
        Ok(outcome)
    }

    /// Anyone verifies a certificate by its code and learns the holder's name, the
    /// programme, the edition and the date — nothing more. NOT_FOUND for unknown codes.
    pub async fn verify_certificate(&self, code: CertificateCode) -> Result<VerifiedCertificate> {
        let c = queries::certificate_by_code(&self.db, code.as_str())
            .await?
            .ok_or(TrainingError::NotFound("certificate"))?;
        let e = queries::find_edition(&self.db, c.edition_id)
            .await?
            .ok_or(TrainingError::NotFound("certificate"))?;
        let p = queries::find_programme(&self.db, e.programme_id)
            .await?
            .ok_or(TrainingError::NotFound("certificate"))?;
        let summary = summary_of(&p)?;
        Ok(VerifiedCertificate {
            code: c.code,
            holder_name: c.holder_name,
            programme_title: summary.title,
            programme_kind: summary.kind,
            edition_term: e.term,
            issued_on: c.issued_on,
        })
    }
}
