//! Use case 3: a platform of cooperating machines in one store.
//!
//! A run executes tasks; a task waits on its dependencies and on a test
//! gate, and retries; patches pass validation, may be quarantined, applied
//! or rolled back, and two workers applying the same patch never both win;
//! workers send heartbeats, and a missed one is a durable timer that marks
//! the worker unhealthy. Every transition of every machine lands in one
//! audit trail (the store's history), and a listener counts them.
//!
//! ```sh
//! cargo run --example platform
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stateforge::runtime::db::{HistoryQuery, StoreError, TransitionMeta, blocking::Store};
use stateforge::runtime::{Listeners, Timestamp};

/// A run of the platform: 5 states.
pub mod run {
    stateforge::state_machine! {
        /// One run of the platform.
        #[derive(Debug, Clone)]
        pub machine Run {
            initial state Pending;
            state Running;
            final state Succeeded;
            final state Failed;
            final state Cancelled;

            event start: Pending -> Running;
            event succeed: Running -> Succeeded;
            event fail: Running -> Failed;
            event cancel: Pending | Running -> Cancelled;
        }
    }
}

/// A task: 9 states, 11 events; waits on dependencies and a test gate.
pub mod task {
    stateforge::state_machine! {
        /// A unit of work with dependencies, a test gate and retries.
        #[derive(Debug, Clone)]
        pub machine Task {
            context: Attempts;
            initial state Pending;
            state Blocked;
            state Ready;
            state Running;
            state AwaitingGate;
            state Retrying;
            final state Done;
            final state Failed;
            final state Cancelled;

            event block: Pending -> Blocked;
            event ready: Pending -> Ready;
            event unblock: Blocked -> Ready;
            event start: Ready -> Running => count_attempt;
            event submit: Running -> AwaitingGate;
            event pass: AwaitingGate -> Done;
            event reject: AwaitingGate -> Retrying;
            event crash: Running -> Retrying;
            event retry: Retrying -> Ready if attempts_left;
            event give_up: Retrying -> Failed;
            event cancel: Pending | Blocked | Ready -> Cancelled;
        }
    }

    /// How many times the task ran, and how many it may.
    #[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
    pub struct Attempts {
        /// Runs so far.
        pub used: u32,
        /// Runs allowed.
        pub allowed: u32,
    }

    fn count_attempt(a: &mut Attempts, _from: &Ready) {
        a.used += 1;
    }

    fn attempts_left(a: &Attempts, _from: &Retrying) -> bool {
        a.used < a.allowed
    }
}

/// The patch ledger: 10 states, 12 events.
pub mod patch {
    stateforge::state_machine! {
        /// A patch on its way into the code base.
        #[derive(Debug, Clone)]
        pub machine Patch {
            initial state Proposed;
            state Validating;
            state Valid;
            state Invalid;
            state Quarantined;
            state Applying;
            final state Applied;
            state RollingBack;
            final state RolledBack;
            final state Rejected;

            event validate: Proposed -> Validating;
            event pass_validation: Validating -> Valid;
            event fail_validation: Validating -> Invalid;
            event revise: Invalid -> Proposed;
            event quarantine: Validating | Valid -> Quarantined;
            event release: Quarantined -> Valid;
            event reject: Quarantined -> Rejected;
            event apply: Valid -> Applying;
            event applied: Applying -> Applied;
            event apply_failed: Applying -> RollingBack;
            event rolled_back: RollingBack -> RolledBack;
            event abandon: Invalid -> Rejected;
        }
    }
}

/// Workers: a missed heartbeat is a durable timer.
pub mod worker {
    stateforge::state_machine! {
        /// A worker that must send heartbeats.
        #[derive(Debug, Clone)]
        pub machine Worker {
            initial state Idle;
            state Busy;
            state Unhealthy;
            final state Retired;

            event heartbeat: Idle -> Idle, Busy -> Busy;
            event take: Idle -> Busy;
            event release: Busy -> Idle;
            event miss: Idle | Busy -> Unhealthy after 1s;
            event recover: Unhealthy -> Idle;
            event retire: Idle | Unhealthy -> Retired;
        }
    }
}

use patch::{AnyPatch, Patch, PatchEvent};
use run::{AnyRun, Run, RunEvent};
use task::{AnyTask, Attempts, Task, TaskEvent};
use worker::{AnyWorker, Worker, WorkerEvent};

