//! States' entry and exit actions at run time: a `DynMachine` runs them
//! through its registry in the order exit, arm action, entry, on a
//! self-transition too; a failing one refuses the whole fire and leaves
//! the machine as it was; a missing one is refused at bind time; a
//! generated machine and a `DynMachine` over its definition run the same
//! sequence; listeners see the context the actions left.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use stateforge::ActionKind;
use stateforge::runtime::{DynError, DynMachine, FireError, Listeners, Registry};

const DOOR: &str = r#"{
    "format": 3,
    "name": "door",
    "states": [
        {"name": "closed", "initial": true, "entry": "note_closed", "exit": "unlatch"},
        {"name": "open", "entry": "start_alarm", "exit": "stop_alarm"},
        {"name": "broken", "final": true, "entry": "call_repair"}
    ],
    "events": [
        {"name": "open", "arms": [{"from": ["closed"], "to": "open", "action": "log_open"}]},
        {"name": "hold", "arms": [{"from": ["open"], "to": "open", "action": "log_hold"}]},
        {"name": "close", "arms": [{"from": ["open"], "to": "closed"}]},
        {"name": "break", "arms": [{"from": ["closed", "open"], "to": "broken"}]}
    ]
}"#;

/// Every action appends its name to the context's `log`; `fail` in the
/// context makes the action of that name fail.
fn registry() -> Registry<Value> {
    let mut registry = Registry::new();
    for name in [
        "note_closed",
        "unlatch",
        "start_alarm",
        "stop_alarm",
        "call_repair",
        "log_open",
        "log_hold",
    ] {
        registry = registry.action(name, move |ctx: &mut Value, args: &Value| {
            let line = match args.get("by") {
                Some(by) => format!("{name} by {}", by.as_str().unwrap_or("?")),
                None => name.to_owned(),
            };
            ctx["log"].as_array_mut().ok_or("no log")?.push(line.into());
            if ctx["fail"] == name {
                return Err(format!("{name} is out of order"));
            }
            Ok(())
        });
    }
    registry
}

fn door() -> DynMachine {
    DynMachine::from_json_definition(DOOR, &registry(), json!({"log": []})).unwrap()
}

