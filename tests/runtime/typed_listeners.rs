//! Listeners around generated machines, alone and through the store:
//! order, veto, and failures that never break a transition.

use std::sync::{Arc, Mutex};

use stateforge::runtime::db::{HistoryQuery, SqliteStore, StoreError, TransitionMeta};
use stateforge::runtime::{FireError, Listeners};

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Step {
        context: u32;
        initial state Pending;
        state Running;
        final state Done;
        event start: Pending -> Running;
        event finish: Running -> Done;
    }
}

type Log = Arc<Mutex<Vec<String>>>;

fn logging(log: &Log) -> Listeners<AnyStep> {
    let mut listeners = Listeners::<AnyStep>::new();
    for name in ["first", "second"] {
        let log = Arc::clone(log);
        listeners.before(name, move |t, _| {
            log.lock().unwrap().push(format!("before {name}: {t}"));
            Ok(())
        });
    }
    let after = Arc::clone(log);
    listeners.after("fails", |_, _| Err("metrics backend down".into()));
    listeners.after("panics", |_, _| panic!("a bug in a listener"));
    listeners.after("records", move |t, m| {
        after
            .lock()
            .unwrap()
            .push(format!("after: {t} (now {})", m.state()));
        Ok(())
    });
    listeners
}

#[test]
fn listeners_run_in_order_and_failures_do_not_break_the_transition() {
    let log = Log::default();
    let listeners = logging(&log);
    let step = listeners
        .fire(AnyStep::from(Step::new(0)), StepEvent::Start, Some("s-1"))
        .unwrap();
    assert_eq!(
        step.state(),
        StepState::Running,
        "applied despite a failing and a panicking listener"
    );
    assert_eq!(
        *log.lock().unwrap(),
        [
            "before first: step s-1: pending --start--> running",
            "before second: step s-1: pending --start--> running",
            "after: step s-1: pending --start--> running (now running)",
        ]
    );
}

#[test]
fn a_veto_stops_the_transition_and_hands_everything_back() {
    let log = Log::default();
    let mut listeners = logging(&log);
    listeners.before("quota", |t, m| {
        if t.event == "start" && *m.context() >= 3 {
            Err("too many running steps".into())
        } else {
            Ok(())
        }
    });
    let err = listeners
        .fire(AnyStep::from(Step::new(3)), StepEvent::Start, None)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "listener `quota` vetoed the transition: too many running steps"
    );
    let (step, _event) = err.into_parts();
    assert_eq!(step.state(), StepState::Pending);
    assert!(
        log.lock().unwrap().iter().all(|l| !l.starts_with("after")),
        "no after-listener ran"
    );
}

#[test]
fn a_refused_event_reaches_no_listener() {
    let log = Log::default();
    let listeners = logging(&log);
    let err = listeners
        .fire(AnyStep::from(Step::new(0)), StepEvent::Finish, None)
        .unwrap_err();
    assert!(matches!(err, FireError::NotAllowed(_)));
    assert!(log.lock().unwrap().is_empty());
}

#[test]
fn through_the_store_a_veto_writes_nothing_and_after_listeners_see_committed_state() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(dir.path().join("s.db")).unwrap());
    store
        .create("s-1", &AnyStep::from(Step::new(0)), &TransitionMeta::new())
        .unwrap();

    let seen = Log::default();
    let mut listeners = Listeners::<AnyStep>::new();
    let (store_in, seen_in) = (Arc::clone(&store), Arc::clone(&seen));
    listeners.after("reads back", move |t, _| {
        // The transition is committed when after-listeners run.
        let id = t.entity_id.unwrap_or_default();
        let stored = store_in.load::<AnyStep>(id)?;
        seen_in
            .lock()
            .unwrap()
            .push(format!("{id} stored as {}", stored.machine.state()));
        Ok(())
    });
    listeners.after("panics", |_, _| panic!("boom"));
    store
        .fire_with(&listeners, "s-1", StepEvent::Start, &TransitionMeta::new())
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), ["s-1 stored as running"]);

    listeners.before("freeze", |_, _| Err("release freeze".into()));
    let err = store
        .fire_with(&listeners, "s-1", StepEvent::Finish, &TransitionMeta::new())
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Vetoed { listener, .. } if listener == "freeze"),
        "{err}"
    );
    assert_eq!(
        store.load::<AnyStep>("s-1").unwrap().machine.state(),
        StepState::Running
    );
    assert_eq!(
        store
            .history(&HistoryQuery::entity("step", "s-1"))
            .unwrap()
            .len(),
        2
    );
}
