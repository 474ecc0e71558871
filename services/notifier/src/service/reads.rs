//! The log of staff reads of personal data (ADR 0039): the gateway records what each
//! operation of bureau staff read ([`Notifier::record_reads`]), bureau admins list it
//! ([`Notifier::personal_data_reads`]), and the retention job deletes rows older than
//! `privacy.read_log_days` ([`Notifier::expire_reads`]).

use chrono::{DateTime, Utc};
use glocal_kit::Caller;
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::Message;
use glocal_kit::paging::{Page, PageRequest, decode_seq, seq_cursor};

use super::{Notifier, Result};
use crate::domain::reads::{ReadBatch, ReadFilter, ReadView, may_list, may_record};
use crate::error::NotifierError;
use crate::store;

impl Notifier {
    /// Records `batch` as read by the caller (bureau staff or admins: the reader is the
    /// signed caller); a batch recorded before adds nothing. Answers the rows written.
    pub async fn record_reads(&self, caller: Option<&Caller>, batch: &ReadBatch) -> Result<u64> {
        let reader = caller.ok_or(NotifierError::Unauthenticated)?;
        if !may_record(reader) {
            return Err(NotifierError::said(
                ErrorCode::Forbidden,
                "PERSONAL_DATA_READS_STAFF_ONLY",
                Message::new("rule-personal-data-reads-staff"),
            ));
        }
        if batch.reads.is_empty() {
            return Ok(0);
        }
        let written = store::reads::record(&*self.db, &reader.subject, &reader.name, batch).await?;
        if written > 0 {
            metrics::counter!("notifier_personal_data_reads_total").increment(written);
        }
        Ok(written)
    }

    /// The recorded reads `filter` selects, newest first (bureau admins).
    pub async fn personal_data_reads(
        &self,
        caller: Option<&Caller>,
        filter: &ReadFilter,
        page: &PageRequest,
    ) -> Result<Page<ReadView>> {
        let admin = caller.ok_or(NotifierError::Unauthenticated)?;
        if !may_list(admin) {
            return Err(NotifierError::said(
                ErrorCode::Forbidden,
                "PERSONAL_DATA_READS_ADMINS_ONLY",
                Message::new("rule-personal-data-reads-admins"),
            ));
        }
        let before = decode_seq(page.after.as_deref())?;
        let limit = page.limit(self.config.max_page_size);
        let (rows, total) =
            store::reads::page(&*self.db, filter, before, u64::from(limit) + 1).await?;
        let has_next_page = rows.len() > limit as usize;
        let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
        Ok(Page {
            cursors: rows.iter().map(|r| seq_cursor(r.seq)).collect(),
            items: rows,
            has_next_page,
            total_count: total,
        })
    }

    /// Deletes the recorded reads older than `days` days at `now` (`privacy.read_log_days`),
    /// in batches of one transaction each; answers how many went.
    pub async fn expire_reads(&self, days: u32, now: DateTime<Utc>) -> Result<u64> {
        let cutoff = glocal_kit::privacy::retention_cutoff(now, days, chrono::Duration::zero());
        let batch = glocal_kit::privacy::RETENTION_BATCH * 10;
        let mut expired = 0;
        loop {
            let seqs = store::reads::expired(&*self.db, cutoff, batch).await?;
            if seqs.is_empty() {
                break;
            }
            let tx = self.db.begin().await?;
            let gone = store::reads::delete(&tx, &seqs).await?;
            tx.commit().await?;
            expired += gone;
            if (seqs.len() as u64) < batch || gone == 0 {
                break;
            }
        }
        if expired > 0 {
            tracing::info!(expired, "old records of personal-data reads deleted");
        }
        Ok(expired)
    }
}
