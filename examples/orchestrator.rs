//! Use case 4: a development orchestrator whose state survives restarts.
//!
//! `idle -> phase_1 -> phase_2 -> gate_1 -> done`: phase 1 sets up an
//! issue, a branch and a worktree; phase 2 dispatches an agent through a
//! pluggable [`Runner`]; the gate waits for a human approval; labels on the
//! tracker mirror the state. The first run stops at the gate; a run given
//! an approver continues from there and finishes.
//!
//! ```sh
//! cargo run --example orchestrator            # stops at the gate
//! cargo run --example orchestrator -- --approve      # as ada
//! cargo run --example orchestrator -- --approve grace
//! ```

use std::sync::{Arc, Mutex};

use stateforge::runtime::Listeners;
use stateforge::runtime::db::{StoreError, TransitionMeta, blocking::Store};

stateforge::state_machine! {
    /// One piece of work, from an idea to a merged change.
    #[derive(Debug, Clone)]
    pub machine Orchestration {
        context: Work;
        initial state Idle;
        state Phase1;
        state Phase2;
        state Gate1;
        final state Done;

        event begin(issue: String): Idle -> Phase1 => set_up;
        event dispatch(output: String): Phase1 -> Phase2 => keep_output;
        event submit: Phase2 -> Gate1;
        event approve(by: String): Gate1 -> Done if is_maintainer => record_approval;
        event request_changes: Gate1 -> Phase2;
    }
}

/// What the orchestrator knows about the work.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Work {
    /// The tracker issue.
    pub issue: Option<String>,
    /// The branch the work happens on.
    pub branch: Option<String>,
    /// The worktree the agent works in.
    pub worktree: Option<String>,
    /// What the agent produced.
    pub output: Option<String>,
    /// Who approved the result.
    pub approved_by: Option<String>,
}

/// People allowed to approve at the gate.
pub const MAINTAINERS: [&str; 2] = ["ada", "grace"];

fn set_up(work: &mut Work, _from: &Idle, issue: &str) {
    work.issue = Some(issue.to_owned());
    work.branch = Some(format!("work/{issue}"));
    work.worktree = Some(format!("/tmp/worktrees/{issue}"));
}

fn keep_output(work: &mut Work, _from: &Phase1, output: &str) {
    work.output = Some(output.to_owned());
}

fn is_maintainer(_work: &Work, _from: &Gate1, by: &str) -> bool {
    MAINTAINERS.contains(&by)
}

fn record_approval(work: &mut Work, _from: &Gate1, by: &str) {
    work.approved_by = Some(by.to_owned());
}

/// Runs an agent on a task; pluggable so tests need no real agent.
pub trait Runner {
    /// Runs the task, returning what the agent produced.
    ///
    /// # Errors
    ///
    /// What went wrong, in words.
    fn run(&self, task: &str) -> Result<String, String>;
}

/// Runs a real command, with the task as its last argument.
#[derive(Debug)]
pub struct CommandRunner {
    /// The program.
    pub program: String,
    /// Its arguments before the task.
    pub args: Vec<String>,
}

impl Runner for CommandRunner {
    fn run(&self, task: &str) -> Result<String, String> {
        let out = std::process::Command::new(&self.program)
            .args(&self.args)
            .arg(task)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.program))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }
}

/// Answers from a script, for tests.
#[derive(Debug)]
pub struct ScriptedRunner(pub String);

impl Runner for ScriptedRunner {
    fn run(&self, _task: &str) -> Result<String, String> {
        Ok(self.0.clone())
    }
}

/// An issue tracker whose labels mirror the work's state; pluggable, as a
/// real one (GitHub, Linear...) would be.
pub trait Tracker: Send + Sync {
    /// Sets the state label of `issue`, replacing the previous one.
    fn set_label(&self, issue: &str, label: &str);
    /// The label of `issue`.
    fn label(&self, issue: &str) -> Option<String>;
}

/// A tracker kept in memory, for the example and its tests.
#[derive(Debug, Default)]
pub struct MemoryTracker {
    labels: Mutex<Vec<(String, String)>>,
}

impl Tracker for MemoryTracker {
    fn set_label(&self, issue: &str, label: &str) {
        if let Ok(mut labels) = self.labels.lock() {
            labels.retain(|(i, _)| i != issue);
            labels.push((issue.to_owned(), label.to_owned()));
        }
    }

