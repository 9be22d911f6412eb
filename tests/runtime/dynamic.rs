//! Dynamic machines: definitions as data, guards and actions by name,
//! refusals that change nothing, and agreement with the generated machine
//! over the same definition.

use proptest::prelude::*;
use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::{DynError, DynMachine, Registry};

// A variant of the task machine whose states carry no data: a DynMachine
// holds only a context, so the two can agree on everything at every step.
stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Task {
        context: u32;
        initial state Pending;
        state Assigned;
        state InProgress;
        final state Completed;
        state Failed;
        final state Escalated;

        event assign: Pending -> Assigned;
        event start: Assigned -> InProgress;
        event complete: InProgress -> Completed;
        event fail: Assigned | InProgress -> Failed;
        event escalate: Assigned | InProgress -> Escalated;
        event retry: Failed -> Pending if can_retry => count_retry;
    }
}

fn can_retry(retries: &u32, _: &Failed) -> bool {
    *retries < 2
}

fn count_retry(retries: &mut u32, _: &Failed) {
    *retries += 1;
}

const WORKFLOW: &str = r#"{
    "name": "workflow",
    "states": [
        {"name": "draft", "initial": true}, {"name": "planning"}, {"name": "executing"},
        {"name": "completed", "final": true}, {"name": "cancelled", "final": true}
    ],
    "events": [
        {"name": "plan", "arms": [{"from": ["draft"], "to": "planning", "guard": "has_description"}]},
        {"name": "execute", "arms": [{"from": ["planning"], "to": "executing", "action": "stamp_start"}]},
        {"name": "complete", "arms": [{"from": ["executing"], "to": "completed", "action": "check_output"}]},
        {"name": "cancel", "arms": [{"from": ["draft", "planning", "executing"], "to": "cancelled"}]}
    ]
}"#;

fn registry() -> Registry<Value> {
    Registry::new()
        .guard("has_description", |ctx: &Value, _| {
            ctx["description"].as_str().is_some_and(|d| !d.is_empty())
        })
        .action("stamp_start", |ctx: &mut Value, args: &Value| {
            ctx["started_by"] = args["by"].clone();
            Ok(())
        })
        .action("check_output", |ctx: &mut Value, _| {
            ctx["checked"] = true.into();
            if ctx["output"].is_null() {
                Err("no output to check".into())
            } else {
                Ok(())
            }
        })
}

#[test]
fn a_definition_loaded_from_json_runs() {
    let bound = registry()
        .bind(Definition::from_json(WORKFLOW).unwrap())
        .unwrap();
    let mut wf = DynMachine::new(bound, json!({"description": "ship it"}));
    wf.fire("plan", &Value::Null).unwrap();
    wf.fire("execute", &json!({"by": "ada"})).unwrap();
    assert_eq!(wf.state_name(), "executing");
    assert_eq!(wf.context()["started_by"], "ada");
    assert_eq!(wf.allowed_events(), ["complete", "cancel"]);
}

#[test]
fn refusals_leave_the_machine_exactly_as_it_was() {
    let bound = registry()
        .bind(Definition::from_json(WORKFLOW).unwrap())
        .unwrap();
    let mut wf = DynMachine::new(bound, json!({"description": ""}));

    let err = wf.fire("plan", &Value::Null).unwrap_err();
    assert!(
        matches!(err, DynError::GuardRefused { ref at } if at.guard() == Some("has_description")),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "guard `has_description` refused event `plan` in state `draft`"
    );
    assert_eq!(
        (wf.state_name(), wf.context()),
        ("draft", &json!({"description": ""}))
    );

    let err = wf.fire("complete", &Value::Null).unwrap_err();
    assert_eq!(
        err.to_string(),
        "event `complete` is not allowed in state `draft`"
    );
    let err = wf.fire("launch", &Value::Null).unwrap_err();
    assert_eq!(err.to_string(), "machine `workflow` has no event `launch`");

    wf.context_mut()["description"] = "now".into();
    wf.fire("plan", &Value::Null).unwrap();
    wf.fire("execute", &json!({"by": "bob"})).unwrap();
    let before = wf.context().clone();
    // The action changes the context, then fails: none of it stays.
    let err = wf.fire("complete", &Value::Null).unwrap_err();
    assert!(
        matches!(err, DynError::ActionFailed { ref at, .. } if at.action() == Some("check_output")),
        "{err}"
    );
    assert_eq!(wf.context(), &before);
    assert_eq!(wf.state_name(), "executing");
}

