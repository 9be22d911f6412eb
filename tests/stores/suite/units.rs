//! A unit of work and the store it belongs to: calling the store from
//! inside its own unit is a clear error, never a wait on the unit's own
//! lock, and the unit has the reads a controller needs, which see its
//! writes.

use stateforge::runtime::db::{HistoryQuery, StoreError, blocking::Store};

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
