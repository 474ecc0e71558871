//! Periodic jobs beside a service's gRPC server: one step every interval until shutdown, each
//! run counted in the job metrics ([`crate::metrics::Job`], which the `GlocalJobNotRunning`
//! alert watches), a failed run logged and retried on the next tick.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use crate::Shutdown;
use crate::metrics::Job;

/// Runs `step` every `interval` (the first run at once) until `shutdown`. `step` answers how
/// many things it changed (logged at INFO when not 0) or an error (logged at WARN, counted as a
/// failed run).
pub fn spawn_every<F, Fut, E>(
    name: &'static str,
    interval: Duration,
    shutdown: Shutdown,
    mut step: F,
) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<u64, E>> + Send,
    E: Display + Send,
{
    let job = Job::new(name, interval);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let stop = shutdown.wait();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                _ = tick.tick() => match step().await {
                    Ok(0) => job.succeeded(),
                    Ok(changed) => {
                        job.succeeded();
                        tracing::info!(job = name, changed, "job ran");
                    }
                    Err(error) => {
                        job.failed();
                        tracing::warn!(job = name, %error, "job run failed; retrying next tick");
                    }
                },
            }
        }
        tracing::debug!(job = name, "job stopped");
    })
}

/// [`spawn_every`] with the interval in seconds as settings give it; `0` means the job does
/// not run in this process (`None`).
pub fn spawn_every_secs<F, Fut, E>(
    name: &'static str,
    secs: u64,
    shutdown: Shutdown,
    step: F,
) -> Option<tokio::task::JoinHandle<()>>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<u64, E>> + Send,
    E: Display + Send,
{
    (secs > 0).then(|| spawn_every(name, Duration::from_secs(secs), shutdown, step))
}
