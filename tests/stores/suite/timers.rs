//! Timers: each fires once across workers and restarts; leaving a state
//! cancels its timer.

use std::time::Duration;

use super::fixture::{Fixture, assert_chain, last_move, meta, records};
use super::machines::{
    AnyBreaker, AnyLamp, AnyPoller, Breaker, BreakerEvent, BreakerState, Lamp, LampEvent, Poller,
    PollerState,
};
use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::{StoreError, blocking::Store};
use stateforge::runtime::{DynMachine, Registry, Timestamp};

/// Timers set by a store that is closed before any worker starts fire
/// exactly once among four workers with connections of their own, each
/// taking them a page at a time.
pub(crate) fn timers_fire_once_and_survive_a_restart(fx: Fixture) {
    const BREAKERS: usize = 60;
    {
        let store = fx.open();
        for i in 0..BREAKERS {
            let id = format!("b-{i}");
            store
                .create(&id, &AnyBreaker::from(Breaker::new(0)), &meta())
                .unwrap();
            store
                .fire::<AnyBreaker>(&id, BreakerEvent::Trip, &meta())
                .unwrap();
        }
        // A refused event leaves the timer where it is.
        store
            .fire::<AnyBreaker>("b-0", BreakerEvent::Trip, &meta())
            .unwrap_err();
        // Nothing is due yet.
        assert_eq!(
            store.fire_due::<AnyBreaker>(Timestamp::now(), 100).unwrap(),
            0
        );
        assert!(store.next_due("breaker").unwrap().is_some());
    } // closed: the process "restarts"

    let later = Timestamp::now() + Duration::from_secs(31);
    // Four workers, each with its own connection, race for the timers.
    let fired: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let fx = &fx;
                s.spawn(move || {
                    let store = fx.open();
                    let mut fired = 0;
                    loop {
                        match store.fire_due::<AnyBreaker>(later, 7).unwrap() {
                            0 => break fired,
                            n => fired += n,
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(fired, BREAKERS, "each timer fired exactly once");
    let store = fx.open();
    for i in 0..BREAKERS {
        let id = format!("b-{i}");
        assert_eq!(
            store.load::<AnyBreaker>(&id).unwrap().machine.state(),
            BreakerState::HalfOpen
        );
        assert_eq!(
            last_move(&store, "breaker", &id),
            (Some("reset".into()), Some("timer".into()))
        );
        assert_eq!(assert_chain(&store, "breaker", &id), 3);
    }
    let history = fx.table("history");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM {history} WHERE machine = 'breaker' AND actor = 'timer'"
        )),
        i64::try_from(BREAKERS).unwrap(),
        "one record a timer"
    );
    assert!(store.next_due("breaker").unwrap().is_none());
    assert_eq!(store.fire_due::<AnyBreaker>(later, 100).unwrap(), 0);
}

/// Timers drained a page at a time each write their entity's next
/// version and history record: every chain stays unbroken, and each call
/// fires no more than its limit.
pub(crate) fn a_drain_in_pages_keeps_every_history_chain(fx: Fixture) {
    let store = fx.open();
    let ids: Vec<String> = (0..25).map(|i| format!("b-{i:02}")).collect();
    for id in &ids {
        store
            .create(id, &AnyBreaker::from(Breaker::new(0)), &meta())
            .unwrap();
        store
            .fire::<AnyBreaker>(id, BreakerEvent::Trip, &meta())
            .unwrap();
    }
    let later = Timestamp::now() + Duration::from_secs(31);
    let calls: Vec<usize> =
        std::iter::from_fn(|| match store.fire_due::<AnyBreaker>(later, 8).unwrap() {
            0 => None,
            n => Some(n),
        })
        .collect();
    assert_eq!(calls, [8, 8, 8, 1]);
    for id in &ids {
        assert_eq!(assert_chain(&store, "breaker", id), 3, "{id}");
        let history = store
            .history(&stateforge::runtime::db::HistoryQuery::entity(
                "breaker", id,
            ))
            .unwrap();
        let last = history.last().unwrap();
        assert_eq!(
            (last.from.as_deref(), last.to.as_str()),
            (Some("open"), "half_open"),
            "{id}"
        );
        assert_eq!(
            last_move(&store, "breaker", id),
            (Some("reset".into()), Some("timer".into()))
        );
    }
    assert!(store.next_due("breaker").unwrap().is_none());
}

/// Two timers of one entity on one page, the first used up unfired (its
/// guard refuses) and the second firing: both are used up, the second's
/// transition is written once, and the limit counts both.
pub(crate) fn a_page_uses_up_a_refused_timer_before_its_entitys_next_one_fires(fx: Fixture) {
    let def = Definition::from_json(
        r#"{"name": "watch",
            "states": [{"name": "armed", "initial": true}, {"name": "rung", "final": true}],
            "events": [
                {"name": "check", "arms": [{"from": ["armed"], "to": "armed", "guard": "never"}]},
                {"name": "ring", "arms": [{"from": ["armed"], "to": "rung"}]}
            ],
            "timers": [{"state": "armed", "event": "check", "after_ms": 10000},
                       {"state": "armed", "event": "ring", "after_ms": 20000}]}"#,
    )
    .unwrap();
    let bound = Registry::<Value>::new()
        .guard("never", |_, _| false)
        .bind(def)
        .unwrap();
    let store = fx.open();
    let ids = ["w-0", "w-1", "w-2"];
    for id in ids {
        store
            .create_dyn(id, &DynMachine::new(bound.clone(), json!({})), &meta())
            .unwrap();
    }
    let later = Timestamp::now() + Duration::from_secs(21);
    // Claimed by due time: the three checks, then w-0's ring, which ends
    // the first call's limit of 4; then the other two rings.
    assert_eq!(store.fire_due_dyn(&bound, later, 4).unwrap(), 1);
    assert_eq!(store.fire_due_dyn(&bound, later, 4).unwrap(), 2);
    assert_eq!(store.fire_due_dyn(&bound, later, 4).unwrap(), 0);
    for id in ids {
        let loaded = store.load_dyn(&bound, id).unwrap();
        assert_eq!(
            (loaded.machine.state_name(), loaded.version),
            ("rung", 2),
            "{id}"
        );
        assert_eq!(
            last_move(&store, "watch", id),
            (Some("ring".into()), Some("timer".into()))
        );
        assert_eq!(assert_chain(&store, "watch", id), 2);
    }
    assert!(store.next_due("watch").unwrap().is_none());
}

