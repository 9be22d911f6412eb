//! Timers of compound and parallel states: a timer belongs to the state
//! declaring it, so it keeps running, due when it was, while that state
//! stays active however the configuration around it changes; leaving the
//! state cancels it, and entering it (again) starts it.

use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::blocking::Store;
use stateforge::runtime::{Bound, DynMachine, Registry, Timestamp};

use super::Fixture;
use super::fixture::{last_move, meta};

/// A machine defined as data, bound without guards or actions.
fn bind(spec: &Value) -> std::sync::Arc<Bound<Value>> {
    let def = Definition::from_json(&spec.to_string()).unwrap();
    Registry::<Value>::new().bind(def).unwrap()
}

/// A job that works and logs at once: `busy` times out after ten
/// seconds; `poke` leaves `busy` and enters it again; the log region
/// moves by `shout` and `hush`.
fn job() -> Value {
    json!({
        "format": 3,
        "name": "job",
        "states": [
            {"name": "running", "kind": "parallel", "initial": true},
            {"name": "work", "parent": "running", "kind": "compound"},
            {"name": "busy", "parent": "work", "initial": true},
            {"name": "idle", "parent": "work"},
            {"name": "finished", "parent": "work", "final": true},
            {"name": "log", "parent": "running", "kind": "compound"},
            {"name": "quiet", "parent": "log", "initial": true},
            {"name": "loud", "parent": "log"},
            {"name": "muted", "parent": "log", "final": true},
            {"name": "stopped", "final": true}
        ],
        "events": [
            {"name": "time_out", "arms": [{"from": ["busy"], "to": "idle"}]},
            {"name": "wake", "arms": [{"from": ["idle"], "to": "busy"}]},
            {"name": "poke", "arms": [{"from": ["busy"], "to": "busy"}]},
            {"name": "shout", "arms": [{"from": ["quiet"], "to": "loud"}]},
            {"name": "hush", "arms": [{"from": ["loud"], "to": "quiet"}]},
            {"name": "finish", "arms": [{"from": ["idle"], "to": "finished"}]},
            {"name": "mute", "arms": [{"from": ["loud"], "to": "muted"}]},
            {"name": "stop", "arms": [{"from": ["running"], "to": "stopped"}]}
        ],
        "timers": [{"state": "busy", "event": "time_out", "after_ms": 10000}]
    })
}

fn fire(store: &Store, bound: &std::sync::Arc<Bound<Value>>, id: &str, event: &str) {
    store
        .fire_dyn(bound, id, event, &Value::Null, &meta())
        .unwrap();
}

fn state(store: &Store, bound: &std::sync::Arc<Bound<Value>>, id: &str) -> String {
    store
        .load_dyn(bound, id)
        .unwrap()
        .machine
        .state_name()
        .to_owned()
}

/// `(event, state, due_at)`.
fn timer(event: &str, state: &str, due_at: i64) -> (String, String, i64) {
    (event.to_owned(), state.to_owned(), due_at)
}

/// The due time of the entity's one timer of `event`.
fn due(fx: &Fixture, id: &str, event: &str) -> i64 {
    let timers = fx.timers(id);
    let found: Vec<i64> = timers
        .iter()
        .filter(|t| t.0 == event)
        .map(|t| t.2)
        .collect();
    match found.as_slice() {
        [due] => *due,
        _ => panic!("not one `{event}` timer: {timers:?}"),
    }
}

pub(crate) fn a_region_that_does_not_move_keeps_its_states_timer(fx: Fixture) {
    let bound = bind(&job());
    let store = fx.open();
    store
        .create_dyn("j", &DynMachine::new(bound.clone(), json!({})), &meta())
        .unwrap();
    let quiet = "running.work.busy,running.log.quiet";
    let loud = "running.work.busy,running.log.loud";
    let armed = due(&fx, "j", "time_out");
    assert_eq!(fx.timers("j"), [timer("time_out", quiet, armed)]);

    // The log region moves, twice: `busy`'s timer runs on, due when it
    // was, named after the configuration the entity is in.
    fire(&store, &bound, "j", "shout");
    assert_eq!(fx.timers("j"), [timer("time_out", loud, armed)]);
    fire(&store, &bound, "j", "hush");
    assert_eq!(fx.timers("j"), [timer("time_out", quiet, armed)]);
    fire(&store, &bound, "j", "shout");

    // Due, it fires from the configuration it was carried to.
    let just_before = Timestamp::from_micros(armed - 1);
    assert_eq!(store.fire_due_dyn(&bound, just_before, 10).unwrap(), 0);
    let at_due = Timestamp::from_micros(armed);
    assert_eq!(store.fire_due_dyn(&bound, at_due, 10).unwrap(), 1);
    assert_eq!(
        state(&store, &bound, "j"),
        "running.work.idle,running.log.loud"
    );
    assert_eq!(
        last_move(&store, "job", "j"),
        (Some("time_out".into()), Some("timer".into()))
    );
    assert!(fx.timers("j").is_empty());

    // Entering `busy` again starts its timer; leaving `busy` and entering
    // it again by `poke` restarts it.
    fire(&store, &bound, "j", "wake");
    let woken = due(&fx, "j", "time_out");
    assert!(woken > armed, "started anew: {woken} after {armed}");
    fire(&store, &bound, "j", "poke");
    let poked = due(&fx, "j", "time_out");
    assert!(poked > woken, "restarted: {poked} after {woken}");
    assert_eq!(fx.timers("j"), [timer("time_out", loud, poked)]);

    // Leaving `busy` by hand cancels its timer.
    fire(&store, &bound, "j", "time_out");
    assert!(fx.timers("j").is_empty());
    fire(&store, &bound, "j", "wake");
    assert_eq!(fx.timers("j").len(), 1);
    // So does leaving the parallel state, from any configuration.
    fire(&store, &bound, "j", "stop");
    assert!(fx.timers("j").is_empty());
    assert!(store.next_due("job").unwrap().is_none());
    let much_later = Timestamp::from_micros(poked) + std::time::Duration::from_secs(3600);
    assert_eq!(store.fire_due_dyn(&bound, much_later, 10).unwrap(), 0);
    assert_eq!(state(&store, &bound, "j"), "stopped");
}

