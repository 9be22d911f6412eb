//! States' entry and exit actions through a store: what they did to the
//! context is written with the transition and its history record, on
//! transitions fired by hand and by timers, for typed and dynamic
//! machines; a failing one writes nothing.

use std::time::Duration;

use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::StoreError;
use stateforge::runtime::{DynMachine, Registry, Timestamp};

use super::fixture::{Fixture, assert_chain, last_move, meta, records};

fn ring_log(log: &mut Vec<String>, line: String) {
    log.push(line);
}
fn leave_idle(log: &mut Vec<String>, _: &Idle) {
    ring_log(log, "exit idle".into());
}
fn start_bell(log: &mut Vec<String>, ringing: &Ringing) {
    ring_log(log, format!("entry ringing {}", ringing.round));
}
fn stop_bell(log: &mut Vec<String>, ringing: &Ringing) {
    ring_log(log, format!("exit ringing {}", ringing.round));
}
fn next_round(log: &mut Vec<String>, ringing: &Ringing) {
    ring_log(log, format!("snooze after {}", ringing.round));
}

stateforge::state_machine! {
    /// An alarm that rings again every five minutes until stopped: the
    /// snooze is a self-transition fired by a timer.
    #[derive(Debug)]
    pub machine Alarm {
        context: Vec<String>;
        initial state Idle exit leave_idle;
        state Ringing { round: u32 } entry start_bell exit stop_bell;
        event ring(round: u32): Idle -> Ringing;
        event snooze: Ringing -> Ringing => next_round after 5min;
        event stop: Ringing -> Idle;
    }
}

/// A typed machine's entry and exit actions run in the store's fire and
/// by its timers; what they logged is in the row, one history record per
/// transition.
pub(crate) fn typed_state_actions_are_written_with_the_transition(fx: Fixture) {
    let store = fx.open();
    store
        .create("a-1", &AnyAlarm::from(Alarm::new(Vec::new())), &meta())
        .unwrap();
    let fired = store
        .fire::<AnyAlarm>("a-1", AlarmEvent::Ring { round: 1 }, &meta())
        .unwrap();
    assert_eq!(fired.machine.context(), &["exit idle", "entry ringing 1"]);
    assert_eq!(
        store.load::<AnyAlarm>("a-1").unwrap().machine.context(),
        &["exit idle", "entry ringing 1"]
    );
    // The timer fires the self-transition: exit, arm action, entry.
    let later = Timestamp::now() + Duration::from_secs(5 * 60 + 1);
    assert_eq!(store.fire_due::<AnyAlarm>(later, 10).unwrap(), 1);
    assert_eq!(
        last_move(&store, "alarm", "a-1"),
        (Some("snooze".into()), Some("timer".into()))
    );
    store
        .fire::<AnyAlarm>("a-1", AlarmEvent::Stop, &meta())
        .unwrap();
    let stopped = store.load::<AnyAlarm>("a-1").unwrap().machine;
    assert_eq!(
        stopped.context(),
        &[
            "exit idle",
            "entry ringing 1",
            "exit ringing 1",
            "snooze after 1",
            "entry ringing 1",
            "exit ringing 1",
        ],
        "`Idle` has no entry action"
    );
    // Leaving `Ringing` cancelled the snooze its entry armed.
    assert!(store.next_due("alarm").unwrap().is_none());
    assert_eq!(assert_chain(&store, "alarm", "a-1"), 4);
}

const DOOR: &str = r#"{
    "format": 3,
    "name": "door",
    "states": [
        {"name": "closed", "initial": true, "entry": "lock", "exit": "unlock"},
        {"name": "open", "entry": "start_alarm", "exit": "stop_alarm"}
    ],
    "events": [
        {"name": "open", "arms": [{"from": ["closed"], "to": "open"}]},
        {"name": "close", "arms": [{"from": ["open"], "to": "closed"}]}
    ],
    "timers": [{"state": "open", "event": "close", "after_ms": 60000}]
}"#;

/// Appends each action's name to the context's `log`; the action named
/// by the context's `broken` fails.
fn door_registry() -> Registry<Value> {
    let mut registry = Registry::new();
    for name in ["lock", "unlock", "start_alarm", "stop_alarm"] {
        registry = registry.action(name, move |ctx: &mut Value, _: &Value| {
            if ctx["broken"] == name {
                return Err(format!("{name} is broken"));
            }
            ctx["log"].as_array_mut().ok_or("no log")?.push(name.into());
            Ok(())
        });
    }
    registry
}

/// A dynamic machine's entry and exit actions run in `fire_dyn` and in
/// its due timers, their changes kept with each transition; one that
/// fails refuses the fire and nothing is written.
pub(crate) fn dynamic_state_actions_are_written_and_a_failing_one_writes_nothing(fx: Fixture) {
    let bound = door_registry()
        .bind(Definition::from_json(DOOR).unwrap())
        .unwrap();
    let store = fx.open();
    let log = |id: &str| store.load_dyn(&bound, id).unwrap().machine.context()["log"].clone();
    // d-2's `lock` is broken: it opens, and cannot close.
    for (id, context) in [
        ("d-1", json!({"log": []})),
        ("d-2", json!({"log": [], "broken": "lock"})),
    ] {
        store
            .create_dyn(id, &DynMachine::new(bound.clone(), context), &meta())
            .unwrap();
    }
    let fired = store
        .fire_dyn(&bound, "d-1", "open", &Value::Null, &meta())
        .unwrap();
    assert_eq!(
        fired.machine.context()["log"],
        json!(["unlock", "start_alarm"])
    );
    assert_eq!(log("d-1"), json!(["unlock", "start_alarm"]));

    // A failing entry action: the fire is refused, the row, its history
    // and its timers as they were.
    store
        .fire_dyn(&bound, "d-2", "open", &Value::Null, &meta())
        .unwrap();
    let err = store
        .fire_dyn(&bound, "d-2", "close", &Value::Null, &meta())
        .unwrap_err();
    let StoreError::ActionFailed {
        action, message, ..
    } = &err
    else {
        panic!("{err}");
    };
    assert_eq!(
        (action.as_str(), message.as_str()),
        ("lock", "lock is broken")
    );
    let d2 = store.load_dyn(&bound, "d-2").unwrap();
    assert_eq!(d2.machine.state_name(), "open");
    assert_eq!(
        d2.machine.context()["log"],
        json!(["unlock", "start_alarm"])
    );
    assert_eq!(records(&store, "door", "d-2"), 2, "create, open");

    // The due timers close the doors through the same actions; d-2's
    // entry action still fails, so it stays open.
    let later = Timestamp::now() + Duration::from_secs(61);
    store.fire_due_dyn(&bound, later, 10).unwrap();
    assert_eq!(
        log("d-1"),
        json!(["unlock", "start_alarm", "stop_alarm", "lock"])
    );
    assert_eq!(
        last_move(&store, "door", "d-1"),
        (Some("close".into()), Some("timer".into()))
    );
    assert_eq!(assert_chain(&store, "door", "d-1"), 3);
    assert_eq!(
        store.load_dyn(&bound, "d-2").unwrap().machine.state_name(),
        "open"
    );
}
