//! The writer of the log of staff reads of personal data (ADR 0039). The schema hands it one
//! batch per operation after the operation ran ([`ReadLog::submit`], which never waits); a
//! task sends each batch to the notifier's `RecordPersonalDataReads` as the reader, retrying
//! with backoff (the batch id makes a retried batch count once). The queue is bounded: when
//! it is full (the notifier down for long) a batch is dropped and counted in
//! `gateway_personal_data_read_batches_dropped_total`; one that fails every try is counted
//! in `gateway_personal_data_read_batches_failed_total`. Reads are never slowed by the log.

use std::time::Duration;

use glocal_kit::Caller;
use glocal_proto::notifier::v1 as pb;
use glocal_proto::notifier::v1::notifier_service_client::NotifierServiceClient;
use tokio::sync::mpsc;
use tonic::transport::Channel;

/// Batches waiting for the notifier at most.
pub const QUEUE: usize = 1024;

/// Tries per batch.
const ATTEMPTS: u32 = 6;

/// The first retry's wait (doubled each time, at most [`MAX_BACKOFF`]).
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// The longest wait between two tries.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// What one operation of one reader read.
#[derive(Debug, Clone)]
pub struct ReadBatch {
    /// The reader (the notifier records the signed caller as the reader).
    pub reader: Caller,
    /// The batch as the notifier takes it.
    pub message: pb::RecordPersonalDataReadsRequest,
}

/// The handle the schema submits batches to; cheap to clone. Dropping every handle ends the
/// writer once its queue is sent.
#[derive(Debug, Clone)]
pub struct ReadLog {
    queue: mpsc::Sender<ReadBatch>,
}

impl ReadLog {
    /// Starts the writer over `notifier` (each call bounded by `timeout`), queueing at most
    /// `capacity` batches. Needs a tokio runtime.
    pub fn start(notifier: Channel, timeout: Duration, capacity: usize) -> ReadLog {
        let (queue, batches) = mpsc::channel(capacity.max(1));
        metrics::counter!("gateway_personal_data_read_batches_dropped_total").increment(0);
        metrics::counter!("gateway_personal_data_read_batches_failed_total").increment(0);
        tokio::spawn(write(
            NotifierServiceClient::new(notifier),
            timeout,
            batches,
        ));
        ReadLog { queue }
    }

    /// Queues `batch` without waiting; a full queue drops it (counted and logged).
    pub fn submit(&self, batch: ReadBatch) {
        if let Err(error) = self.queue.try_send(batch) {
            let reads = match &error {
                mpsc::error::TrySendError::Full(b) | mpsc::error::TrySendError::Closed(b) => {
                    b.message.reads.len()
                }
            };
            metrics::counter!("gateway_personal_data_read_batches_dropped_total").increment(1);
            tracing::warn!(reads, "personal-data read log queue full: batch dropped");
        }
    }
}

/// Sends every queued batch, one at a time, until every handle is dropped.
async fn write(
    client: NotifierServiceClient<Channel>,
    timeout: Duration,
    mut batches: mpsc::Receiver<ReadBatch>,
) {
    while let Some(batch) = batches.recv().await {
        if let Err(status) = send(&client, timeout, &batch).await {
            metrics::counter!("gateway_personal_data_read_batches_failed_total").increment(1);
            tracing::error!(
                code = ?status.code(),
                reads = batch.message.reads.len(),
                batch_id = %batch.message.batch_id,
                "personal-data reads not recorded"
            );
        }
    }
}

/// Whether a failed try may succeed later (the notifier unreachable, busy or failing).
fn retryable(status: &tonic::Status) -> bool {
    !matches!(
        status.code(),
        tonic::Code::InvalidArgument
            | tonic::Code::PermissionDenied
            | tonic::Code::Unauthenticated
            | tonic::Code::Unimplemented
    )
}

/// One batch, tried up to [`ATTEMPTS`] times with a fresh signed request each.
async fn send(
    client: &NotifierServiceClient<Channel>,
    timeout: Duration,
    batch: &ReadBatch,
) -> Result<(), tonic::Status> {
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        let request =
            glocal_kit::grpc::request(batch.message.clone(), Some(&batch.reader), timeout);
        match client.clone().record_personal_data_reads(request).await {
            Ok(_) => return Ok(()),
            Err(status) if attempt < ATTEMPTS && retryable(&status) => {
                tracing::debug!(code = ?status.code(), attempt, "personal-data reads: retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                attempt += 1;
            }
            Err(status) => return Err(status),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_not_retried() {
        assert!(retryable(&tonic::Status::unavailable("down")));
        assert!(retryable(&tonic::Status::deadline_exceeded("slow")));
        assert!(!retryable(&tonic::Status::invalid_argument("bad")));
        assert!(!retryable(&tonic::Status::permission_denied("no")));
    }

    #[tokio::test]
    async fn a_full_queue_drops_instead_of_waiting() {
        let (queue, _batches) = mpsc::channel(1);
        let log = ReadLog { queue };
        let batch = ReadBatch {
            reader: Caller::new("staff", "Staff", "GAOK", [glocal_kit::Role::BureauStaff]),
            message: pb::RecordPersonalDataReadsRequest::default(),
        };
        log.submit(batch.clone());
        // The second does not fit and returns at once.
        log.submit(batch);
        assert_eq!(log.queue.capacity(), 0);
    }
}
