//! A machine with compound and parallel states, its definition data: the
//! runtime fires it by name through its configurations, and names them
//! in its refusals.

use serde_json::{Value, json};
use stateforge_runtime::{DynError, DynMachine, Registry};

/// A release: a compound `active` state with history, holding a parallel
/// `building` state whose two regions complete independently.
const RELEASE: &str = include_str!("../../../tests/support/release.json");

fn registry() -> Registry<Value> {
    Registry::new()
        .guard("green", |ctx: &Value, _| ctx["green"] == json!(true))
        .action("publish", |ctx: &mut Value, _| {
            ctx["published"] = json!(true);
            Ok(())
        })
}

fn release(context: Value) -> DynMachine<Value> {
    DynMachine::from_json_definition(RELEASE, &registry(), context).unwrap()
}

#[test]
fn events_fire_by_name_through_compound_and_parallel_states() {
    let mut m = release(json!({"green": true}));
    m.fire("start", &Value::Null).unwrap();
    assert_eq!(m.state_name(), "active.preparing");
    m.fire("build", &Value::Null).unwrap();
    assert_eq!(
        m.state_name(),
        "active.building.tests.running,active.building.docs.writing"
    );
    let mut allowed = m.allowed_events();
    allowed.sort_unstable();
    assert_eq!(allowed, ["cancel", "hold", "pass", "write"]);
    m.fire("write", &Value::Null).unwrap();
    assert_eq!(m.context()["published"], json!(true));
    assert!(!m.can_fire("ship", &Value::Null));
    m.fire("pass", &Value::Null).unwrap();
    assert_eq!(
        m.state_name(),
        "active.building.tests.passed,active.building.docs.written"
    );
    m.fire("ship", &Value::Null).unwrap();
    assert_eq!(m.state_name(), "shipped");
    assert!(m.is_final());
}

#[test]
fn a_history_state_is_resumed_where_it_was_left() {
    let mut m = release(json!({"green": false}));
    for event in ["start", "build", "write", "hold"] {
        m.fire(event, &Value::Null).unwrap();
    }
    assert_eq!(m.state_name(), "on_hold[active.building]");
    m.fire("resume", &Value::Null).unwrap();
    // Shallow history: `building` again, its regions from their start.
    assert_eq!(
        m.state_name(),
        "active.building.tests.running,active.building.docs.writing"
    );
    m.fire("cancel", &Value::Null).unwrap();
    assert_eq!(m.state_name(), "cancelled");
}

#[test]
fn refusals_name_the_configuration() {
    let mut m = release(json!({"green": false}));
    m.fire("start", &Value::Null).unwrap();
    let err = m.fire("ship", &Value::Null).unwrap_err();
    assert_eq!(
        err.to_string(),
        "event `ship` is not allowed in state `active.preparing`"
    );
    m.fire("build", &Value::Null).unwrap();
    let before = m.state_name().to_owned();
    let err = m.fire("pass", &Value::Null).unwrap_err();
    assert!(matches!(err, DynError::GuardRefused { .. }), "{err:?}");
    assert!(err.to_string().contains(&before), "{err}");
    assert_eq!(m.state_name(), before);
}

#[test]
fn a_machine_is_restored_in_a_configuration_by_its_name() {
    let bound = registry()
        .bind(stateforge_core::Definition::from_json(RELEASE).unwrap())
        .unwrap();
    let name = "active.building.tests.passed,active.building.docs.writing";
    let mut m = DynMachine::restore(bound.clone(), name, json!({})).unwrap();
    m.fire("write", &Value::Null).unwrap();
    m.fire("ship", &Value::Null).unwrap();
    assert!(m.is_final());
    let err = DynMachine::restore(bound, "building", json!({})).unwrap_err();
    assert_eq!(err.to_string(), "machine `release` has no state `building`");
}
