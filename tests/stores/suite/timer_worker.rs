//! The timer worker: wakes when a timer falls due, sleeps no longer than
//! its polling interval, does not spin on a timer it cannot fire, and
//! stops at once when told.

use std::time::Duration;

use super::fixture::{Fixture, PATIENCE, eventually, last_move, meta, on_its_own_thread};
use super::machines::{AnyBreaker, AnyKettle, AnyTicker, Kettle, KettleState, Ticker};
use super::timers::two_tripped_breakers;
use serde_json::json;
use stateforge::Definition;
use stateforge::runtime::db::blocking::{StopSignal, Store, TimerWorker};
use stateforge::runtime::{DynMachine, Registry};

/// Far longer than any test waits: a worker that sleeps this long has
/// relied on the polling interval where it should not have.
const AN_HOUR: Duration = Duration::from_secs(3600);

fn kettles(store: &Store, ids: &[&str]) {
    for id in ids {
        store
            .create(id, &AnyKettle::from(Kettle::new()), &meta())
            .unwrap();
    }
}

fn kettle_state(store: &Store, id: &str) -> KettleState {
    store.load::<AnyKettle>(id).unwrap().machine.state()
}

/// Kettles `ids`, once their timers are due (100 ms after their creation).
fn due_kettles(store: &Store, ids: &[&str]) {
    kettles(store, ids);
    std::thread::sleep(Duration::from_millis(150));
}

/// Kettles whose timers fall due 100 ms after they are created boil
/// although the worker's polling interval is an hour: it sleeps until the
/// next timer, not the interval. Asleep with nothing left to fire, it
/// stops as soon as it is told, and says how many timers it fired.
pub(crate) fn a_worker_wakes_for_each_timer_and_stops_when_told(fx: Fixture) {
    let store = fx.open();
    kettles(&store, &["k-0", "k-1"]);
    std::thread::sleep(Duration::from_millis(30));
    kettles(&store, &["k-2"]);
    let worker = TimerWorker::new()
        .machine::<AnyKettle>()
        .poll_interval(AN_HOUR);
    let stop = StopSignal::new();
    // With a store of its own: a worker the stop did not wake would
    // sleep an hour.
    let (running, running_store, running_stop) = (worker.clone(), fx.open(), stop.clone());
    let finished = on_its_own_thread(move || running.run(&running_store, &running_stop));
    eventually("every kettle boils", || {
        ["k-0", "k-1", "k-2"]
            .iter()
            .all(|id| kettle_state(&store, id) == KettleState::Boiled)
    });
    assert!(store.next_due("kettle").unwrap().is_none());
    stop.stop();
    let fired = finished
        .recv_timeout(PATIENCE)
        .expect("a stopped worker returns, asleep or not");
    assert_eq!(fired, 3);
    assert_eq!(
        last_move(&store, "kettle", "k-2"),
        (Some("boil".into()), Some("timer".into()))
    );
    // Stopped, it stays stopped: a run on the same signal does nothing.
    assert_eq!(worker.run(&store, &stop), 0);
}

/// A round sleeps until the next timer when that comes before the polling
/// interval, the interval otherwise, and the interval when there is no
/// timer at all.
pub(crate) fn a_round_sleeps_until_the_next_timer_or_the_polling_interval(fx: Fixture) {
    let store = fx.open();
    let worker = TimerWorker::new().machine::<AnyBreaker>();
    let round = worker.clone().poll_interval(AN_HOUR).round(&store).unwrap();
    assert_eq!(
        (round.fired, round.wait),
        (0, AN_HOUR),
        "no timer: the interval"
    );

    two_tripped_breakers(&store); // due in 30 s
    let round = worker.clone().poll_interval(AN_HOUR).round(&store).unwrap();
    assert_eq!(round.fired, 0);
    assert!(
        round.wait <= Duration::from_secs(30) && round.wait > Duration::from_secs(20),
        "until the breakers' reset, 30 s after their trip: {:?}",
        round.wait
    );
    let short = Duration::from_secs(5);
    let round = worker.poll_interval(short).round(&store).unwrap();
    assert_eq!(
        (round.fired, round.wait),
        (0, short),
        "the interval comes first"
    );
}

/// A timer left due because its entity does not restore (a row of another
/// definition) makes the round sleep for the polling interval, not zero:
/// the worker does not spin on it. Nor does it hide a timer behind it: the
/// round still wakes for that one.
pub(crate) fn a_kept_timer_waits_for_the_polling_interval_and_hides_no_later_one(fx: Fixture) {
    let store = fx.open();
    // The stranger's timer is due, k-1's too: k-1 boils, the stranger's
    // timer is kept.
    due_kettles(&store, &["stranger", "k-1"]);
    fx.execute(&format!(
        "UPDATE {} SET fingerprint = '0000000000000001' WHERE entity_id = 'stranger'",
        fx.table("entities")
    ));
    let worker = TimerWorker::new()
        .machine::<AnyKettle>()
        .poll_interval(AN_HOUR);
    let round = worker.round(&store).unwrap();
    assert_eq!(round.fired, 1);
    assert_eq!(kettle_state(&store, "k-1"), KettleState::Boiled);
    assert!(
        store.next_due("kettle").unwrap().is_some(),
        "the stranger's timer is kept"
    );
    assert_eq!(round.wait, AN_HOUR, "a kept timer does not wake the worker");

    // k-2's timer, moved 30 s ahead: due after the kept one, and not
    // before the round looks, however slow the machine.
    kettles(&store, &["k-2"]);
    fx.execute(&format!(
        "UPDATE {} SET due_at = due_at + 30000000 WHERE entity_id = 'k-2'",
        fx.table("timers")
    ));
    let round = worker.round(&store).unwrap();
    assert_eq!(round.fired, 0);
    assert!(
        round.wait > Duration::from_secs(20) && round.wait <= Duration::from_secs(31),
        "k-2's timer wakes it: {:?}",
        round.wait
    );
}

