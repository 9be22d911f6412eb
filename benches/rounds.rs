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

/// What one variant did in one round.
#[derive(Clone, Copy)]
pub(crate) struct Measured {
    /// Operations per second.
    pub(crate) rate: f64,
    /// CPU time of this whole process per operation, in µs (`None` where
    /// `/proc/self/stat` cannot be read): both sides of a ratio run in
    /// the same process with the same clients, so the difference is what
    /// the variant itself spends, the database server aside.
    pub(crate) cpu_us: Option<f64>,
}

/// This process's user + system CPU time so far, from `/proc/self/stat`
/// (Linux only).
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name, in parentheses, may hold spaces: the fields are
    // counted from after it (`state` is field 3, `utime` 14, `stime` 15).
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    // Clock ticks: 100 a second on every Linux this runs on (no libc
    // here to ask `sysconf`).
    Some(Duration::from_millis((user + system) * 10))
}

/// Runs `tasks` tokio tasks, each calling `op(task)` in a loop until
/// `length` has passed; operations per second, over the time from the
/// start to the last task's last operation done (each task finishes the
/// operation it is in, so none is cut off and none is counted twice).
pub(crate) async fn throughput<F, Fut>(tasks: usize, length: Duration, op: F) -> Measured
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let op = Arc::new(op);
    let cpu_before = process_cpu();
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
    let elapsed = start.elapsed();
    let cpu = process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    Measured {
        rate: total as f64 / elapsed.as_secs_f64(),
        cpu_us: cpu.map(|cpu| cpu.as_secs_f64() * 1e6 / total.max(1) as f64),
    }
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

/// What one case's rounds measured, both sides.
#[derive(Default)]
pub(crate) struct Tally {
    ours: Vec<Measured>,
    hand: Vec<Measured>,
}

/// A CPU time per operation for printing.
fn cpu(us: Option<f64>) -> String {
    us.map_or_else(|| "n/a".to_owned(), |us| format!("{us:.0} µs"))
}

impl Tally {
    /// Prints one round as it ends, so that a long run shows progress.
    pub(crate) fn round(&mut self, case: &str, ours: Measured, hand: Measured) {
        println!(
            "round {} | {case} | ours {:.0}/s | hand {:.0}/s | ours/hand {:.2} | CPU per op ours {} hand {}",
            self.ours.len() + 1,
            ours.rate,
            hand.rate,
            ours.rate / hand.rate,
            cpu(ours.cpu_us),
            cpu(hand.cpu_us),
        );
        self.ours.push(ours);
        self.hand.push(hand);
    }

    /// The medians of the rounds, their ratio, the range of the
    /// per-round ratios, and the medians of the CPU time per operation.
    pub(crate) fn summary(&self, case: &str) {
        let rates = |m: &[Measured]| median(&m.iter().map(|m| m.rate).collect::<Vec<_>>());
        let cpus = |m: &[Measured]| {
            let us: Option<Vec<f64>> = m.iter().map(|m| m.cpu_us).collect();
            us.map(|us| median(&us))
        };
        let (ours, hand) = (rates(&self.ours), rates(&self.hand));
        let ratios: Vec<f64> = self
            .ours
            .iter()
            .zip(&self.hand)
            .map(|(o, h)| o.rate / h.rate)
            .collect();
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        println!(
            "SUMMARY {case} | ours {ours:.0}/s | hand {hand:.0}/s | ours/hand {:.2} \
             (rounds {low:.2} to {high:.2}, {} rounds) | CPU per op ours {} hand {}",
            ours / hand,
            ratios.len(),
            cpu(cpus(&self.ours)),
            cpu(cpus(&self.hand)),
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