/// Leaving a state, by its timed event fired by hand or by another
/// event, cancels the state's timer.
pub(crate) fn leaving_a_state_cancels_its_timer(fx: Fixture) {
    let store = fx.open();
    let later = Timestamp::now() + Duration::from_secs(60);
    // By the timed event itself, fired by hand.
    store
        .create("b", &AnyBreaker::from(Breaker::new(0)), &meta())
        .unwrap();
    store
        .fire::<AnyBreaker>("b", BreakerEvent::Trip, &meta())
        .unwrap();
    assert!(store.next_due("breaker").unwrap().is_some());
    store
        .fire::<AnyBreaker>("b", BreakerEvent::Reset, &meta())
        .unwrap();
    assert!(store.next_due("breaker").unwrap().is_none());
    assert_eq!(store.fire_due::<AnyBreaker>(later, 10).unwrap(), 0);
    assert_eq!(assert_chain(&store, "breaker", "b"), 3);

    // By another event.
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert!(store.next_due("lamp").unwrap().is_some());
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert!(store.next_due("lamp").unwrap().is_none());
    assert_eq!(store.fire_due::<AnyLamp>(later, 10).unwrap(), 0);
    assert_eq!(assert_chain(&store, "lamp", "l"), 3);
}

/// Breakers `b-0` and `b-1`, tripped in that order: each has its `reset`
/// timer, due in 30 s, `b-0`'s first.
pub(crate) fn two_tripped_breakers(store: &Store) {
    for id in ["b-0", "b-1"] {
        store
            .create(id, &AnyBreaker::from(Breaker::new(0)), &meta())
            .unwrap();
        store
            .fire::<AnyBreaker>(id, BreakerEvent::Trip, &meta())
            .unwrap();
    }
}

/// A timer whose entity does not restore (here: a row written under
/// another definition) stays where it is and does not hold up the timers
/// behind it, nor count against the limit; once the row restores, it
/// fires.
pub(crate) fn a_timer_whose_entity_does_not_restore_is_kept(fx: Fixture) {
    let store = fx.open();
    two_tripped_breakers(&store);
    let entities = fx.table("entities");
    // b-0's timer is due first: it is the one claimed first.
    fx.execute(&format!(
        "UPDATE {entities} SET fingerprint = '0000000000000001' WHERE entity_id = 'b-0'"
    ));
    let later = Timestamp::now() + Duration::from_secs(31);
    assert_eq!(store.fire_due::<AnyBreaker>(later, 1).unwrap(), 1);
    let state = |id| store.load::<AnyBreaker>(id).map(|l| l.machine.state());
    assert_eq!(state("b-1").unwrap(), BreakerState::HalfOpen);
    assert!(state("b-0").is_err(), "b-0 is still unreadable");
    assert!(
        store.next_due("breaker").unwrap().is_some(),
        "b-0's timer is kept"
    );
    assert_eq!(store.fire_due::<AnyBreaker>(later, 10).unwrap(), 0);
    assert!(
        store.next_due("breaker").unwrap().is_some(),
        "and kept again"
    );

    fx.execute(&format!(
        "UPDATE {entities} SET fingerprint = (SELECT fingerprint FROM {entities} WHERE entity_id = 'b-1')
         WHERE entity_id = 'b-0'"
    ));
    assert_eq!(store.fire_due::<AnyBreaker>(later, 10).unwrap(), 1);
    assert_eq!(state("b-0").unwrap(), BreakerState::HalfOpen);
    assert_eq!(assert_chain(&store, "breaker", "b-0"), 3);
    assert!(store.next_due("breaker").unwrap().is_none());
}

