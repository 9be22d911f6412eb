//! Use case 4: the orchestrator stops at the gate, survives a restart,
//! refuses a non-maintainer, and finishes on a maintainer's approval; the
//! tracker's label follows the state.

use std::sync::Arc;

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/orchestrator.rs"]
mod example;

use example::{AnyOrchestration, MemoryTracker, OrchestrationState, ScriptedRunner, Tracker};
use stateforge::runtime::db::{HistoryQuery, blocking::Store};

use crate::pg_fixture::PgFixture;

#[test]
fn the_orchestrator_continues_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.db");
    check_the_example(|| Store::open(path.to_str().unwrap()).unwrap());
}

#[test]
fn the_example_on_postgres() {
    if let Some(pg) = PgFixture::new("orchestrator") {
        check_the_example(|| pg.reopen());
    }
}

fn check_the_example(open: impl Fn() -> Store) {
    let runner = ScriptedRunner("patch ready".into());

    // First run: set up, dispatch, submit, then wait at the gate.
    let tracker: Arc<dyn Tracker> = Arc::new(MemoryTracker::default());
    let lines = example::run(&open(), &runner, &tracker, None).unwrap();
    assert_eq!(
        lines.last().unwrap(),
        "issue-42: waiting at the gate for a maintainer's approval"
    );
    assert_eq!(tracker.label("42").as_deref(), Some("state:gate1"));
    let work = open().load::<AnyOrchestration>("issue-42").unwrap().machine;
    assert_eq!(work.state(), OrchestrationState::Gate1);
    assert_eq!(work.context().branch.as_deref(), Some("work/42"));
    assert_eq!(work.context().output.as_deref(), Some("patch ready"));

    // A restart, and someone who may not approve.
    let lines = example::run(&open(), &runner, &tracker, Some("bob")).unwrap();
    assert_eq!(lines[0], "issue-42: found in state gate1");
    assert!(
        lines[1].contains("guard `is_maintainer` refused event `approve`"),
        "{lines:?}"
    );

    // Another restart, and a maintainer.
    let lines = example::run(&open(), &runner, &tracker, Some("ada")).unwrap();
    assert_eq!(lines[1], "issue-42: gate1 -> done (approve)");
    assert_eq!(tracker.label("42").as_deref(), Some("state:done"));
    let store = open();
    let done = store.load::<AnyOrchestration>("issue-42").unwrap().machine;
    assert_eq!(done.context().approved_by.as_deref(), Some("ada"));
    let history = store
        .history(&HistoryQuery::entity("orchestration", "issue-42"))
        .unwrap();
    let states: Vec<_> = history.iter().map(|r| r.to.as_str()).collect();
    assert_eq!(states, ["idle", "phase1", "phase2", "gate1", "done"]);
    assert_eq!(history[4].actor.as_deref(), Some("ada"));
}

#[test]
fn the_command_runner_runs_a_real_command() {
    use example::Runner;
    let runner = example::CommandRunner {
        program: "echo".into(),
        args: vec!["done:".into()],
    };
    assert_eq!(runner.run("issue 42").unwrap(), "done: issue 42");
    let missing = example::CommandRunner {
        program: "/no/such/agent".into(),
        args: vec![],
    };
    assert!(
        missing
            .run("x")
            .unwrap_err()
            .starts_with("cannot run /no/such/agent")
    );
}

/// A tracker that keeps every label it was given, in order.
#[derive(Default)]
struct Recording(std::sync::Mutex<Vec<String>>);

impl Tracker for Recording {
    fn set_label(&self, issue: &str, label: &str) {
        self.0.lock().unwrap().push(format!("{issue}:{label}"));
    }
    fn label(&self, _issue: &str) -> Option<String> {
        self.0.lock().unwrap().last().cloned()
    }
}

/// An agent that fails the first time and succeeds the second.
struct Flaky(std::sync::atomic::AtomicU32);

impl example::Runner for Flaky {
    fn run(&self, _task: &str) -> Result<String, String> {
        match self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => Err("agent crashed".into()),
            _ => Ok("second try".into()),
        }
    }
}

#[test]
fn a_failed_agent_leaves_the_work_in_phase_1_and_labels_follow_every_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.db");
    let open = || Store::open(path.to_str().unwrap()).unwrap();
    let runner = Flaky(std::sync::atomic::AtomicU32::new(0));
    let recording = Arc::new(Recording::default());
    let tracker: Arc<dyn Tracker> = recording.clone();

    let err = example::run(&open(), &runner, &tracker, None).unwrap_err();
    assert_eq!(err.to_string(), "agent crashed");
    let work = open().load::<AnyOrchestration>("issue-42").unwrap().machine;
    assert_eq!(work.state(), OrchestrationState::Phase1);
    assert_eq!(
        work.context().worktree.as_deref(),
        Some("/tmp/worktrees/42")
    );
    assert_eq!(work.context().output, None);

    // The next run retries the agent and goes on to the gate, then past it.
    example::run(&open(), &runner, &tracker, None).unwrap();
    example::run(&open(), &runner, &tracker, Some("grace")).unwrap();
    assert_eq!(
        *recording.0.lock().unwrap(),
        [
            "42:state:phase1",
            "42:state:phase2",
            "42:state:gate1",
            "42:state:done"
        ]
    );
    let done = open().load::<AnyOrchestration>("issue-42").unwrap().machine;
    assert_eq!(done.context().output.as_deref(), Some("second try"));
    assert_eq!(done.context().approved_by.as_deref(), Some("grace"));
}

/// The example's machine, for its picture (`pictures.rs`).
pub(crate) fn definition() -> &'static stateforge::Definition {
    example::AnyOrchestration::definition()
}
