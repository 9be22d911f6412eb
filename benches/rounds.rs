//! Rounds in alternation for the async throughput benchmarks
//! (`async_pg.rs`, `task_service.rs`): ours, then the hand-written
//! variant, then ours again..., so that both sides of a ratio see the same
//! load from the rest of the machine, which on a shared machine moves
//! more between runs than the variants differ.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long and how often each variant runs, from the command line
/// (`-- --rounds 5 --secs 3 --warmup 1`; other arguments, such as the
/// `--bench` cargo passes, are ignored).
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) rounds: usize,
    pub(crate) secs: f64,
    pub(crate) warmup: f64,
}

impl Settings {
    pub(crate) fn from_args() -> Settings {
        let mut settings = Settings {
            rounds: 5,
            secs: 3.0,
            warmup: 1.0,
        };
        let args: Vec<String> = std::env::args().collect();
        for pair in args.windows(2) {
            let value = || {
                pair[1]
                    .parse::<f64>()
                    .unwrap_or_else(|_| panic!("{} takes a number", pair[0]))
            };
            match pair[0].as_str() {
                "--rounds" => settings.rounds = value() as usize,
                "--secs" => settings.secs = value(),
                "--warmup" => settings.warmup = value(),
                _ => {}
            }
        }
        settings
    }

    pub(crate) fn measure(&self) -> Duration {
        Duration::from_secs_f64(self.secs)
    }

    pub(crate) fn warm_up(&self) -> Duration {
        Duration::from_secs_f64(self.warmup)
    }
}

/// Runs `tasks` tokio tasks, each calling `op(task)` in a loop until
/// `length` has passed; operations per second, over the time from the
/// start to the last task's last operation done (each task finishes the
/// operation it is in, so none is cut off and none is counted twice).
pub(crate) async fn throughput<F, Fut>(tasks: usize, length: Duration, op: F) -> f64
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let op = Arc::new(op);
    let start = Instant::now();
    let deadline = start + length;
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let op = Arc::clone(&op);
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < deadline {
                    op(task).await;
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for handle in handles {
        total += handle.await.expect("a benchmark task panicked");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The throughputs of one case's rounds, both sides.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) ours: Vec<f64>,
    pub(crate) hand: Vec<f64>,
}

impl Tally {
    /// Prints one round as it ends, so that a long run shows progress.
    pub(crate) fn round(&mut self, case: &str, ours: f64, hand: f64) {
        println!(
            "round {} | {case} | ours {ours:.0}/s | hand {hand:.0}/s | ours/hand {:.2}",
            self.ours.len() + 1,
            ours / hand
        );
        self.ours.push(ours);
        self.hand.push(hand);
    }

    /// The medians of the rounds, their ratio, and the range of the
    /// per-round ratios.
    pub(crate) fn summary(&self, case: &str) {
        let (ours, hand) = (median(&self.ours), median(&self.hand));
        let ratios: Vec<f64> = self
            .ours
            .iter()
            .zip(&self.hand)
            .map(|(o, h)| o / h)
            .collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "SUMMARY {case} | ours {ours:.0}/s | hand {hand:.0}/s | ours/hand {:.2} \
             (rounds {low:.2} to {high:.2}, {} rounds)",
            ours / hand,
            ratios.len()
        );
    }
}

/// The PostgreSQL URL of the run, or `None` (the bench then says it was
/// skipped).
pub(crate) fn pg_url(bench: &str) -> Option<String> {
    match std::env::var("STATEFORGE_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            println!("{bench}: STATEFORGE_PG_URL is not set; skipped");
            None
        }
    }
}