/// A ticket worked on inside `active`, which expires after an hour
/// however it moves inside; `working` pauses by itself after ten
/// seconds, and `reopen` leaves `active` and enters it again.
fn ticket() -> Value {
    json!({
        "format": 3,
        "name": "ticket",
        "states": [
            {"name": "open", "initial": true},
            {"name": "active", "kind": "compound"},
            {"name": "assigned", "parent": "active", "initial": true},
            {"name": "working", "parent": "active"},
            {"name": "closed", "final": true}
        ],
        "events": [
            {"name": "take", "arms": [{"from": ["open"], "to": "active"}]},
            {"name": "start", "arms": [{"from": ["assigned"], "to": "working"}]},
            {"name": "pause", "arms": [{"from": ["working"], "to": "assigned"}]},
            {"name": "reopen", "arms": [{"from": ["active"], "to": "active"}]},
            {"name": "expire", "arms": [{"from": ["active"], "to": "closed"}]}
        ],
        "timers": [
            {"state": "active", "event": "expire", "after_ms": 3600000},
            {"state": "working", "event": "pause", "after_ms": 10000}
        ]
    })
}

pub(crate) fn a_compound_states_timer_runs_across_moves_between_its_children(fx: Fixture) {
    let bound = bind(&ticket());
    let store = fx.open();
    store
        .create_dyn("t", &DynMachine::new(bound.clone(), json!({})), &meta())
        .unwrap();
    assert!(fx.timers("t").is_empty());
    fire(&store, &bound, "t", "take");
    let expires = due(&fx, "t", "expire");
    assert_eq!(
        fx.timers("t"),
        [timer("expire", "active.assigned", expires)]
    );

    // Moving between `active`'s children keeps `active`'s timer; the
    // child's own timer starts and is cancelled with it.
    fire(&store, &bound, "t", "start");
    let pauses = due(&fx, "t", "pause");
    assert!(pauses < expires);
    assert_eq!(
        fx.timers("t"),
        [
            timer("expire", "active.working", expires),
            timer("pause", "active.working", pauses)
        ]
    );
    // `working`'s timer fires; `active`'s runs on.
    assert_eq!(
        store
            .fire_due_dyn(&bound, Timestamp::from_micros(pauses), 10)
            .unwrap(),
        1
    );
    assert_eq!(state(&store, &bound, "t"), "active.assigned");
    assert_eq!(
        fx.timers("t"),
        [timer("expire", "active.assigned", expires)]
    );
    fire(&store, &bound, "t", "start");
    fire(&store, &bound, "t", "pause");
    assert_eq!(
        fx.timers("t"),
        [timer("expire", "active.assigned", expires)]
    );

    // Leaving `active` and entering it again restarts its timer.
    fire(&store, &bound, "t", "reopen");
    let reopened = due(&fx, "t", "expire");
    assert!(reopened > expires, "restarted: {reopened} after {expires}");
    assert_eq!(
        fx.timers("t"),
        [timer("expire", "active.assigned", reopened)]
    );

    // Both timers due in one call: `pause` fires first and keeps
    // `expire` running, as a new row, which the call does not fire from
    // the page it claimed before; the next call does.
    fire(&store, &bound, "t", "start");
    let at_expiry = Timestamp::from_micros(reopened);
    assert_eq!(store.fire_due_dyn(&bound, at_expiry, 10).unwrap(), 1);
    assert_eq!(state(&store, &bound, "t"), "active.assigned");
    assert_eq!(
        fx.timers("t"),
        [timer("expire", "active.assigned", reopened)]
    );
    assert_eq!(store.fire_due_dyn(&bound, at_expiry, 10).unwrap(), 1);
    assert_eq!(state(&store, &bound, "t"), "closed");
    assert!(fx.timers("t").is_empty());
    assert!(store.next_due("ticket").unwrap().is_none());
}
