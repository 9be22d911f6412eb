//! Many writers at once, each with a connection of its own.

use super::fixture::{Fixture, assert_chain, meta};
use super::machines::{AnyLamp, AnyLight, Lamp, LampEvent, LampState, Light, LightEvent};
use stateforge::runtime::db::StoreError;

/// Attempts per thread on the one entity.
const ATTEMPTS: usize = 300;

/// Eight threads move one entity, half by `fire` (which always succeeds),
/// half by load-then-save (which may conflict): no version is won twice,
/// the chain is unbroken, and there is one record per success. The
/// entity's timer follows its state throughout.
pub(crate) fn eight_threads_on_one_entity_never_both_win_a_version(fx: Fixture) {
    fx.open()
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    let wins: Vec<u64> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let fx = &fx;
                s.spawn(move || {
                    let store = fx.open();
                    let mut won = Vec::new();
                    for _ in 0..ATTEMPTS {
                        if t % 2 == 0 {
                            // Fire: load and write in one transaction.
                            let next = store
                                .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
                                .unwrap();
                            won.push(next.version);
                        } else {
                            // Optimistic: read, move in memory, save if unchanged.
                            let loaded = store.load::<AnyLamp>("l").unwrap();
                            let next = loaded.machine.fire(LampEvent::Toggle).unwrap();
                            match store.save("l", loaded.version, "toggle", &next, &meta()) {
                                Ok(v) => won.push(v),
                                Err(StoreError::Conflict { .. }) => {}
                                Err(e) => panic!("{e}"),
                            }
                        }
                    }
                    won
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    let store = fx.open();
    let mut sorted = wins.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), wins.len(), "no version won twice");
    let final_version = assert_chain(&store, "lamp", "l");
    assert_eq!(
        final_version,
        wins.len() as u64 + 1,
        "one record per success, plus creation"
    );
    assert!(
        wins.len() >= 4 * ATTEMPTS,
        "every `fire` succeeds: {}",
        wins.len()
    );
    let on = store.load::<AnyLamp>("l").unwrap().machine.state() == LampState::On;
    assert_eq!(
        store.next_due("lamp").unwrap().is_some(),
        on,
        "a timer exactly while on"
    );
}

/// Eight threads, each creating and moving an entity of its own.
pub(crate) fn eight_threads_on_distinct_entities(fx: Fixture) {
    fx.open(); // migrated once before the threads race to open it
    std::thread::scope(|s| {
        for t in 0..8 {
            let fx = &fx;
            s.spawn(move || {
                let store = fx.open();
                let id = format!("l-{t}");
                store
                    .create(&id, &AnyLight::from(Light::new()), &meta())
                    .unwrap();
                for _ in 0..100 {
                    store
                        .fire::<AnyLight>(&id, LightEvent::Toggle, &meta())
                        .unwrap();
                }
            });
        }
    });
    let store = fx.open();
    assert_eq!(store.entities("light", None).unwrap().len(), 8);
    for t in 0..8 {
        assert_eq!(assert_chain(&store, "light", &format!("l-{t}")), 101);
    }
}

/// Units per thread in [`units_that_lock_their_entities_first_never_deadlock`].
const UNITS: u64 = 25;

/// Four threads run units that each fire the same two entities, half in
/// one order, half in the other, each unit locking both first: none
/// deadlocks (on PostgreSQL, without the lock, such units do, and the
/// server ends one of each pair), every unit commits, and the chains are
/// whole.
pub(crate) fn units_that_lock_their_entities_first_never_deadlock(fx: Fixture) {
    let store = fx.open();
    for id in ["a", "b"] {
        store
            .create(id, &AnyLamp::from(Lamp::new(0)), &meta())
            .unwrap();
    }
    std::thread::scope(|s| {
        for t in 0..4 {
            let fx = &fx;
            s.spawn(move || {
                let store = fx.open();
                let order = if t % 2 == 0 { ["a", "b"] } else { ["b", "a"] };
                for _ in 0..UNITS {
                    store
                        .unit(|u| {
                            u.lock_entities("lamp", &order)?;
                            u.fire::<AnyLamp>(order[0], LampEvent::Toggle, &meta())?;
                            // Widens the window in which a unit holds one
                            // lamp and wants the other: where units that
                            // did not lock both first deadlock.
                            std::thread::sleep(std::time::Duration::from_millis(1));
                            u.fire::<AnyLamp>(order[1], LampEvent::Toggle, &meta())
                        })
                        .unwrap_or_else(|e| panic!("a unit failed: {e:?}"));
                }
            });
        }
    });
    for id in ["a", "b"] {
        assert_eq!(assert_chain(&store, "lamp", id), 1 + 4 * UNITS);
    }
    let missing = store.unit(|u| u.lock_entities("lamp", &["a", "nobody"]));
    assert!(
        matches!(&missing, Err(StoreError::NotFound { entity_id, .. }) if entity_id == "nobody"),
        "{missing:?}"
    );
}