fn log(m: &DynMachine) -> Vec<&str> {
    m.context()["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect()
}

#[test]
fn a_fire_runs_exit_then_arm_action_then_entry_with_the_event_s_arguments() {
    let mut door = door();
    assert!(log(&door).is_empty(), "a new machine runs no entry action");
    door.fire("open", &json!({"by": "ana"})).unwrap();
    assert_eq!(
        log(&door),
        ["unlatch by ana", "log_open by ana", "start_alarm by ana"]
    );
    door.fire("close", &Value::Null).unwrap();
    assert_eq!(log(&door)[3..], ["stop_alarm", "note_closed"]);
}

#[test]
fn a_self_transition_runs_the_state_s_exit_and_entry_actions() {
    let mut door = door();
    door.fire("open", &Value::Null).unwrap();
    door.fire("hold", &Value::Null).unwrap();
    assert_eq!(door.state_name(), "open");
    assert_eq!(log(&door)[3..], ["stop_alarm", "log_hold", "start_alarm"]);
}

#[test]
fn a_failing_action_anywhere_in_the_sequence_changes_nothing() {
    for (failing, kind) in [
        ("unlatch", ActionKind::Exit),
        ("log_open", ActionKind::Arm),
        ("start_alarm", ActionKind::Entry),
    ] {
        let mut door = door();
        door.context_mut()["fail"] = failing.into();
        let before = door.context().clone();
        let err = door.fire("open", &Value::Null).unwrap_err();
        assert_eq!(door.state_name(), "closed", "{failing}");
        assert_eq!(door.context(), &before, "{failing}: the log stays empty");
        let DynError::ActionFailed { at, message } = &err else {
            panic!("{failing}: {err}");
        };
        let failed = at.failed_action().unwrap();
        assert_eq!((failed.kind, failed.name), (kind, failing));
        assert_eq!(message, &format!("{failing} is out of order"));
        let what = match kind {
            ActionKind::Exit => "exit action",
            ActionKind::Arm => "action",
            ActionKind::Entry => "entry action",
        };
        assert_eq!(
            err.to_string(),
            format!(
                "{what} `{failing}` of event `open` in state `closed` failed: {failing} is out of order"
            )
        );
        // The machine fires as if nothing happened once the action works.
        door.context_mut()["fail"] = Value::Null;
        door.fire("open", &Value::Null).unwrap();
        assert_eq!(log(&door), ["unlatch", "log_open", "start_alarm"]);
    }
}

#[test]
fn a_missing_entry_or_exit_action_is_refused_at_bind_time() {
    let partial = Registry::<Value>::new()
        .action("log_open", |_, _| Ok(()))
        .action("start_alarm", |_, _| Ok(()));
    let err = DynMachine::from_json_definition(DOOR, &partial, json!({})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "machine `door` names what the registry lacks: action `unlatch`, action `stop_alarm`, \
         action `log_hold`, action `note_closed`, action `call_repair`"
    );
}

// The generated twin of the door: its typed actions write the same log.
fn note(log: &mut Vec<String>, line: &str) {
    log.push(line.to_owned());
}
fn note_closed(log: &mut Vec<String>, _: &Closed) {
    note(log, "note_closed");
}
fn unlatch(log: &mut Vec<String>, _: &Closed) {
    note(log, "unlatch");
}
fn start_alarm(log: &mut Vec<String>, _: &Open) {
    note(log, "start_alarm");
}
fn stop_alarm(log: &mut Vec<String>, _: &Open) {
    note(log, "stop_alarm");
}
fn call_repair(log: &mut Vec<String>, _: &Broken) {
    note(log, "call_repair");
}
fn log_open(log: &mut Vec<String>, _: &Closed) {
    note(log, "log_open");
}
fn log_hold(log: &mut Vec<String>, _: &Open) {
    note(log, "log_hold");
}

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Door {
        context: Vec<String>;
        initial state Closed entry note_closed exit unlatch;
        state Open entry start_alarm exit stop_alarm;
        final state Broken entry call_repair;
        event open: Closed -> Open => log_open;
        event hold: Open -> Open => log_hold;
        event close: Open -> Closed;
        event break_down: Closed | Open -> Broken;
    }
}

#[test]
fn the_generated_machine_and_a_dyn_machine_over_its_definition_agree() {
    let registry = registry();
    let bound = registry.bind(AnyDoor::definition().clone()).unwrap();
    let mut dynamic = DynMachine::new(bound, json!({"log": []}));
    let mut typed = AnyDoor::from(Door::new(Vec::new()));
    for event in ["open", "hold", "close", "open", "break_down"] {
        dynamic.fire(event, &Value::Null).unwrap();
        let fired = match event {
            "open" => DoorEvent::Open,
            "hold" => DoorEvent::Hold,
            "close" => DoorEvent::Close,
            _ => DoorEvent::BreakDown,
        };
        typed = typed.fire(fired).unwrap();
        assert_eq!(dynamic.state_name(), typed.state().as_str());
        assert_eq!(log(&dynamic), *typed.context(), "after {event}");
    }
}

#[test]
fn listeners_see_the_context_the_actions_left_and_a_veto_runs_none() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut listeners = Listeners::<AnyDoor>::new();
    let after = Arc::clone(&seen);
    listeners.after("audit", move |t, door| {
        after
            .lock()
            .unwrap()
            .push(format!("{t}: {}", door.context().join(", ")));
        Ok(())
    });
    let door = AnyDoor::from(Door::new(Vec::new()));
    let door = listeners.fire(door, DoorEvent::Open, Some("d-1")).unwrap();
    assert_eq!(
        door.context(),
        &["unlatch", "log_open", "start_alarm"].map(String::from)
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(
        seen.lock().unwrap()[0].ends_with(": unlatch, log_open, start_alarm"),
        "{:?}",
        seen.lock().unwrap()
    );
    listeners.before("closed for the night", |_, _| Err("night".into()));
    let err = listeners
        .fire(door, DoorEvent::Close, Some("d-1"))
        .unwrap_err();
    let FireError::Vetoed { machine, .. } = err else {
        panic!("vetoed");
    };
    assert_eq!(machine.context().len(), 3, "the veto ran no action");
}