/// A timer whose entity row was deleted past the store is used up: it
/// neither fires nor stays due, so `next_due` does not keep naming it.
pub(crate) fn a_timer_whose_entity_was_deleted_is_used_up(fx: Fixture) {
    let store = fx.open();
    two_tripped_breakers(&store);
    fx.execute(&format!(
        "DELETE FROM {} WHERE entity_id = 'b-0'",
        fx.table("entities")
    ));
    let later = Timestamp::now() + Duration::from_secs(31);
    assert_eq!(store.fire_due::<AnyBreaker>(later, 10).unwrap(), 1);
    let b1 = store.load::<AnyBreaker>("b-1").unwrap();
    assert_eq!(b1.machine.state(), BreakerState::HalfOpen);
    assert_eq!(store.next_due("breaker").unwrap(), None);
}

/// Timers whose entities were deleted past the store, interleaved with
/// live ones and behind kept ones, are all used up by calls in small
/// batches, and every live one fires: a kept timer does not hide the
/// orphans behind it, nor an orphan the live timers.
pub(crate) fn orphan_timers_among_live_ones_are_all_used_up(fx: Fixture) {
    let store = fx.open();
    let ids: Vec<String> = (0..60).map(|i| format!("b-{i:02}")).collect();
    for id in &ids {
        store
            .create(id, &AnyBreaker::from(Breaker::new(0)), &meta())
            .unwrap();
        store
            .fire::<AnyBreaker>(id, BreakerEvent::Trip, &meta())
            .unwrap();
    }
    let (entities, timers) = (fx.table("entities"), fx.table("timers"));
    // The two due first do not restore: their timers are kept.
    fx.execute(&format!(
        "UPDATE {entities} SET fingerprint = '0000000000000001' WHERE entity_id IN ('b-00', 'b-01')"
    ));
    let orphaned: Vec<&String> = ids[2..]
        .iter()
        .enumerate()
        .filter(|(i, _)| (i + 2) % 3 != 0)
        .map(|(_, id)| id)
        .collect();
    let live: Vec<&String> = ids[2..]
        .iter()
        .filter(|id| !orphaned.contains(id))
        .collect();
    assert_eq!((orphaned.len(), live.len()), (39, 19));
    let listed = orphaned
        .iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(", ");
    fx.execute(&format!(
        "DELETE FROM {entities} WHERE entity_id IN ({listed})"
    ));
    let later = Timestamp::now() + Duration::from_secs(31);
    let (mut fired, mut calls) = (0, 0);
    while fx.count(&format!("SELECT count(*) FROM {timers}")) > 2 {
        calls += 1;
        assert!(calls <= 20, "{calls} calls of 4 and timers are left");
        fired += store.fire_due::<AnyBreaker>(later, 4).unwrap();
    }
    assert_eq!(fired, live.len());
    // The 58 timers used up, 4 a call.
    assert_eq!(calls, 15);
    for id in live {
        let loaded = store.load::<AnyBreaker>(id).unwrap();
        assert_eq!(loaded.machine.state(), BreakerState::HalfOpen, "{id}");
    }
    let kept = fx.count(&format!(
        "SELECT count(*) FROM {timers} WHERE entity_id IN ('b-00', 'b-01')"
    ));
    assert_eq!(kept, 2, "the kept timers stay");
    assert_eq!(store.fire_due::<AnyBreaker>(later, 4).unwrap(), 0);
}

