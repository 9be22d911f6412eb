//! Use case 1: the task lifecycle of an agent dispatcher.
//!
//! A task is assigned to an agent, started, and completed, or it fails
//! (and is retried) or is escalated to a human. The typed API makes wrong
//! moves compile errors; tasks read back from storage in any state go
//! through `AnyTask`, where wrong moves are runtime errors that hand the
//! task back.
//!
//! ```sh
//! cargo run --example task_lifecycle
//! ```

use stateforge::Timestamp;

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

/// Runs the dispatcher's day: typed moves, then moves from stored rows.
pub fn run() -> Report {
    let mut report = Report::default();

    // The typed world: every line here is checked by the compiler.
    let task = Task::new(record("t-1", "write the release notes"));
    let task = task.assign("ada".to_owned());
    report.say(format!(
        "t-1: pending -> assigned (agent {})",
        task.state().agent
    ));
    let task = task.start();
    report.say("t-1: assigned -> in_progress".to_owned());
    // task.assign("bob".into());   // error[E0277]: event `assign` cannot fire in state `InProgress`
    let task = task.complete();
    report.say(format!(
        "t-1: in_progress -> completed (completed_at set: {})",
        task.context().completed_at.is_some()
    ));
    // task.retry();                // error[E0277]: event `retry` cannot fire in state `Completed`
    report
        .finals
        .push(("t-1".to_owned(), AnyTask::from(task).state()));

    // A task that fails and is retried until the guard says no: it then
    // stays failed, with the task handed back intact.
    let mut failed = Task::new(record("t-2", "migrate the database"))
        .assign("bob".to_owned())
        .start()
        .fail("migration timed out".to_owned());
    report.say(format!(
        "t-2: in_progress -> failed ({})",
        failed.state().reason
    ));
    let exhausted = loop {
        match failed.retry() {
            Ok(pending) => {
                report.say(format!(
                    "t-2: failed -> pending (retry {})",
                    pending.context().retries
                ));
                failed = pending
                    .assign("bob".to_owned())
                    .start()
                    .fail("migration timed out again".to_owned());
                report.say("t-2: pending -> assigned -> in_progress -> failed".to_owned());
            }
            Err(rejected) => {
                report.say(format!("t-2: refused: {rejected}"));
                break rejected.into_machine();
            }
        }
    };
    report.say(format!(
        "t-2: stays failed after {} retries ({})",
        exhausted.context().retries,
        exhausted.state().reason
    ));
    report
        .finals
        .push(("t-2".to_owned(), AnyTask::from(exhausted).state()));

    // A task that needs a human.
    let escalated = Task::new(record("t-3", "rotate the production keys"))
        .assign("cy".to_owned())
        .escalate("needs production access".to_owned());
    report.say(format!(
        "t-3: assigned -> escalated ({})",
        escalated.state().reason
    ));
    report
        .finals
        .push(("t-3".to_owned(), AnyTask::from(escalated).state()));

    // The dynamic world: tasks as the dispatcher stores them, in any state.
    let rows = [
        Row {
            id: "t-4",
            status: "pending",
            agent: None,
            event: TaskEvent::Complete,
        },
        Row {
            id: "t-5",
            status: "completed",
            agent: None,
            event: TaskEvent::Retry,
        },
        Row {
            id: "t-6",
            status: "in_progress",
            agent: Some("ada"),
            event: TaskEvent::Complete,
        },
        Row {
            id: "t-7",
            status: "archived",
            agent: None,
            event: TaskEvent::Start,
        },
    ];
    for row in rows {
        let (id, status) = (row.id, row.status);
        let event_name = row.event.name();
        let task = match from_row(&row) {
            Ok(task) => task,
            Err(e) => {
                report.say(format!("{id}: cannot load: {e}"));
                continue;
            }
        };
        match task.fire(row.event) {
            Ok(next) => {
                report.say(format!("{id}: {status} -> {} ({event_name})", next.state()));
                report.finals.push((id.to_owned(), next.state()));
            }
            Err(refused) => {
                report.say(format!("{id}: refused: {refused}"));
                report.finals.push((id.to_owned(), refused.machine.state()));
            }
        }
    }
    report
}

/// A task as the dispatcher's table holds it, with the event to fire.
struct Row {
    id: &'static str,
    status: &'static str,
    agent: Option<&'static str>,
    event: TaskEvent,
}

/// A task rebuilt from its stored status: `restore` is the one way in
/// to a state other than the initial one, and it runs no guard or action.
fn from_row(row: &Row) -> Result<AnyTask, stateforge::ParseStateError> {
    let mut record = record(row.id, "from storage");
    record.agent = row.agent.map(str::to_owned);
    let agent = record.agent.clone().unwrap_or_default();
    let reason = "unknown".to_owned();
    Ok(match row.status.parse::<TaskState>()? {
        TaskState::Pending => Task::new(record).into(),
        TaskState::Assigned => Task::<Assigned>::restore(record, Assigned { agent }).into(),
        TaskState::InProgress => Task::<InProgress>::restore(record, InProgress { agent }).into(),
        TaskState::Completed => Task::<Completed>::restore(record, Completed).into(),
        TaskState::Failed => Task::<Failed>::restore(record, Failed { reason }).into(),
        TaskState::Escalated => Task::<Escalated>::restore(record, Escalated { reason }).into(),
    })
}

fn main() {
    let report = run();
    println!("\nsummary:");
    for (id, state) in &report.finals {
        println!("  {id}: {state}");
    }
}
