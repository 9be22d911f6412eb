//! Use case 1: the task lifecycle of an agent dispatcher, kept in SQLite.
//!
//! A task is assigned to an agent, started, and completed, or it fails
//! (and is retried) or is escalated to a human. The typed API makes wrong
//! moves compile errors; tasks loaded from the database in any state go
//! through `AnyTask`, where wrong moves are runtime errors that hand the
//! task back. Every move leaves a history row that nobody wrote by hand.
//!
//! ```sh
//! cargo run --example task_lifecycle            # writes task_lifecycle.db
//! cargo run --example task_lifecycle -- my.db   # or another file
//! ```

use stateforge::Timestamp;
use stateforge::runtime::db::{
    HistoryQuery, StoreError, TablePrefix, TransitionMeta, blocking::Store,
};

stateforge::state_machine! {
    /// Lifecycle of a task handed to an agent.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Task {
        context: TaskRecord;
        initial state Pending;
        state Assigned { agent: String }
        state InProgress { agent: String }
        final state Completed;
        state Failed { reason: String }
        final state Escalated { reason: String }

        event assign(agent: String): Pending -> Assigned => record_agent;
        event start: Assigned -> InProgress;
        event complete: InProgress -> Completed => stamp_completion;
        event fail(reason: String): Assigned | InProgress -> Failed;
        event escalate(reason: String): Assigned | InProgress -> Escalated;
        event retry: Failed -> Pending if can_retry => clear_assignment;
    }
}

/// The task's own record: the dispatcher's row, carried through every state.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TaskRecord {
    /// The task's id.
    pub id: String,
    /// What to do.
    pub title: String,
    /// The agent it is assigned to, if any.
    pub agent: Option<String>,
    /// When it was completed.
    pub completed_at: Option<Timestamp>,
    /// How many times it was retried.
    pub retries: u32,
}

/// A task is retried at most this many times, then it stays failed.
pub const MAX_RETRIES: u32 = 2;

fn record_agent(task: &mut TaskRecord, _from: &Pending, agent: &str) {
    task.agent = Some(agent.to_owned());
}

fn stamp_completion(task: &mut TaskRecord, _from: &InProgress) {
    task.completed_at = Some(Timestamp::now());
}

fn can_retry(task: &TaskRecord, _from: &Failed) -> bool {
    task.retries < MAX_RETRIES
}

fn clear_assignment(task: &mut TaskRecord, _from: &Failed) {
    task.retries += 1;
    task.agent = None;
    task.completed_at = None;
}

/// What one run of the example did, for its test to check.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per transition or refusal, as printed.
    pub lines: Vec<String>,
    /// The final state of each task, by id.
    pub finals: Vec<(String, TaskState)>,
}

impl Report {
    fn say(&mut self, line: String) {
        println!("{line}");
        self.lines.push(line);
    }
}

fn record(id: &str, title: &str) -> TaskRecord {
    TaskRecord {
        id: id.to_owned(),
        title: title.to_owned(),
        ..TaskRecord::default()
    }
}

fn by(actor: &str) -> TransitionMeta {
    TransitionMeta::new().actor(actor).session("dispatcher")
}

