//! A machine with compound and parallel states, defined as data: a row
//! holds its configuration's name, its history the configurations it went
//! through, and a timer on a state inside a compound state fires.

use std::time::Duration;

use super::Fixture;
use super::fixture::{assert_chain, last_move, meta};
use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::HistoryQuery;
use stateforge::runtime::{DynMachine, Registry, Timestamp};

/// The release machine of `tests/support/release.json`, with a timer:
/// `preparing` (inside `active`) builds by itself after a minute.
fn release() -> Definition {
    let mut spec: Value = serde_json::from_str(include_str!("../../support/release.json")).unwrap();
    spec["timers"] = json!([{"state": "preparing", "event": "build", "after_ms": 60000}]);
    Definition::from_json(&spec.to_string()).unwrap()
}

pub(crate) fn a_compound_and_parallel_machine_is_stored_by_configuration(fx: Fixture) {
    let bound = Registry::<Value>::new()
        .guard("green", |ctx, _| ctx["green"] == true)
        .action("publish", |ctx, _| {
            ctx["published"] = json!(true);
            Ok(())
        })
        .bind(release())
        .unwrap();
    let store = fx.open();
    let machine = DynMachine::new(bound.clone(), json!({"green": true}));
    store.create_dyn("r-1", &machine, &meta()).unwrap();
    store
        .fire_dyn(&bound, "r-1", "start", &Value::Null, &meta())
        .unwrap();
    let state = |id| {
        store
            .load_dyn(&bound, id)
            .unwrap()
            .machine
            .state_name()
            .to_owned()
    };
    assert_eq!(state("r-1"), "active.preparing");
    assert_eq!(
        store
            .entities("release", Some("active.preparing"))
            .unwrap()
            .len(),
        1
    );

    // The timer on `preparing` fires `build`, entering both regions.
    assert_eq!(store.fire_due_dyn(&bound, Timestamp::now(), 10).unwrap(), 0);
    let later = Timestamp::now() + Duration::from_secs(61);
    assert_eq!(store.fire_due_dyn(&bound, later, 10).unwrap(), 1);
    let building = "active.building.tests.running,active.building.docs.writing";
    assert_eq!(state("r-1"), building);
    assert_eq!(
        last_move(&store, "release", "r-1"),
        (Some("build".into()), Some("timer".into()))
    );
    assert!(store.next_due("release").unwrap().is_none());

    for event in ["write", "hold", "resume", "pass", "write", "ship"] {
        store
            .fire_dyn(&bound, "r-1", event, &Value::Null, &meta())
            .unwrap();
    }
    let loaded = store.load_dyn(&bound, "r-1").unwrap();
    assert_eq!(loaded.machine.state_name(), "shipped");
    assert_eq!(loaded.machine.context()["published"], json!(true));
    assert_eq!(assert_chain(&store, "release", "r-1"), 9);
    let history = store
        .history(&HistoryQuery::entity("release", "r-1"))
        .unwrap();
    let went: Vec<&str> = history.iter().map(|r| r.to.as_str()).collect();
    assert_eq!(
        went,
        [
            "queued",
            "active.preparing",
            building,
            "active.building.tests.running,active.building.docs.written",
            "on_hold[active.building]",
            building,
            "active.building.tests.passed,active.building.docs.writing",
            "active.building.tests.passed,active.building.docs.written",
            "shipped",
        ]
    );
}