/// Two timers of one entity due in the same call: when the first one's
/// transition re-enters the state, it replaces the state's timers, and
/// the second, claimed with it, no longer fires.
pub(crate) fn a_timer_cancelled_by_an_earlier_one_in_the_same_call_does_not_fire(fx: Fixture) {
    let store = fx.open();
    store
        .create("p", &AnyPoller::from(Poller::new(0)), &meta())
        .unwrap();
    let later = Timestamp::now() + Duration::from_secs(25);
    assert_eq!(store.fire_due::<AnyPoller>(later, 10).unwrap(), 1);
    let loaded = store.load::<AnyPoller>("p").unwrap();
    assert_eq!(loaded.machine.state(), PollerState::Waiting);
    assert_eq!(loaded.version, 2);
    assert_eq!(last_move(&store, "poller", "p").0.as_deref(), Some("poll"));
    assert_eq!(assert_chain(&store, "poller", "p"), 2);
    // The timers poll armed anew, due 10 s and 20 s from its firing.
    assert!(store.next_due("poller").unwrap().unwrap() > Timestamp::now());
}

/// A dynamic machine's timers fire by name, through the bound guards: a
/// refused one is dropped, and the timer fires once.
pub(crate) fn a_dynamic_machines_timers_fire_through_its_guards(fx: Fixture) {
    let def = Definition::from_json(
        r#"{"name": "lease",
            "states": [{"name": "held", "initial": true}, {"name": "expired", "final": true}],
            "events": [
                {"name": "renew", "arms": [{"from": ["held"], "to": "held"}]},
                {"name": "expire", "arms": [{"from": ["held"], "to": "expired", "guard": "not_pinned"}]}
            ],
            "timers": [{"state": "held", "event": "expire", "after_ms": 60000}]}"#,
    )
    .unwrap();
    let bound = Registry::<Value>::new()
        .guard("not_pinned", |lease, _| lease["pinned"] != true)
        .bind(def)
        .unwrap();
    let store = fx.open();
    for (id, context) in [("free", json!({})), ("pinned", json!({"pinned": true}))] {
        store
            .create_dyn(id, &DynMachine::new(bound.clone(), context), &meta())
            .unwrap();
    }
    assert_eq!(store.fire_due_dyn(&bound, Timestamp::now(), 10).unwrap(), 0);
    let later = Timestamp::now() + Duration::from_secs(61);
    assert_eq!(store.fire_due_dyn(&bound, later, 10).unwrap(), 1);
    let state = |id| {
        store
            .load_dyn(&bound, id)
            .unwrap()
            .machine
            .state_name()
            .to_owned()
    };
    assert_eq!(state("free"), "expired");
    assert_eq!(state("pinned"), "held", "the guard refused: dropped");
    assert_eq!(
        last_move(&store, "lease", "free"),
        (Some("expire".into()), Some("timer".into()))
    );
    assert_eq!(assert_chain(&store, "lease", "free"), 2);
    assert_eq!(assert_chain(&store, "lease", "pinned"), 1);
    assert!(store.next_due("lease").unwrap().is_none());
    assert_eq!(store.fire_due_dyn(&bound, later, 10).unwrap(), 0);
}

/// A timer whose entity's version is not one (below 1) or is the last a
/// row can hold is kept, like one whose entity does not restore: the
/// machine's other timers fire, and the row is left as it was.
pub(crate) fn a_timer_whose_entity_has_a_bad_version_is_kept(fx: Fixture) {
    let entities = fx.table("entities");
    for version in [-1, i64::MAX] {
        let store = fx.open();
        two_tripped_breakers(&store);
        // b-0's timer is due first: it is the one claimed first.
        fx.execute(&format!(
            "UPDATE {entities} SET version = {version} WHERE entity_id = 'b-0'"
        ));
        let later = Timestamp::now() + Duration::from_secs(31);
        assert_eq!(
            store.fire_due::<AnyBreaker>(later, 10).unwrap(),
            1,
            "{version}"
        );
        let b1 = store.load::<AnyBreaker>("b-1").unwrap();
        assert_eq!(b1.machine.state(), BreakerState::HalfOpen);
        assert!(
            store.next_due("breaker").unwrap().is_some(),
            "b-0's is kept"
        );
        assert_eq!(records(&store, "breaker", "b-0"), 2, "{version}");
        let b0 = store.entities_checked("breaker", None).unwrap().remove(0);
        match b0 {
            Ok(row) => assert_eq!(
                (row.version, row.state.as_str()),
                (i64::MAX.unsigned_abs(), "open")
            ),
            Err(e) => assert!(matches!(e, StoreError::BadRow { .. }), "{e:?}"),
        }
        fx.execute(&format!(
            "DELETE FROM {entities}; DELETE FROM {h}; DELETE FROM {t}",
            h = fx.table("history"),
            t = fx.table("timers")
        ));
    }
}