/// Runs the dispatcher's day against `store`.
///
/// # Errors
///
/// Only the store's own failures: refusals are part of the day and are
/// reported in the [`Report`].
pub fn run(store: &Store) -> Result<Report, StoreError> {
    let mut report = Report::default();

    // Typed code stays typed: load, match the state, move with methods the
    // compiler checks, save with the version that was read.
    store.create(
        "t-1",
        &AnyTask::from(Task::new(record("t-1", "write the release notes"))),
        &by("api"),
    )?;
    let loaded = store.load::<AnyTask>("t-1")?;
    let AnyTask::Pending(task) = loaded.machine else {
        unreachable!("t-1 was just created")
    };
    let task = task.assign("ada".to_owned());
    // task.complete();   // error[E0277]: event `complete` cannot fire in state `Assigned`
    let version = store.save(
        "t-1",
        loaded.version,
        "assign",
        &AnyTask::from(task.clone()),
        &by("ada"),
    )?;
    report.say(format!(
        "t-1: pending -> assigned (agent {})",
        task.state().agent
    ));
    let task = task.start();
    let version = store.save(
        "t-1",
        version,
        "start",
        &AnyTask::from(task.clone()),
        &by("ada"),
    )?;
    report.say("t-1: assigned -> in_progress".to_owned());
    let task = task.complete();
    // task.retry();      // error[E0277]: event `retry` cannot fire in state `Completed`
    store.save(
        "t-1",
        version,
        "complete",
        &AnyTask::from(task.clone()),
        &by("ada").reason("notes merged"),
    )?;
    report.say(format!(
        "t-1: in_progress -> completed (completed_at set: {})",
        task.context().completed_at.is_some()
    ));

    // Firing by value: a task fails and is retried until the guard says
    // no; it then stays failed, handed back intact.
    store.create(
        "t-2",
        &AnyTask::from(Task::new(record("t-2", "migrate the database"))),
        &by("api"),
    )?;
    for event in [
        TaskEvent::Assign {
            agent: "bob".into(),
        },
        TaskEvent::Start,
    ] {
        store.fire::<AnyTask>("t-2", event, &by("bob"))?;
    }
    let fail = || TaskEvent::Fail {
        reason: "migration timed out".into(),
    };
    store.fire::<AnyTask>("t-2", fail(), &by("bob").reason("timeout after 30 min"))?;
    report.say("t-2: pending -> assigned -> in_progress -> failed".to_owned());
    loop {
        match store.fire::<AnyTask>("t-2", TaskEvent::Retry, &by("scheduler")) {
            Ok(task) => {
                report.say(format!(
                    "t-2: failed -> pending (retry {})",
                    task.machine.context().retries
                ));
                for event in [
                    TaskEvent::Assign {
                        agent: "bob".into(),
                    },
                    TaskEvent::Start,
                    fail(),
                ] {
                    store.fire::<AnyTask>("t-2", event, &by("bob"))?;
                }
                report.say("t-2: pending -> assigned -> in_progress -> failed".to_owned());
            }
            Err(why @ (StoreError::NotAllowed { .. } | StoreError::GuardRefused { .. })) => {
                report.say(format!("t-2: refused: {why}"));
                break;
            }
            Err(other) => return Err(other),
        }
    }

    // A task that needs a human.
    store.create(
        "t-3",
        &AnyTask::from(Task::new(record("t-3", "rotate the production keys"))),
        &by("api"),
    )?;
    store.fire::<AnyTask>("t-3", TaskEvent::Assign { agent: "cy".into() }, &by("cy"))?;
    store.fire::<AnyTask>(
        "t-3",
        TaskEvent::Escalate {
            reason: "needs production access".into(),
        },
        &by("cy").reason("no access"),
    )?;
    report.say("t-3: assigned -> escalated (needs production access)".to_owned());

    // Moves the use case forbids, refused at run time with the task handed back.
    store.create(
        "t-4",
        &AnyTask::from(Task::new(record("t-4", "triage"))),
        &by("api"),
    )?;
    let forbidden = [
        ("t-4", TaskEvent::Complete),
        ("t-4", TaskEvent::Start),
        ("t-1", TaskEvent::Retry),
        ("t-3", TaskEvent::Fail { reason: "x".into() }),
    ];
    for (id, event) in forbidden {
        if let Err(e) = store.fire::<AnyTask>(id, event, &by("ops")) {
            report.say(format!("{id}: refused: {e}"));
        }
    }
    // Another session may not move the dispatcher's tasks.
    let intruder = TransitionMeta::new().session("someone-else");
    if let Err(e) = store.fire::<AnyTask>(
        "t-4",
        TaskEvent::Assign {
            agent: "eve".into(),
        },
        &intruder,
    ) {
        report.say(format!("t-4: refused: {e}"));
    }

    for id in ["t-1", "t-2", "t-3", "t-4"] {
        report
            .finals
            .push((id.to_owned(), store.load::<AnyTask>(id)?.machine.state()));
    }
    Ok(report)
}

/// The history of each task, as the database has it.
fn print_history(store: &Store) -> Result<(), StoreError> {
    for id in ["t-1", "t-2", "t-3", "t-4"] {
        println!("\nhistory of {id}:");
        for r in store.history(&HistoryQuery::entity("task", id))? {
            println!(
                "  v{:<2} {} {:>11} -> {:<11} {:<9} by {:<9} {}",
                r.version,
                r.at,
                r.from.as_deref().unwrap_or("(created)"),
                r.to,
                r.event.as_deref().unwrap_or(""),
                r.actor.as_deref().unwrap_or("-"),
                r.reason.as_deref().unwrap_or(""),
            );
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let store = match std::env::var("STATEFORGE_PG_URL") {
        // On a shared server each run gets its own tables, so the history
        // shown is this run's.
        Ok(url) if !url.is_empty() => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let prefix = TablePrefix::new(&format!("task_lifecycle_{secs}_"))?;
            println!("tasks kept in PostgreSQL, tables {}sf_*\n", prefix.as_str());
            Store::open_with(&url, &prefix)?
        }
        _ => {
            let path = std::env::args()
                .nth(1)
                .unwrap_or_else(|| "task_lifecycle.db".to_owned());
            // A fresh database each run, so the history shown is this run's.
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            println!("tasks kept in {path}\n");
            Store::open(&path)?
        }
    };
    let report = run(&store)?;
    print_history(&store)?;
    println!("\nsummary:");
    for (id, state) in &report.finals {
        println!("  {id}: {state}");
    }
    Ok(())
}
