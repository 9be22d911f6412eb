//! Entry and exit actions of compound and parallel states, run by a
//! `DynMachine`: each transition runs the exit actions of every state it
//! leaves (innermost first), the arm's action, then the entry actions of
//! every state it enters (outermost first).

use serde_json::{Value, json};
use stateforge_runtime::{DynMachine, Registry};

/// `idle`, a compound `active` holding a parallel `building` whose regions
/// `tests` and `docs` move together on `finish`, and `shipped`. Every
/// state but `idle` and `shipped` has both actions.
const RELEASE: &str = r#"{
  "format": 3,
  "name": "release",
  "states": [
    {"name": "idle", "initial": true, "exit": "leave_idle"},
    {"name": "active", "kind": "compound", "entry": "enter_active", "exit": "leave_active"},
    {"name": "preparing", "parent": "active", "initial": true, "entry": "enter_preparing", "exit": "leave_preparing"},
    {"name": "building", "parent": "active", "kind": "parallel", "entry": "enter_building", "exit": "leave_building"},
    {"name": "tests", "parent": "building", "kind": "compound", "entry": "enter_tests", "exit": "leave_tests"},
    {"name": "running", "parent": "tests", "initial": true, "entry": "enter_running", "exit": "leave_running"},
    {"name": "passed", "parent": "tests", "final": true, "entry": "enter_passed"},
    {"name": "docs", "parent": "building", "kind": "compound", "entry": "enter_docs", "exit": "leave_docs"},
    {"name": "writing", "parent": "docs", "initial": true, "entry": "enter_writing", "exit": "leave_writing"},
    {"name": "written", "parent": "docs", "final": true, "entry": "enter_written"},
    {"name": "shipped", "final": true, "entry": "enter_shipped"}
  ],
  "events": [
    {"name": "start", "arms": [{"from": ["idle"], "to": "active", "action": "log_start"}]},
    {"name": "build", "arms": [{"from": ["preparing"], "to": "building"}]},
    {"name": "finish", "arms": [{"from": ["running"], "to": "passed"}, {"from": ["writing"], "to": "written"}]},
    {"name": "ship", "arms": [{"from": ["done(building)"], "to": "shipped", "action": "log_ship"}]}
  ]
}"#;

const ACTIONS: [&str; 18] = [
    "leave_idle",
    "enter_active",
    "leave_active",
    "enter_preparing",
    "leave_preparing",
    "enter_building",
    "leave_building",
    "enter_tests",
    "leave_tests",
    "enter_running",
    "leave_running",
    "enter_passed",
    "enter_docs",
    "leave_docs",
    "enter_writing",
    "leave_writing",
    "enter_written",
    "enter_shipped",
];

/// A registry whose every action appends its name to the context's `log`,
/// and whose `refuse` names one to fail instead.
fn registry() -> Registry<Value> {
    ACTIONS
        .into_iter()
        .chain(["log_start", "log_ship"])
        .fold(Registry::new(), |registry, name| {
            registry.action(name, move |ctx: &mut Value, _| {
                if ctx["refuse"] == json!(name) {
                    return Err(format!("{name} refused"));
                }
                ctx["log"].as_array_mut().unwrap().push(json!(name));
                Ok(())
            })
        })
}

/// Fires `event` and returns what it ran, in order.
fn fire(m: &mut DynMachine<Value>, event: &str) -> Vec<String> {
    m.context_mut()["log"] = json!([]);
    m.fire(event, &Value::Null).unwrap();
    serde_json::from_value(m.context()["log"].clone()).unwrap()
}

#[test]
fn state_actions_run_in_order_through_compound_and_parallel_states() {
    let mut m = DynMachine::from_json_definition(RELEASE, &registry(), json!({"log": []})).unwrap();
    // Creation runs nothing, not even `active`'s initial child's entry.
    assert_eq!(m.context()["log"], json!([]));
    assert_eq!(
        fire(&mut m, "start"),
        ["leave_idle", "log_start", "enter_active", "enter_preparing"]
    );
    // Into a parallel state: it, then each region in declaration order,
    // each down to its initial state.
    assert_eq!(
        fire(&mut m, "build"),
        [
            "leave_preparing",
            "enter_building",
            "enter_tests",
            "enter_running",
            "enter_docs",
            "enter_writing"
        ]
    );
    // Regions moving together: all they leave, the last region first,
    // then all they enter, the first region first.
    assert_eq!(
        fire(&mut m, "finish"),
        [
            "leave_writing",
            "leave_running",
            "enter_passed",
            "enter_written"
        ]
    );
    // Out of the parallel state and its compound parent at once.
    assert_eq!(
        fire(&mut m, "ship"),
        [
            "leave_docs",
            "leave_tests",
            "leave_building",
            "leave_active",
            "log_ship",
            "enter_shipped"
        ]
    );
    assert_eq!(m.state_name(), "shipped");
}

#[test]
fn a_failing_parent_entry_action_refuses_the_whole_transition() {
    let context = json!({"log": [], "refuse": "enter_active"});
    let mut m = DynMachine::from_json_definition(RELEASE, &registry(), context).unwrap();
    assert!(m.fire("start", &Value::Null).is_err());
    assert_eq!(m.state_name(), "idle");
    // The actions that ran before it ran on a copy, dropped with it.
    assert_eq!(m.context()["log"], json!([]));
}
