//! One rule for entity ids on every backend: at most
//! `MAX_ENTITY_ID_BYTES` bytes, not empty, no NUL.

use super::fixture::{Fixture, assert_chain, meta, records};
use super::machines::{AnyTask, TaskEvent, new_task};
use stateforge::runtime::db::{HistoryQuery, MAX_ENTITY_ID_BYTES, StoreError};
use stateforge::runtime::{DynMachine, Listeners, Registry};

/// A 1024-byte id (of multi-byte characters too) is kept and moves; a
/// 1025-byte one, one holding NUL and an empty one are refused by every
/// operation that takes an id, with `InvalidEntityId` and a message that
/// does not repeat the id, and nothing is written.
pub(crate) fn entity_ids_are_checked_the_same_on_every_backend(fx: Fixture) {
    let store = fx.open();
    let longest = "i".repeat(MAX_ENTITY_ID_BYTES);
    let longest_wide = "é".repeat(MAX_ENTITY_ID_BYTES / 2);
    for id in [&longest, &longest_wide] {
        store.create(id, &new_task(), &meta()).unwrap();
        store
            .fire::<AnyTask>(id, TaskEvent::Assign { agent: "a".into() }, &meta())
            .unwrap();
        assert_eq!(store.load::<AnyTask>(id).unwrap().entity_id, *id);
        assert_eq!(assert_chain(&store, "task", id), 2);
    }

    let too_long = format!("{}x", "s".repeat(MAX_ENTITY_ID_BYTES));
    let refused = [too_long.as_str(), "sneaky\0id", ""];
    let bound = Registry::<serde_json::Value>::new()
        .bind(stateforge::Definition::from_json(TOGGLE).unwrap())
        .unwrap();
    let dynamic = DynMachine::new(bound.clone(), serde_json::json!({}));
    let assign = || TaskEvent::Assign { agent: "a".into() };
    let listeners = Listeners::<AnyTask>::new();
    for id in refused {
        let mut outcomes: Vec<(&str, Result<(), StoreError>)> = vec![
            ("create", store.create(id, &new_task(), &meta()).map(drop)),
            ("load", store.load::<AnyTask>(id).map(drop)),
            (
                "fire",
                store.fire::<AnyTask>(id, assign(), &meta()).map(drop),
            ),
            (
                "fire_with",
                store.fire_with(&listeners, id, assign(), &meta()).map(drop),
            ),
            (
                "save",
                store.save(id, 1, "assign", &new_task(), &meta()).map(drop),
            ),
            (
                "history",
                store.history(&HistoryQuery::entity("task", id)).map(drop),
            ),
            (
                "create_dyn",
                store.create_dyn(id, &dynamic, &meta()).map(drop),
            ),
            ("load_dyn", store.load_dyn(&bound, id).map(drop)),
            (
                "fire_dyn",
                store
                    .fire_dyn(&bound, id, "flip", &serde_json::Value::Null, &meta())
                    .map(drop),
            ),
        ];
        let in_unit = |work: &dyn Fn(
            &stateforge::runtime::db::blocking::StoreUnit<'_, '_>,
        ) -> Result<(), StoreError>| { store.unit(|u| work(u)) };
        outcomes.extend([
            (
                "unit create",
                in_unit(&|u| u.create(id, &new_task(), &meta()).map(drop)),
            ),
            ("unit load", in_unit(&|u| u.load::<AnyTask>(id).map(drop))),
            (
                "unit fire",
                in_unit(&|u| u.fire::<AnyTask>(id, assign(), &meta()).map(drop)),
            ),
            (
                "unit fire_with",
                in_unit(&|u| u.fire_with(&listeners, id, assign(), &meta()).map(drop)),
            ),
            (
                "unit save",
                in_unit(&|u| u.save(id, 1, "assign", &new_task(), &meta()).map(drop)),
            ),
            (
                "unit lock_entities",
                in_unit(&|u| u.lock_entities("task", &["t-ok", id])),
            ),
        ]);
        for (operation, outcome) in outcomes {
            let err = outcome.unwrap_err();
            assert!(
                matches!(err, StoreError::InvalidEntityId(_)),
                "{operation} with a {}-byte id: {err:?}",
                id.len()
            );
            let message = err.to_string();
            assert!(
                !message.contains("sss") && !message.contains("sneaky"),
                "{operation}: the message repeats the id: {message}"
            );
        }
    }
    // Nothing of the refused ids was written: no row, no record, no
    // definition of the dynamic machine.
    let ids: Vec<String> = store
        .entities("task", None)
        .unwrap()
        .into_iter()
        .map(|e| e.entity_id)
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&longest) && ids.contains(&longest_wide));
    assert!(store.entities("toggle", None).unwrap().is_empty());
    assert!(store.definition("toggle").is_err());
    for id in [&longest, &longest_wide] {
        assert_eq!(records(&store, "task", id), 2);
    }
}

const TOGGLE: &str = r#"{"name": "toggle",
    "states": [{"name": "off", "initial": true}, {"name": "on"}],
    "events": [{"name": "flip", "arms": [{"from": ["off"], "to": "on"}, {"from": ["on"], "to": "off"}]}]}"#;
