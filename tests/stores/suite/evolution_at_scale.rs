//! The test a user would write before deploying a changed machine: v1
//! with thousands of entities in every state and timers pending; v2
//! renames a state, removes another (its rows go to the renamed one),
//! adds one, and reads a context field v1 never wrote with a default.
//! Every row loads and fires under v2, every pending timer fires once,
//! and every history replays across the change.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::{HistoryQuery, MigrateOptions};
use stateforge::runtime::{Bound, DynMachine, Registry, Timestamp, replay_across};

use super::fixture::{Fixture, meta};

/// Entities per state of v1 (three states hold entities): each costs a
/// few transactions, a few milliseconds on a busy machine.
const PER_STATE: usize = 300;

const V1: &str = r#"{"name": "order",
    "states": [{"name": "placed", "initial": true}, {"name": "paid"},
               {"name": "backordered"}, {"name": "shipped", "final": true}],
    "events": [
        {"name": "pay", "arms": [{"from": ["placed"], "to": "paid"}]},
        {"name": "backorder", "arms": [{"from": ["paid"], "to": "backordered"}]},
        {"name": "restock", "arms": [{"from": ["backordered"], "to": "paid"}]},
        {"name": "ship", "arms": [{"from": ["paid"], "to": "shipped"}]}
    ],
    "timers": [{"state": "paid", "event": "ship", "after_ms": 60000},
               {"state": "backordered", "event": "restock", "after_ms": 60000}]}"#;

const V2: &str = r#"{"format": 2, "name": "order",
    "states": [{"name": "placed", "initial": true}, {"name": "charged"},
               {"name": "packing"}, {"name": "shipped", "final": true}],
    "events": [
        {"name": "pay", "arms": [{"from": ["placed"], "to": "charged"}]},
        {"name": "pack", "arms": [{"from": ["charged"], "to": "packing", "guard": "not_on_hold"}]},
        {"name": "ship", "arms": [{"from": ["packing"], "to": "shipped"}]}
    ],
    "timers": [{"state": "charged", "event": "pack", "after_ms": 60000}],
    "migrations": [{"from": "paid", "to": "charged"}, {"from": "backordered", "to": "charged"}]}"#;

fn v1() -> Arc<Bound<Value>> {
    Registry::<Value>::new()
        .bind(Definition::from_json(V1).unwrap())
        .unwrap()
}

/// v2's guard reads `on_hold`, which v1's rows lack: absent is false.
fn v2() -> Arc<Bound<Value>> {
    Registry::<Value>::new()
        .guard("not_on_hold", |ctx, _| {
            !ctx.get("on_hold").and_then(Value::as_bool).unwrap_or(false)
        })
        .bind(Definition::from_json(V2).unwrap())
        .unwrap()
}

fn id(i: usize) -> String {
    format!("o-{i:05}")
}

pub(crate) fn v1_to_v2_with_hundreds_of_entities_in_every_state(fx: Fixture) {
    let (v1, v2) = (v1(), v2());
    let total = 3 * PER_STATE;
    // Four writers, as an application would have.
    std::thread::scope(|s| {
        for part in 0..4 {
            let (store, v1) = (fx.open(), v1.clone());
            s.spawn(move || {
                for i in (part..total).step_by(4) {
                    let machine = DynMachine::new(v1.clone(), json!({"n": i}));
                    store.create_dyn(&id(i), &machine, &meta()).unwrap();
                    // placed, paid (ship pending), backordered (restock pending)
                    if i % 3 >= 1 {
                        store
                            .fire_dyn(&v1, &id(i), "pay", &json!(null), &meta())
                            .unwrap();
                    }
                    if i % 3 == 2 {
                        store
                            .fire_dyn(&v1, &id(i), "backorder", &json!(null), &meta())
                            .unwrap();
                    }
                }
            });
        }
    });
    let store = fx.open();
    assert!(
        store.next_due("order").unwrap().is_some(),
        "v1's timers are pending"
    );

    // v2 is deployed. Every row loads under it, in the state it names.
    store.save_definition(v2.definition()).unwrap();
    for i in 0..total {
        let loaded = store.load_dyn(&v2, &id(i)).unwrap();
        let expected = if i % 3 == 0 { "placed" } else { "charged" };
        assert_eq!(loaded.machine.state_name(), expected, "{}", id(i));
    }
    // The rows move to v2 in batches; their pending timers are armed
    // again for the state they are in now.
    let report = store
        .migrate(v2.definition(), MigrateOptions::new().batch(250))
        .unwrap();
    assert_eq!((report.migrated, report.current), (total as u64, 0));
    assert!(report.refused.is_empty());

    // Every timer fires once, under v2: the charged rows pack.
    let later = Timestamp::now() + Duration::from_secs(61);
    let fired = store.fire_due_dyn(&v2, later, total).unwrap();
    assert_eq!(fired, 2 * PER_STATE);
    assert_eq!(store.fire_due_dyn(&v2, later, total).unwrap(), 0);
    let packing = store.entities("order", Some("packing")).unwrap();
    assert_eq!(packing.len(), 2 * PER_STATE);

    // The others fire under v2 by hand.
    for i in (0..total).step_by(3) {
        let fired = store
            .fire_dyn(&v2, &id(i), "pay", &json!(null), &meta())
            .unwrap();
        assert_eq!(fired.machine.state_name(), "charged");
    }

    // Every history holds together across the change.
    let definitions = [v1.definition(), v2.definition()];
    for i in (0..total).step_by(7) {
        let history = store
            .history(&HistoryQuery::entity("order", id(i)).limit(100))
            .unwrap();
        let loaded = store.load_dyn(&v2, &id(i)).unwrap();
        assert_eq!(
            replay_across(&definitions, &history).unwrap(),
            (loaded.machine.state_name().to_owned(), loaded.version),
            "{}",
            id(i)
        );
        assert!(
            history
                .iter()
                .any(|r| r.event.as_deref() == Some("(migrated)")),
            "{}",
            id(i)
        );
    }
}
