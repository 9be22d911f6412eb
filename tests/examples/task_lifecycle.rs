//! Use case 1: the example's behaviour, and the whole transition table of
//! the task machine checked pair by pair.

// The example is a binary; here its items are a private module.
#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/task_lifecycle.rs"]
mod example;

use example::{AnyTask, Task, TaskEvent, TaskRecord, TaskState};
use stateforge::runtime::db::{HistoryQuery, blocking::Store};

use crate::{pg_fixture::PgFixture, sqlite};

#[test]
fn the_example_ends_every_task_where_the_use_case_says() {
    let dir = tempfile::tempdir().unwrap();
    check_the_example(&sqlite(&dir));
}

#[test]
fn the_example_on_postgres() {
    if let Some(pg) = PgFixture::new("task_lifecycle") {
        check_the_example(&pg.store);
    }
}

fn check_the_example(store: &Store) {
    let report = example::run(store).unwrap();
    let finals: Vec<(&str, TaskState)> = report
        .finals
        .iter()
        .map(|(id, s)| (id.as_str(), *s))
        .collect();
    assert_eq!(
        finals,
        [
            ("t-1", TaskState::Completed),
            ("t-2", TaskState::Failed),
            ("t-3", TaskState::Escalated),
            ("t-4", TaskState::Pending),
        ]
    );
    let text = report.lines.join("\n");
    assert!(
        text.contains("t-2: refused: guard `can_retry` refused event `retry` in state `failed`")
    );
    assert!(text.contains("t-4: refused: event `complete` is not allowed in state `pending`"));
    assert!(text.contains("t-1: refused: event `retry` is not allowed in state `completed`"));
    assert!(text.contains("t-4: refused: task `t-4` belongs to another session"));

    // The database holds the whole story: t-2 went round three times.
    let history = |id| store.history(&HistoryQuery::entity("task", id)).unwrap();
    let t2: Vec<_> = history("t-2").iter().map(|r| r.to.clone()).collect();
    assert_eq!(t2.len(), 12);
    assert_eq!(t2.iter().filter(|s| *s == "failed").count(), 3);
    let t1 = history("t-1");
    assert_eq!(t1.last().unwrap().reason.as_deref(), Some("notes merged"));
    assert!(
        t1.iter()
            .all(|r| r.session.as_deref() == Some("dispatcher"))
    );
    // Refusals wrote nothing.
    assert_eq!(history("t-4").len(), 1);
    assert_eq!(history("t-3").len(), 3);
}

/// A task in `state`, built by firing the shortest path from `pending`.
fn task_in(state: TaskState) -> AnyTask {
    let fire = |task: AnyTask, event| task.fire(event).unwrap();
    let task = AnyTask::from(Task::new(TaskRecord::default()));
    let assigned = || fire(AnyTask::from(Task::new(TaskRecord::default())), assign());
    match state {
        TaskState::Pending => task,
        TaskState::Assigned => assigned(),
        TaskState::InProgress => fire(assigned(), TaskEvent::Start),
        TaskState::Completed => fire(fire(assigned(), TaskEvent::Start), TaskEvent::Complete),
        TaskState::Failed => fire(assigned(), fail()),
        TaskState::Escalated => fire(assigned(), TaskEvent::Escalate { reason: "x".into() }),
    }
}

fn assign() -> TaskEvent {
    TaskEvent::Assign {
        agent: "ada".into(),
    }
}

fn fail() -> TaskEvent {
    TaskEvent::Fail { reason: "x".into() }
}

#[test]
fn every_state_and_event_behaves_as_the_use_case_table_says() {
    use TaskState::*;
    // (from, event, Some(to)) for each allowed move; everything else is refused.
    let allowed: &[(TaskState, &str, TaskState)] = &[
        (Pending, "assign", Assigned),
        (Assigned, "start", InProgress),
        (InProgress, "complete", Completed),
        (InProgress, "fail", Failed),
        (Assigned, "fail", Failed),
        (InProgress, "escalate", Escalated),
        (Assigned, "escalate", Escalated),
        (Failed, "retry", Pending),
    ];
    let events = || {
        [
            assign(),
            TaskEvent::Start,
            TaskEvent::Complete,
            fail(),
            TaskEvent::Escalate { reason: "x".into() },
            TaskEvent::Retry,
        ]
    };
    let mut checked = 0;
    for from in TaskState::ALL {
        for event in events() {
            let name = event.name();
            let expected = allowed
                .iter()
                .find(|(f, e, _)| *f == from && *e == name)
                .map(|t| t.2);
            let task = task_in(from);
            assert_eq!(task.can_fire(&event), expected.is_some(), "{from} {name}");
            match (task.fire(event), expected) {
                (Ok(next), Some(to)) => assert_eq!(next.state(), to, "{from} {name}"),
                (Err(refused), None) => {
                    assert_eq!(refused.machine.state(), from, "refusal hands the task back");
                    assert_eq!(refused.event.name(), name, "and the event");
                    assert_eq!(
                        refused.to_string(),
                        format!("event `{name}` is not allowed in state `{from}`")
                    );
                }
                (result, expected) => panic!(
                    "{from} {name}: got {:?}, expected {expected:?}",
                    result.map(|m| m.state())
                ),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 36);
    // Finals accept nothing.
    for state in [Completed, Escalated] {
        assert!(task_in(state).allowed_events().is_empty());
        assert!(state.is_final());
    }
}

#[test]
fn retry_clears_the_assignment_and_completion_sets_its_time() {
    let done = Task::new(TaskRecord::default())
        .assign("ada".into())
        .start()
        .complete();
    assert!(done.context().completed_at.is_some());
    assert_eq!(done.context().agent.as_deref(), Some("ada"));
    let retried = Task::new(TaskRecord::default())
        .assign("ada".into())
        .fail("x".into())
        .retry()
        .unwrap();
    assert_eq!(retried.context().agent, None);
    assert_eq!(retried.context().completed_at, None);
    assert_eq!(retried.context().retries, 1);
}

/// The example's machine, for its picture (`pictures.rs`).
pub(crate) fn definition() -> &'static stateforge::Definition {
    example::Task::<example::Pending>::definition()
}