/// Transitions counted per (machine, event) by an after-listener.
pub type Metrics = Arc<Mutex<BTreeMap<String, u32>>>;

fn counting<M: stateforge::Machine>(metrics: &Metrics) -> Listeners<M> {
    let mut listeners = Listeners::new();
    let metrics = Arc::clone(metrics);
    listeners.after("metrics", move |t, _| {
        let key = format!("{}.{}", t.machine, t.event);
        *metrics
            .lock()
            .map_err(|_| "metrics poisoned")?
            .entry(key)
            .or_insert(0) += 1;
        Ok(())
    });
    listeners
}

/// What a run did, for its test.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per step, as printed.
    pub lines: Vec<String>,
    /// Final states by entity.
    pub finals: BTreeMap<String, String>,
    /// Audit records per machine.
    pub audit: BTreeMap<String, usize>,
    /// Transitions per (machine, event), counted by the listener.
    pub metrics: BTreeMap<String, u32>,
    /// How many concurrent applies were refused by optimistic locking.
    pub conflicts: usize,
}

impl Report {
    fn say(&mut self, line: String) {
        println!("{line}");
        self.lines.push(line);
    }
}

/// Runs a day of the platform against `store`.
///
/// # Errors
///
/// The store's failures; refusals are part of the day.
pub fn run(store: &Store) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let metrics = Metrics::default();
    let meta = || TransitionMeta::new().session("platform").actor("scheduler");
    let (runs, tasks, patches, workers) = (
        counting::<AnyRun>(&metrics),
        counting::<AnyTask>(&metrics),
        counting::<AnyPatch>(&metrics),
        counting::<AnyWorker>(&metrics),
    );

    // Workers register; their heartbeat timers start.
    for id in ["w-1", "w-2"] {
        store.create(id, &AnyWorker::from(Worker::new()), &meta())?;
    }

    store.create("r-1", &AnyRun::from(Run::new()), &meta())?;
    store.fire_with(&runs, "r-1", RunEvent::Start, &meta())?;
    report.say("r-1: pending -> running".to_owned());

    // Task b depends on task a: it waits, blocked, until a is done.
    let attempts = Attempts {
        used: 0,
        allowed: 2,
    };
    for id in ["t-a", "t-b"] {
        store.create(id, &AnyTask::from(Task::new(attempts)), &meta())?;
    }
    store.fire_with(&tasks, "t-a", TaskEvent::Ready, &meta())?;
    store.fire_with(&tasks, "t-b", TaskEvent::Block, &meta())?;
    report.say("t-b: pending -> blocked (waits on t-a)".to_owned());
    for e in [TaskEvent::Start, TaskEvent::Submit, TaskEvent::Pass] {
        store.fire_with(&tasks, "t-a", e, &meta())?;
    }
    report.say("t-a: ready -> running -> awaiting_gate -> done".to_owned());
    store.fire_with(&tasks, "t-b", TaskEvent::Unblock, &meta())?;
    report.say("t-b: blocked -> ready (t-a is done)".to_owned());
    // b crashes, retries, is rejected by its gate, and has no runs left.
    for e in [
        TaskEvent::Start,
        TaskEvent::Crash,
        TaskEvent::Retry,
        TaskEvent::Start,
        TaskEvent::Submit,
        TaskEvent::Reject,
    ] {
        store.fire_with(&tasks, "t-b", e, &meta())?;
    }
    report.say("t-b: ran twice: crashed, then rejected by its gate".to_owned());
    match store.fire_with(&tasks, "t-b", TaskEvent::Retry, &meta()) {
        Err(why @ (StoreError::NotAllowed { .. } | StoreError::GuardRefused { .. })) => {
            report.say(format!("t-b: refused: {why}"))
        }
        Err(other) => return Err(other),
        Ok(_) => report.say("t-b: retried a third time (it should not)".to_owned()),
    }
    store.fire_with(&tasks, "t-b", TaskEvent::GiveUp, &meta())?;
    report.say("t-b: retrying -> failed".to_owned());

    // Patches: one applied, one quarantined then rolled back.
    for id in ["p-1", "p-2", "p-3"] {
        store.create(id, &AnyPatch::from(Patch::new()), &meta())?;
    }
    for e in [
        PatchEvent::Validate,
        PatchEvent::PassValidation,
        PatchEvent::Apply,
        PatchEvent::Applied,
    ] {
        store.fire_with(&patches, "p-1", e, &meta())?;
    }
    report.say("p-1: proposed -> validating -> valid -> applying -> applied".to_owned());
    for e in [
        PatchEvent::Validate,
        PatchEvent::Quarantine,
        PatchEvent::Release,
        PatchEvent::Apply,
        PatchEvent::ApplyFailed,
        PatchEvent::RolledBack,
    ] {
        store.fire_with(&patches, "p-2", e, &meta())?;
    }
    report.say("p-2: quarantined, released, failed to apply, rolled back".to_owned());

    // Two workers read p-3 at the same version and both try to apply it.
    for e in [PatchEvent::Validate, PatchEvent::PassValidation] {
        store.fire_with(&patches, "p-3", e, &meta())?;
    }
    let seen: Vec<_> = (0..2)
        .map(|_| store.load::<AnyPatch>("p-3"))
        .collect::<Result<_, _>>()?;
    for (worker, loaded) in ["w-1", "w-2"].into_iter().zip(seen) {
        let AnyPatch::Valid(patch) = loaded.machine else {
            unreachable!("p-3 was just validated")
        };
        let applying = AnyPatch::from(patch.apply());
        match store.save(
            "p-3",
            loaded.version,
            "apply",
            &applying,
            &meta().actor(worker),
        ) {
            Ok(_) => report.say(format!("p-3: valid -> applying by {worker}")),
            Err(StoreError::Conflict { current, .. }) => {
                report.conflicts += 1;
                report.say(format!(
                    "p-3: {worker} lost the race (version is now {current})"
                ));
            }
            Err(other) => return Err(other),
        }
    }
    store.fire_with(&patches, "p-3", PatchEvent::Applied, &meta())?;

    // Heartbeats: w-1 keeps sending them, w-2 has gone quiet.
    std::thread::sleep(Duration::from_millis(600));
    store.fire_with(&workers, "w-1", WorkerEvent::Heartbeat, &meta())?;
    let fired = store.fire_due::<AnyWorker>(Timestamp::now() + Duration::from_millis(500), 10)?;
    report.say(format!("workers: {fired} missed heartbeat fired"));

    store.fire_with(&runs, "r-1", RunEvent::Succeed, &meta())?;
    report.say("r-1: running -> succeeded".to_owned());

    let finals = [
        (
            "r-1",
            store.load::<AnyRun>("r-1")?.machine.state().to_string(),
        ),
        (
            "t-a",
            store.load::<AnyTask>("t-a")?.machine.state().to_string(),
        ),
        (
            "t-b",
            store.load::<AnyTask>("t-b")?.machine.state().to_string(),
        ),
        (
            "p-1",
            store.load::<AnyPatch>("p-1")?.machine.state().to_string(),
        ),
        (
            "p-2",
            store.load::<AnyPatch>("p-2")?.machine.state().to_string(),
        ),
        (
            "p-3",
            store.load::<AnyPatch>("p-3")?.machine.state().to_string(),
        ),
        (
            "w-1",
            store.load::<AnyWorker>("w-1")?.machine.state().to_string(),
        ),
        (
            "w-2",
            store.load::<AnyWorker>("w-2")?.machine.state().to_string(),
        ),
    ];
    report.finals = finals.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();

    // One audit trail over every machine.
    for record in store.history(&HistoryQuery::session("platform").limit(10_000))? {
        *report.audit.entry(record.machine).or_insert(0) += 1;
    }
    report.metrics = metrics.lock().map(|m| m.clone()).unwrap_or_default();
    Ok(report)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = "platform.db";
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let store = Store::open(path)?;
    let report = run(&store)?;
    println!("\nfinal states:");
    for (id, state) in &report.finals {
        println!("  {id}: {state}");
    }
    println!("\naudit trail (records per machine):");
    for (machine, n) in &report.audit {
        println!("  {machine}: {n}");
    }
    println!("\nmetrics (transitions per machine.event):");
    for (key, n) in &report.metrics {
        println!("  {key}: {n}");
    }
    Ok(())
}