#[test]
fn a_missing_guard_or_action_is_refused_when_bound_with_every_name() {
    let err = Registry::<Value>::new()
        .bind(Definition::from_json(WORKFLOW).unwrap())
        .unwrap_err();
    assert_eq!(err.guards, ["has_description"]);
    assert_eq!(err.actions, ["stamp_start", "check_output"]);
}

#[test]
fn an_invalid_definition_lists_every_problem() {
    let broken = WORKFLOW
        .replace(r#""to": "completed""#, r#""to": "done""#)
        .replace(
            r#"{"name": "cancelled", "final": true}"#,
            r#"{"name": "cancelled", "final": true}, {"name": "limbo"}"#,
        );
    let err = Definition::from_json(&broken).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("unknown state `done`"), "{text}");
    assert!(
        text.contains("state `limbo` is not final and has no way out"),
        "{text}"
    );
}

#[test]
fn an_unknown_stored_state_is_refused() {
    let bound = registry()
        .bind(Definition::from_json(WORKFLOW).unwrap())
        .unwrap();
    let err = DynMachine::restore(bound, "archived", Value::Null).unwrap_err();
    assert_eq!(
        err.to_string(),
        "machine `workflow` has no state `archived`"
    );
}

/// The generated machine's definition runs dynamically too.
fn dyn_task() -> DynMachine<u32> {
    let bound = Registry::<u32>::new()
        .guard("can_retry", |retries, _| *retries < 2)
        .action("count_retry", |retries, _| {
            *retries += 1;
            Ok(())
        })
        .bind(AnyTask::definition().clone())
        .unwrap();
    DynMachine::new(bound, 0)
}

fn event(i: usize) -> TaskEvent {
    [
        TaskEvent::Assign,
        TaskEvent::Start,
        TaskEvent::Complete,
        TaskEvent::Fail,
        TaskEvent::Escalate,
        TaskEvent::Retry,
    ][i % 6]
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// For any event sequence, the generated machine and a DynMachine over
    /// its definition accept and refuse the same events and agree on the
    /// state and the context at every step.
    #[test]
    fn generated_and_dynamic_machines_agree(events in prop::collection::vec(0usize..6, 0..60)) {
        let mut typed = AnyTask::from(Task::new(0));
        let mut dynamic = dyn_task();
        for i in events {
            let e = event(i);
            let name = e.name();
            prop_assert_eq!(typed.can_fire(&e), dynamic.can_fire(name, &Value::Null));
            let typed_result = typed.fire(e);
            let dyn_result = dynamic.fire(name, &Value::Null);
            prop_assert_eq!(typed_result.is_ok(), dyn_result.is_ok(), "event {}", name);
            typed = match typed_result {
                Ok(next) => next,
                Err(refused) => refused.machine,
            };
            prop_assert_eq!(typed.state().as_str(), dynamic.state_name());
            prop_assert_eq!(typed.context(), dynamic.context());
        }
    }
}

/// Use case 2's machine, in its own module: each state is a type, so two
/// machines with a state called `Completed` live in two modules.
#[allow(unreachable_pub)]
mod uc2 {
    stateforge::state_machine! {
        /// Use case 2's workflow, with its three guards reading the context.
        #[derive(Debug, Clone, PartialEq)]
        pub machine Workflow {
            context: Flags;
            initial state Draft;
            state Planning;
            state Executing;
            state Paused;
            state WaitingApproval;
            final state Completed;
            final state Failed;
            final state Cancelled;

            event plan: Draft -> Planning if has_task_description;
            event execute: Planning -> Executing if has_valid_plan;
            event request_approval: Executing -> WaitingApproval;
            event approve: WaitingApproval -> Executing if has_approval;
            event pause: Planning | Executing | WaitingApproval -> Paused;
            event resume: Paused -> Executing;
            event complete: Executing -> Completed;
            event fail: Planning | Executing | WaitingApproval | Paused -> Failed;
            event cancel: Draft | Planning | Executing | WaitingApproval | Paused -> Cancelled;
        }
    }

