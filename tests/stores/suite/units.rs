//! A unit of work and the store it belongs to: calling the store from
//! inside its own unit is a clear error, never a wait on the unit's own
//! lock, and the unit has the reads a controller needs, which see its
//! writes.

use std::time::Duration;

use serde_json::json;
use stateforge::Definition;
use stateforge::runtime::db::{HistoryQuery, StoreError, blocking::Store};
use stateforge::runtime::{DynMachine, Registry, Timestamp};

use super::fixture::{Fixture, PATIENCE, assert_chain, meta, on_its_own_thread};
use super::machines::{AnyTask, TaskEvent, new_task};

/// Runs `work` on a thread of its own and waits for it a bounded time: a
/// call that waits on its own unit fails the test instead of hanging it.
fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    on_its_own_thread(work)
        .recv_timeout(PATIENCE)
        .expect("the call returned instead of waiting on its own unit")
}

fn assign() -> TaskEvent {
    TaskEvent::Assign {
        agent: "ada".into(),
    }
}

pub(crate) fn calling_the_store_inside_its_unit_is_an_error_not_a_wait(fx: Fixture) {
    let store = fx.open();
    store.create("t", &new_task(), &meta()).unwrap();
    let errors = bounded(move || {
        let mut errors = Vec::new();
        let out = store.unit(|u| {
            u.fire::<AnyTask>("t", assign(), &meta())?;
            errors.push(store.load::<AnyTask>("t").map(|_| ()));
            errors.push(
                store
                    .fire::<AnyTask>("t", TaskEvent::Start, &meta())
                    .map(|_| ()),
            );
            errors.push(store.entities("task", None).map(|_| ()));
            errors.push(
                store
                    .history(&HistoryQuery::entity("task", "t"))
                    .map(|_| ()),
            );
            errors.push(store.unit(|_| Ok(())));
            Ok(())
        });
        // The unit itself went on and committed its own fire.
        out.unwrap();
        assert_eq!(assert_chain(&store, "task", "t"), 2);
        // Outside the unit, the store serves again.
        store
            .fire::<AnyTask>("t", TaskEvent::Start, &meta())
            .unwrap();
        assert_eq!(assert_chain(&store, "task", "t"), 3);
        errors
    });
    assert_eq!(errors.len(), 5);
    for e in errors {
        let e = e.unwrap_err();
        assert!(matches!(e, StoreError::InsideUnit), "{e:?}");
        assert!(e.to_string().contains("unit's methods"), "{e}");
    }
}

pub(crate) fn a_units_reads_see_its_own_writes(fx: Fixture) {
    let store: Store = fx.open();
    store.create("a", &new_task(), &meta()).unwrap();
    let (assigned, history) = store
        .unit(|u| {
            u.create("b", &new_task(), &meta())?;
            u.fire::<AnyTask>("a", assign(), &meta())?;
            let assigned = u.entities("task", Some("assigned"))?;
            let history = u.history(&HistoryQuery::entity("task", "a"))?;
            Ok((assigned, history))
        })
        .unwrap();
    let ids: Vec<_> = assigned.iter().map(|r| r.entity_id.as_str()).collect();
    assert_eq!(ids, ["a"]);
    let moves: Vec<_> = history.iter().map(|r| r.to.as_str()).collect();
    assert_eq!(moves, ["pending", "assigned"]);
    assert_eq!(store.entities("task", None).unwrap().len(), 2);
}

/// A blocking unit has the same operations on every backend, dynamic
/// machines and timers included: what it creates, fires and reads
/// commits together, and a unit that fails leaves nothing.
pub(crate) fn a_blocking_unit_runs_dynamic_machines_and_their_timers(fx: Fixture) {
    let def = Definition::from_json(
        r#"{"name": "lease",
        "states": [{"name": "held", "initial": true}, {"name": "expired", "final": true}],
        "events": [{"name": "expire", "arms": [{"from": ["held"], "to": "expired"}]}],
        "timers": [{"state": "held", "event": "expire", "after_ms": 60000}]}"#,
    )
    .unwrap();
    let bound = Registry::<serde_json::Value>::new().bind(def).unwrap();
    let store: Store = fx.open();
    let before = Timestamp::now();
    let (due, fired, rows) = store
        .unit(|u| {
            u.create_dyn("l-1", &DynMachine::new(bound.clone(), json!({})), &meta())?;
            let due = u.next_due("lease")?;
            let later = Timestamp::now() + Duration::from_secs(61);
            let fired = u.fire_due_dyn(&bound, later, 10)?;
            Ok((due, fired, u.entities_checked("lease", None)?))
        })
        .unwrap();
    let due = due.expect("the unit sees the timer it armed");
    assert!(due >= before + Duration::from_secs(60), "{due:?}");
    assert!(due <= Timestamp::now() + Duration::from_secs(60), "{due:?}");
    assert_eq!(fired, 1);
    let states: Vec<_> = rows.into_iter().map(|r| r.unwrap().state).collect();
    assert_eq!(states, ["expired"]);
    let loaded = store.load_dyn(&bound, "l-1").unwrap();
    assert_eq!(
        (loaded.machine.state_name(), loaded.version),
        ("expired", 2)
    );
    assert!(store.next_due("lease").unwrap().is_none());

    let failed = store.unit(|u| {
        u.create_dyn("l-2", &DynMachine::new(bound.clone(), json!({})), &meta())?;
        u.lock_entities("lease", &["l-2", "gone"])
    });
    assert!(
        matches!(&failed, Err(StoreError::NotFound { entity_id, .. }) if entity_id == "gone"),
        "{failed:?}"
    );
    let after = store.load_dyn(&bound, "l-2");
    assert!(
        matches!(after, Err(StoreError::NotFound { .. })),
        "{after:?}"
    );
    assert!(store.next_due("lease").unwrap().is_none());
}