/// A round goes on claiming while batches come back full, so a batch
/// smaller than the due timers still fires all of them in one round.
pub(crate) fn a_round_fires_every_due_timer_however_small_the_batch(fx: Fixture) {
    let store = fx.open();
    let ids = ["k-0", "k-1", "k-2", "k-3", "k-4"];
    due_kettles(&store, &ids);
    let round = TimerWorker::new()
        .machine::<AnyKettle>()
        .batch(2)
        .round(&store)
        .unwrap();
    assert_eq!(round.fired, 5);
    for id in ids {
        assert_eq!(kettle_state(&store, id), KettleState::Boiled);
    }
    // A batch whose limit a timer used up without firing (its entity row
    // was deleted past the store) is full all the same: the round goes on
    // to the timers behind it instead of leaving them for the interval.
    due_kettles(&store, &["gone", "k-6", "k-7"]);
    fx.execute(&format!(
        "DELETE FROM {} WHERE entity_id = 'gone'",
        fx.table("entities")
    ));
    let round = TimerWorker::new()
        .machine::<AnyKettle>()
        .batch(2)
        .poll_interval(AN_HOUR)
        .round(&store)
        .unwrap();
    assert_eq!(
        round.fired, 2,
        "the deleted one's timer is used up, not fired"
    );
    for id in ["k-6", "k-7"] {
        assert_eq!(kettle_state(&store, id), KettleState::Boiled);
    }
    assert_eq!(round.wait, AN_HOUR);
    // `batch(0)` would claim nothing, for ever: it means one.
    due_kettles(&store, &["k-5"]);
    let round = TimerWorker::new()
        .machine::<AnyKettle>()
        .batch(0)
        .round(&store)
        .unwrap();
    assert_eq!(round.fired, 1);
}

/// One worker fires the timers of a generated machine and of a dynamic
/// one, each through its own definition, and wakes for the sooner.
pub(crate) fn a_worker_fires_typed_and_dynamic_machines_in_one_round(fx: Fixture) {
    let def = Definition::from_json(
        r#"{"name": "lease",
            "states": [{"name": "held", "initial": true}, {"name": "expired", "final": true}],
            "events": [{"name": "expire", "arms": [{"from": ["held"], "to": "expired"}]}],
            "timers": [{"state": "held", "event": "expire", "after_ms": 100}]}"#,
    )
    .unwrap();
    let bound = Registry::new().bind(def).unwrap();
    let store = fx.open();
    store
        .create_dyn("l", &DynMachine::new(bound.clone(), json!({})), &meta())
        .unwrap();
    two_tripped_breakers(&store); // due in 30 s
    due_kettles(&store, &["k"]); // the lease's timer, 100 ms, is due too
    let worker = TimerWorker::new()
        .machine::<AnyKettle>()
        .definition(bound.clone())
        .machine::<AnyBreaker>()
        .poll_interval(AN_HOUR);
    assert_eq!(
        worker.machines().collect::<Vec<_>>(),
        ["kettle", "lease", "breaker"]
    );
    let round = worker.round(&store).unwrap();
    assert_eq!(round.fired, 2);
    assert_eq!(kettle_state(&store, "k"), KettleState::Boiled);
    assert_eq!(
        store.load_dyn(&bound, "l").unwrap().machine.state_name(),
        "expired"
    );
    assert!(
        round.wait > Duration::from_secs(20) && round.wait <= Duration::from_secs(30),
        "the breakers' reset is the next: {:?}",
        round.wait
    );
}

/// A round ends although every timer it fires arms another, due a
/// millisecond later, and every batch comes back full: it fires what was
/// due when it started, and says to start the next round at once.
pub(crate) fn a_round_ends_though_its_firings_arm_timers_that_fall_due(fx: Fixture) {
    let store = fx.open();
    for id in ["t-0", "t-1"] {
        store
            .create(id, &AnyTicker::from(Ticker::new()), &meta())
            .unwrap();
    }
    std::thread::sleep(Duration::from_millis(20));
    let running_store = fx.open();
    let finished = on_its_own_thread(move || {
        TimerWorker::new()
            .machine::<AnyTicker>()
            .batch(1)
            .poll_interval(AN_HOUR)
            .round(&running_store)
    });
    let round = finished
        .recv_timeout(PATIENCE)
        .expect("the round ends")
        .unwrap();
    assert_eq!(round.fired, 2, "the two timers due when it started");
    assert!(
        round.wait <= Duration::from_millis(1),
        "the timers its firings armed are due: {:?}",
        round.wait
    );
}
