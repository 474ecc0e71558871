//! gRPC alone: a closed-loop tonic client (N tasks over one HTTP/2 channel, as the gateway
//! holds one per service) calling one read RPC for a while, with every latency recorded in
//! an HDR histogram. Prints one JSON object: count, errors, rps, p50/p90/p99/p99.9/max (µs).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::ValueEnum;
use glocal_proto::requests::v1 as rq;
use glocal_proto::research::v1 as rs;
use hdrhistogram::Histogram;
use tonic::transport::Channel;

/// Arguments of `grpc-load`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// gRPC URL of the service that serves `call`.
    #[arg(long)]
    url: String,
    /// Which read RPC.
    #[arg(long, value_enum)]
    call: Call,
    /// Calls in flight.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds of load.
    #[arg(long, default_value_t = 5.0)]
    duration: f64,
    /// Seconds of warm-up first (not recorded).
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
}

/// The RPCs `grpc-load` can drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Call {
    /// research `GetPractice` of the newest published practice.
    GetPractice,
    /// requests `BatchGetLocalGovernments` of three codes.
    BatchGetLocalGovernments,
}

const TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
enum Target {
    Practice(
        rs::research_service_client::ResearchServiceClient<Channel>,
        String,
    ),
    LocalGovernments(rq::requests_service_client::RequestsServiceClient<Channel>),
}

impl Target {
    async fn call(&mut self) -> Result<(), tonic::Status> {
        match self {
            Target::Practice(client, id) => {
                let message = rs::GetPracticeRequest {
                    id: id.clone(),
                    version: 0,
                };
                client
                    .get_practice(crate::grpc::request(message, None, TIMEOUT))
                    .await?;
            }
            Target::LocalGovernments(client) => {
                let message = rq::BatchGetLocalGovernmentsRequest {
                    codes: vec!["11000".into(), "26000".into(), "50000".into()],
                };
                client
                    .batch_get_local_governments(crate::grpc::request(message, None, TIMEOUT))
                    .await?;
            }
        }
        Ok(())
    }
}

/// Runs the load and prints the JSON summary.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let channel = crate::grpc::channel(&args.url)?;
    let target = match args.call {
        Call::GetPractice => {
            let mut client = rs::research_service_client::ResearchServiceClient::new(channel);
            let page = client
                .search_practices(crate::grpc::request(
                    rs::SearchPracticesRequest {
                        page: Some(glocal_proto::common::v1::PageRequest {
                            first: 1,
                            after: String::new(),
                        }),
                        ..Default::default()
                    },
                    None,
                    TIMEOUT,
                ))
                .await
                .context("SearchPractices")?
                .into_inner();
            let id = page
                .practices
                .first()
                .map(|p| p.id.clone())
                .context("no published practice: seed first")?;
            Target::Practice(client, id)
        }
        Call::BatchGetLocalGovernments => Target::LocalGovernments(
            rq::requests_service_client::RequestsServiceClient::new(channel),
        ),
    };
    target.clone().call().await.context("first call")?;

    let warmup = Duration::from_secs_f64(args.warmup);
    let duration = Duration::from_secs_f64(args.duration);
    let start = Instant::now();
    let measure_from = start + warmup;
    let end = measure_from + duration;
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency.max(1) {
        let mut target = target.clone();
        let errors = errors.clone();
        tasks.push(tokio::spawn(async move {
            let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
            loop {
                let t0 = Instant::now();
                if t0 >= end {
                    break;
                }
                let ok = target.call().await.is_ok();
                if t0 >= measure_from {
                    if ok {
                        let micros = u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX);
                        histogram.saturating_record(micros.max(1));
                    } else {
                        errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            }
            anyhow::Ok(histogram)
        }));
    }
    let mut total = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    for task in tasks {
        total.add(task.await??)?;
    }
    let errors = errors.load(std::sync::atomic::Ordering::Relaxed);
    if total.is_empty() {
        bail!("no successful call");
    }
    #[allow(clippy::cast_precision_loss)]
    let rps = total.len() as f64 / duration.as_secs_f64();
    let summary = serde_json::json!({
        "call": format!("{:?}", args.call),
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "count": total.len(),
        "errors": errors,
        "rps": rps,
        "p50_us": total.value_at_quantile(0.50),
        "p90_us": total.value_at_quantile(0.90),
        "p99_us": total.value_at_quantile(0.99),
        "p999_us": total.value_at_quantile(0.999),
        "max_us": total.max(),
    });
    println!("{summary}");
    if errors > 0 {
        bail!("{errors} calls failed");
    }
    Ok(())
}