    fn label(&self, issue: &str) -> Option<String> {
        let labels = self.labels.lock().ok()?;
        labels
            .iter()
            .find(|(i, _)| i == issue)
            .map(|(_, l)| l.clone())
    }
}

/// Listeners that mirror each state as a tracker label.
fn mirror(tracker: &Arc<dyn Tracker>) -> Listeners<AnyOrchestration> {
    let mut listeners = Listeners::new();
    let tracker = Arc::clone(tracker);
    listeners.after("tracker labels", move |t, machine: &AnyOrchestration| {
        let issue = machine.context().issue.clone().ok_or("no issue yet")?;
        tracker.set_label(&issue, &format!("state:{}", t.to));
        Ok(())
    });
    listeners
}

/// Advances work `id` as far as it can go: to the gate, and past it when
/// `approver` is given. A second run continues where the first stopped.
///
/// # Errors
///
/// The store's failures, and a runner's failure.
pub fn run(
    store: &Store,
    runner: &dyn Runner,
    tracker: &Arc<dyn Tracker>,
    approver: Option<&str>,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let id = "issue-42";
    let listeners = mirror(tracker);
    let meta = |actor: &str| TransitionMeta::new().actor(actor);
    let mut lines = Vec::new();
    let mut say = |line: String| {
        println!("{line}");
        lines.push(line);
    };
    let state = match store.load::<AnyOrchestration>(id) {
        Ok(loaded) => {
            say(format!("{id}: found in state {}", loaded.machine.state()));
            loaded.machine.state()
        }
        Err(StoreError::NotFound { .. }) => {
            store.create(
                id,
                &AnyOrchestration::from(Orchestration::new(Work::default())),
                &meta("orchestrator"),
            )?;
            say(format!("{id}: created"));
            OrchestrationState::Idle
        }
        Err(other) => return Err(other.into()),
    };
    let mut state = state;
    loop {
        let event = match state {
            OrchestrationState::Idle => OrchestrationEvent::Begin { issue: "42".into() },
            OrchestrationState::Phase1 => {
                let output = runner.run("implement issue 42")?;
                OrchestrationEvent::Dispatch { output }
            }
            OrchestrationState::Phase2 => OrchestrationEvent::Submit,
            OrchestrationState::Gate1 => match approver {
                Some(by) => OrchestrationEvent::Approve { by: by.to_owned() },
                None => {
                    say(format!(
                        "{id}: waiting at the gate for a maintainer's approval"
                    ));
                    break;
                }
            },
            OrchestrationState::Done => {
                say(format!("{id}: done"));
                break;
            }
        };
        let name = event.name();
        match store.fire_with(
            &listeners,
            id,
            event,
            &meta(approver.unwrap_or("orchestrator")),
        ) {
            Ok(next) => {
                say(format!(
                    "{id}: {state} -> {} ({name})",
                    next.machine.state()
                ));
                state = next.machine.state();
            }
            Err(why @ (StoreError::NotAllowed { .. } | StoreError::GuardRefused { .. })) => {
                say(format!("{id}: refused: {why}"));
                break;
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(lines)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let approver = args
        .iter()
        .position(|a| a == "--approve")
        .map(|i| match args.get(i + 1) {
            Some(name) if !name.starts_with('-') => name.as_str(),
            _ => MAINTAINERS[0],
        });
    let store = Store::from_env("orchestrator.db")?;
    let runner = CommandRunner {
        program: "echo".into(),
        args: vec!["agent finished:".into()],
    };
    let tracker: Arc<dyn Tracker> = Arc::new(MemoryTracker::default());
    println!(
        "work kept in {} (it continues from there)\n",
        store.backend()
    );
    run(&store, &runner, &tracker, approver)?;
    println!("\nsummary:");
    let work = store.load::<AnyOrchestration>("issue-42")?.machine;
    println!("  issue-42: {}", work.state());
    let ctx = work.context();
    for (what, value) in [
        ("issue", &ctx.issue),
        ("branch", &ctx.branch),
        ("worktree", &ctx.worktree),
        ("agent output", &ctx.output),
        ("approved by", &ctx.approved_by),
    ] {
        println!("  {what}: {}", value.as_deref().unwrap_or("-"));
    }
    println!(
        "  tracker label: {}",
        tracker
            .label("42")
            .unwrap_or_else(|| "(unchanged this run)".into())
    );
    if work.state() == OrchestrationState::Gate1 {
        println!("\nrun again with `-- --approve` (or `--approve NAME`) to pass the gate");
    }
    Ok(())
}