    /// Which guards say yes.
    #[derive(Debug, Clone, Copy, PartialEq, Default)]
    pub struct Flags {
        pub(super) description: bool,
        pub(super) plan: bool,
        pub(super) approval: bool,
    }

    fn has_task_description<S>(f: &Flags, _: &S) -> bool {
        f.description
    }

    fn has_valid_plan<S>(f: &Flags, _: &S) -> bool {
        f.plan
    }

    fn has_approval<S>(f: &Flags, _: &S) -> bool {
        f.approval
    }
}

use uc2::{AnyWorkflow, Flags, Workflow, WorkflowEvent};

fn workflow_event(i: usize) -> WorkflowEvent {
    use WorkflowEvent as E;
    [
        E::Plan,
        E::Execute,
        E::RequestApproval,
        E::Approve,
        E::Pause,
        E::Resume,
        E::Complete,
        E::Fail,
        E::Cancel,
    ][i % 9]
        .clone()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Use case 2: with random guard answers and random events, the
    /// generated workflow and a DynMachine over its definition agree at
    /// every step.
    #[test]
    fn generated_and_dynamic_workflows_agree(
        flags in (any::<bool>(), any::<bool>(), any::<bool>()),
        events in prop::collection::vec(0usize..9, 0..40),
    ) {
        let flags = Flags { description: flags.0, plan: flags.1, approval: flags.2 };
        let bound = Registry::<Flags>::new()
            .guard("has_task_description", |f, _| f.description)
            .guard("has_valid_plan", |f, _| f.plan)
            .guard("has_approval", |f, _| f.approval)
            .bind(AnyWorkflow::definition().clone())
            .unwrap();
        let mut dynamic = DynMachine::new(bound, flags);
        let mut typed = AnyWorkflow::from(Workflow::new(flags));
        for i in events {
            let e = workflow_event(i);
            let name = e.name();
            let typed_result = typed.fire(e);
            let dyn_result = dynamic.fire(name, &Value::Null);
            prop_assert_eq!(typed_result.is_ok(), dyn_result.is_ok(), "event {}", name);
            typed = match typed_result {
                Ok(next) => next,
                Err(refused) => refused.machine,
            };
            prop_assert_eq!(typed.state().as_str(), dynamic.state_name());
        }
    }
}

/// An event id taken from another, larger definition is an unknown event
/// on this one, with or without listeners: never the arm its number would
/// name in this definition's table (the 8th event of a 6-event machine,
/// read from `pending`, is `start` out of `assigned`), and no panic.
#[test]
fn an_event_id_of_another_definition_is_unknown() {
    let mut events: Vec<Value> = (0..8)
        .map(|i| json!({"name": format!("e{i}"), "arms": [{"from": ["a"], "to": "b"}]}))
        .collect();
    events.push(json!({"name": "back", "arms": [{"from": ["b"], "to": "a"}]}));
    let larger = Definition::from_json(
        &json!({
            "name": "larger",
            "states": [{"name": "a", "initial": true}, {"name": "b"}],
            "events": events,
        })
        .to_string(),
    )
    .unwrap();
    let foreign = larger.event_id("e7").unwrap();
    let task = AnyTask::definition();
    assert_eq!(task.transition(task.initial(), foreign), None);
    for state in task.states() {
        assert_eq!(task.transition_index(state, foreign), None);
    }

    let mut machine = dyn_task();
    let err = machine.fire_id(foreign, &Value::Null).unwrap_err();
    assert!(matches!(err, DynError::UnknownEvent { .. }), "{err}");
    let mut listeners = stateforge::runtime::Listeners::<DynMachine<u32>>::new();
    listeners.before("any", |_, _| Ok(()));
    let err = listeners
        .fire_dyn_id(&mut machine, foreign, &Value::Null, Some("t"))
        .unwrap_err();
    assert!(matches!(err, DynError::UnknownEvent { .. }), "{err}");
    assert_eq!(machine.state_name(), "pending");
}
