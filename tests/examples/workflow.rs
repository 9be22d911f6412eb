//! Use case 2: guards, a vetoing and a failing listener, cascades that
//! commit whole or not at all, status, history and sessions.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/workflow.rs"]
mod example;

use example::step::{AnyStep, StepState};
use example::workflow::{AnyWorkflow, WorkflowState};
use stateforge::runtime::db::{HistoryQuery, blocking::Store};

use crate::{pg_fixture::PgFixture, sqlite};

#[test]
fn the_workflow_example_behaves_as_the_use_case_says() {
    let dir = tempfile::tempdir().unwrap();
    check_the_example(&sqlite(&dir));
}

#[test]
fn the_example_on_postgres() {
    if let Some(pg) = PgFixture::new("workflow") {
        check_the_example(&pg.store);
    }
}

fn check_the_example(store: &Store) {
    let report = example::run(store).unwrap();
    let text = report.lines.join("\n");

    // Guards.
    assert!(text.contains(
        "wf-1: refused: guard `has_task_description` refused event `plan` in state `draft`"
    ));
    assert!(text.contains(
        "wf-2: bob: guard `has_approval` refused event `approve` in state `waiting_approval`"
    ));
    assert!(text.contains("wf-2: approved by ada, now executing"));
    // Allowed next states from the definition, and single questions.
    assert!(
        text.contains(
            "wf-2: executing allows request_approval -> waiting_approval, pause -> paused, \
             complete -> completed, fail -> failed, cancel -> cancelled"
        ),
        "{text}"
    );
    assert!(text.contains("wf-2: may resume? false; may complete? true"));
    // A veto stops a transition; a failing after-listener does not.
    assert!(text.contains("wf-2/test: listener `release freeze` vetoed the transition"));
    assert!(text.contains("wf-2/build: pending -> running -> completed"));
    // The controller and its cascades.
    assert!(text.contains("wf-2: can pause true, resume false, cancel true"));
    assert!(
        text.contains("wf-2: paused with 1 step(s); can pause false, resume true, cancel true")
    );
    assert!(text.contains("  wf-2/test: paused, accepts [resume, cancel]"));
    assert!(
        text.contains("the workflow is still paused"),
        "a half-failed cascade rolled back:\n{text}"
    );
    assert!(text.contains("wf-2: resumed with 1 step(s)"));
    assert!(text.contains("s-2 cancelling wf-2: workflow `wf-2` belongs to another session"));
    assert!(text.contains("wf-2: cancelled with 2 step(s)"));

    // What the database holds.
    assert_eq!(
        store.load::<AnyWorkflow>("wf-2").unwrap().machine.state(),
        WorkflowState::Cancelled
    );
    let states: Vec<_> = ["build", "publish", "test"]
        .iter()
        .map(|s| {
            store
                .load::<AnyStep>(&format!("wf-2/{s}"))
                .unwrap()
                .machine
                .state()
        })
        .collect();
    assert_eq!(
        states,
        [
            StepState::Completed,
            StepState::Cancelled,
            StepState::Cancelled
        ]
    );
    let history: Vec<_> = store
        .history(&HistoryQuery::entity("workflow", "wf-2"))
        .unwrap()
        .into_iter()
        .map(|r| r.to)
        .collect();
    assert_eq!(
        history,
        [
            "draft",
            "planning",
            "executing",
            "waiting_approval",
            "executing",
            "paused",
            "executing",
            "cancelled"
        ]
    );
    // The refused resume wrote nothing: the test step paused once and
    // resumed once.
    let test: Vec<_> = store
        .history(&HistoryQuery::entity("step", "wf-2/test"))
        .unwrap()
        .into_iter()
        .map(|r| r.to)
        .collect();
    assert_eq!(
        test,
        ["pending", "running", "paused", "running", "cancelled"]
    );
    // Per session: every record of s-1's five entities, and none of s-2.
    let per_entity: usize = [
        ("workflow", "wf-1"),
        ("workflow", "wf-2"),
        ("step", "wf-2/build"),
        ("step", "wf-2/test"),
        ("step", "wf-2/publish"),
    ]
    .iter()
    .map(|&(m, id)| store.history(&HistoryQuery::entity(m, id)).unwrap().len())
    .sum();
    let session = store.history(&HistoryQuery::session("s-1")).unwrap();
    assert_eq!(session.len(), per_entity);
    assert_eq!(session.len(), 1 + 8 + 3 + 5 + 2);
    assert!(text.contains(&format!("session s-1: {} records", session.len())));
    assert!(session.iter().all(|r| r.session.as_deref() == Some("s-1")));
    assert!(
        store
            .history(&HistoryQuery::session("s-2"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_release_checks_in_parallel_regions() {
    let dir = tempfile::tempdir().unwrap();
    check_the_release(&sqlite(&dir));
}

#[test]
fn the_release_on_postgres() {
    if let Some(pg) = PgFixture::new("workflow_release") {
        check_the_release(&pg.store);
    }
}

/// Each region of the release moves on its own, stored under the
/// configuration's name, and it publishes only once both are final.
fn check_the_release(store: &Store) {
    use example::release::{AnyRelease, ReleaseState};

    let report = example::run_release(store).unwrap();
    let lines: Vec<&str> = report.lines.iter().map(String::as_str).collect();
    assert_eq!(
        lines[..4],
        [
            "rel-1: check -> checking.tests.testing,checking.docs.writing",
            "rel-1: write_docs -> checking.tests.testing,checking.docs.written",
            "rel-1: break_tests -> checking.tests.broken,checking.docs.written",
            "rel-1: publish refused: event `publish` is not allowed in state \
             `checking.tests.broken,checking.docs.written`",
        ],
        "{lines:#?}"
    );
    assert_eq!(
        lines[4..7],
        [
            "rel-1: retest -> checking.tests.testing,checking.docs.written",
            "rel-1: pass_tests -> checking.tests.tested,checking.docs.written",
            "rel-1: publish -> published",
        ]
    );
    let stored = store.load::<AnyRelease>("rel-1").unwrap().machine;
    assert_eq!(stored.state(), ReleaseState::Published);
    let history: Vec<_> = store
        .history(&HistoryQuery::entity("release", "rel-1"))
        .unwrap()
        .into_iter()
        .map(|r| r.to)
        .collect();
    assert_eq!(
        history,
        [
            "queued",
            "checking.tests.testing,checking.docs.writing",
            "checking.tests.testing,checking.docs.written",
            "checking.tests.broken,checking.docs.written",
            "checking.tests.testing,checking.docs.written",
            "checking.tests.tested,checking.docs.written",
            "published",
        ]
    );
}

#[test]
fn a_broken_release_keeps_its_reason_until_retested() {
    use example::release::{AnyRelease, Release, ReleaseEvent};

    let broken = Release::new().check().break_tests("flaky".into());
    assert_eq!(broken.state().tests.reason, "flaky");
    let any = AnyRelease::from(broken.write_docs());
    assert!(!any.can_fire(&ReleaseEvent::Publish));
    let any = any.fire(ReleaseEvent::Abandon).unwrap();
    assert!(any.is_final());
}

#[test]
fn a_failed_step_retries_and_terminal_states_accept_nothing() {
    use example::step::{Step, StepEvent};
    use example::workflow::{Spec, Workflow, WorkflowEvent};

    let step = AnyStep::from(Step::new())
        .fire(StepEvent::Start)
        .unwrap()
        .fire(StepEvent::Fail)
        .unwrap();
    assert_eq!(step.state(), StepState::Failed);
    assert_eq!(step.allowed_events(), ["retry", "cancel"]);
    let step = step.fire(StepEvent::Retry).unwrap();
    assert_eq!(step.state(), StepState::Running);
    let done = step.fire(StepEvent::Complete).unwrap();
    assert!(done.is_final() && done.allowed_events().is_empty());
    assert!(!done.can_fire(&StepEvent::Retry));

    let spec = Spec {
        description: "x".into(),
        plan: vec!["a".into()],
        approvers: vec![],
    };
    let paused = AnyWorkflow::from(Workflow::new(spec))
        .fire(WorkflowEvent::Plan)
        .unwrap()
        .fire(WorkflowEvent::Pause)
        .unwrap();
    assert_eq!(
        example::next_states(&paused),
        [
            "resume -> executing",
            "fail -> failed",
            "cancel -> cancelled"
        ]
    );
    let cancelled = paused.fire(WorkflowEvent::Cancel).unwrap();
    assert_eq!(cancelled.state(), WorkflowState::Cancelled);
    assert!(example::next_states(&cancelled).is_empty());
    assert!(!cancelled.can_fire(&WorkflowEvent::Resume));
}

/// The example's machines, for their pictures (`pictures.rs`).
pub(crate) fn definitions() -> (
    &'static stateforge::Definition,
    &'static stateforge::Definition,
) {
    (
        example::workflow::AnyWorkflow::definition(),
        example::step::AnyStep::definition(),
    )
}
