//! Use case 3: a circuit breaker around a flaky call, kept in a store.
//!
//! `closed`: calls go through; after `THRESHOLD` failures in a row the
//! breaker trips to `open`, where calls are refused without trying. The
//! reset timeout is a durable timer: it survives a restart, and the
//! restarted process's `TimerWorker` fires it, moving the breaker to
//! `half_open`, where one trial call decides: success closes it, failure
//! opens it again.
//!
//! ```sh
//! cargo run --example circuit_breaker
//! ```

use std::time::Duration;

use stateforge::runtime::db::{
    HistoryQuery, StoreError, TransitionMeta,
    blocking::{StopSignal, Store, TimerWorker},
};

/// Failures in a row that trip the breaker.
pub const THRESHOLD: u32 = 3;

stateforge::state_machine! {
    /// A breaker around calls to one tool.
    #[derive(Debug, Clone)]
    pub machine Breaker {
        context: Failures;
        initial state Closed;
        state Open;
        state HalfOpen;

        // One `failure` event decides by its guarded alternatives, tried
        // in order: the failure that reaches the threshold trips the
        // breaker, any other is counted and it stays closed (the else);
        // a failed trial call, half open, opens it again.
        event failure:
            Closed -> Open if reaches_threshold => count_failure,
            Closed -> Closed => count_failure,
            HalfOpen -> Open;
        event success: Closed -> Closed => reset_count, HalfOpen -> Closed => reset_count;
        event reset: Open -> HalfOpen after 200ms;
    }
}

/// Consecutive failures seen while closed.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Failures(pub u32);

fn count_failure(f: &mut Failures, _from: &Closed) {
    f.0 += 1;
}

fn reset_count<S>(f: &mut Failures, _from: &S) {
    f.0 = 0;
}

/// Whether this failure, counted, reaches the threshold.
fn reaches_threshold(f: &Failures, _from: &Closed) -> bool {
    f.0 + 1 >= THRESHOLD
}

/// What a call through the breaker did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The call ran and succeeded.
    Succeeded,
    /// The call ran and failed.
    Failed,
    /// The breaker was open: the call did not run.
    Refused,
}

/// Calls `tool` through breaker `id`, moving the breaker as the result says.
///
/// # Errors
///
/// The store's failures.
pub fn call(store: &Store, id: &str, tool: impl FnOnce() -> bool) -> Result<Outcome, StoreError> {
    let meta = TransitionMeta::new().actor("breaker");
    let state = store.load::<AnyBreaker>(id)?.machine.state();
    if state == BreakerState::Open {
        return Ok(Outcome::Refused);
    }
    if tool() {
        store.fire::<AnyBreaker>(id, BreakerEvent::Success, &meta)?;
        return Ok(Outcome::Succeeded);
    }
    // Closed or half open, the machine's guards decide where it goes.
    store.fire::<AnyBreaker>(id, BreakerEvent::Failure, &meta)?;
    Ok(Outcome::Failed)
}

/// What a run did, for its test.
#[derive(Debug, Default)]
pub struct Report {
    /// Each call's outcome, in order.
    pub outcomes: Vec<Outcome>,
    /// The breaker's state after each step, as printed.
    pub lines: Vec<String>,
    /// The breaker's states as the history records them.
    pub history: Vec<String>,
}

/// Runs the scenario on the store `open` opens, closing it half-way and
/// opening it again, as a restart would.
///
/// # Errors
///
/// The store's failures.
pub fn run(open: impl Fn() -> Result<Store, StoreError>) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let say = |report: &mut Report, line: String| {
        println!("{line}");
        report.lines.push(line);
    };
    {
        let store = open()?;
        store.create(
            "search",
            &AnyBreaker::from(Breaker::new(Failures(0))),
            &TransitionMeta::new(),
        )?;
        // The tool fails four times: the third failure trips the breaker,
        // the fourth call is refused without running.
        for _ in 0..4 {
            let outcome = call(&store, "search", || false)?;
            report.outcomes.push(outcome);
            let state = store.load::<AnyBreaker>("search")?.machine.state();
            say(&mut report, format!("call: {outcome:?}, breaker {state}"));
        }
        let due = store.next_due("breaker")?;
        say(&mut report, format!("reset timer due: {}", due.is_some()));
    } // the process stops here

    // The reset timeout passes while no process runs.
    std::thread::sleep(Duration::from_millis(250));
    let store = open()?; // ...and starts again, with a timer worker beside its calls
    let worker = TimerWorker::new().machine::<AnyBreaker>();
    let stop = StopSignal::new();
    let (fired, state) = std::thread::scope(|s| {
        let running = s.spawn(|| worker.run(&store, &stop));
        let state = wait_while_open(&store, "search");
        stop.stop();
        let fired = running.join().expect("the timer worker does not panic");
        Ok::<_, StoreError>((fired, state?))
    })?;
    say(
        &mut report,
        format!("after restart: {fired} timer fired, breaker {state}"),
    );

    // One trial call decides: it succeeds, and the breaker closes.
    let outcome = call(&store, "search", || true)?;
    report.outcomes.push(outcome);
    let state = store.load::<AnyBreaker>("search")?.machine.state();
    say(
        &mut report,
        format!("trial call: {outcome:?}, breaker {state}"),
    );

    report.history = store
        .history(&HistoryQuery::entity("breaker", "search"))?
        .into_iter()
        .map(|r| format!("{} ({})", r.to, r.event.unwrap_or_default()))
        .collect();
    Ok(report)
}

/// Waits, a few seconds at most, for the timer worker to take breaker `id`
/// out of `open`; its state then.
fn wait_while_open(store: &Store, id: &str) -> Result<BreakerState, StoreError> {
    for _ in 0..500 {
        let state = store.load::<AnyBreaker>(id)?.machine.state();
        if state != BreakerState::Open {
            return Ok(state);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(BreakerState::Open)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SQLite: this example starts over, so it removes its own file first.
    // PostgreSQL (STATEFORGE_PG_URL): tables of this run's own instead.
    let pg = std::env::var("STATEFORGE_PG_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let report = if let Some(url) = pg {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let prefix = stateforge::runtime::db::TablePrefix::new(&format!("breaker_{secs}_"))?;
        run(|| Store::open_with(&url, &prefix))?
    } else {
        let path = "circuit_breaker.db";
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
        run(|| Store::from_env(path))?
    };
    println!("\nsummary:");
    println!("  calls: {:?}", report.outcomes);
    println!("  history: {}", report.history.join(" -> "));
    Ok(())
}
