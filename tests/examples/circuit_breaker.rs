//! Use case 3's circuit breaker: trips after the threshold, refuses while
//! open, and its reset timer fires after a restart.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/circuit_breaker.rs"]
mod example;

use example::Outcome::{Failed, Refused, Succeeded};
use stateforge::runtime::db::{HistoryQuery, blocking::Store};

use crate::pg_fixture::PgFixture;

#[test]
fn the_breaker_trips_refuses_and_resets_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.db");
    check_the_example(|| Store::open(path.to_str().unwrap()));
}

#[test]
fn the_example_on_postgres() {
    if let Some(pg) = PgFixture::new("breaker") {
        check_the_example(|| Ok(pg.reopen()));
    }
}

fn check_the_example(open: impl Fn() -> Result<Store, stateforge::runtime::db::StoreError>) {
    let report = example::run(&open).unwrap();

    assert_eq!(
        report.outcomes,
        [Failed, Failed, Failed, Refused, Succeeded]
    );
    assert_eq!(
        report.history,
        [
            "closed ()",
            "closed (failure)",
            "closed (failure)",
            "open (failure)",
            "half_open (reset)",
            "closed (success)",
        ]
    );
    let text = report.lines.join("\n");
    assert!(
        text.contains("after restart: 1 timer fired, breaker half_open"),
        "{text}"
    );

    // The reset was the timer's doing, recorded as such; the breaker
    // closed with its failure count back to zero.
    let store = open().unwrap();
    let history = store
        .history(&HistoryQuery::entity("breaker", "search"))
        .unwrap();
    assert_eq!(history[4].actor.as_deref(), Some("timer"));
    let breaker = store.load::<example::AnyBreaker>("search").unwrap();
    assert_eq!(breaker.machine.context().0, 0);
    // The third failure was counted by the alternative that tripped.
    assert_eq!(history[3].to, "open");
    assert_eq!(history[3].event.as_deref(), Some("failure"));
    assert!(
        store.next_due("breaker").unwrap().is_none(),
        "no timer left once closed"
    );
}

/// The reset timer is not due before its timeout and is due after it (a
/// future `Timestamp`, no sleeping); a failed trial call opens the breaker
/// again with a new timer, and the breaker survives a reopened store.
#[test]
fn a_failed_trial_reopens_the_breaker_and_the_timer_fires_on_time() {
    use example::{AnyBreaker, Breaker, BreakerState, Failures, call};
    use stateforge::runtime::Timestamp;
    use stateforge::runtime::db::TransitionMeta;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.db");
    let open = || Store::open(path.to_str().unwrap()).unwrap();
    let state = |s: &Store| s.load::<AnyBreaker>("db").unwrap().machine.state();

    let store = open();
    store
        .create(
            "db",
            &AnyBreaker::from(Breaker::new(Failures(0))),
            &TransitionMeta::new(),
        )
        .unwrap();
    // A success in between resets the count: five calls, still closed.
    for ok in [false, false, true, false, false] {
        call(&store, "db", || ok).unwrap();
    }
    assert_eq!(state(&store), BreakerState::Closed);
    assert_eq!(call(&store, "db", || false).unwrap(), Failed);
    assert_eq!(state(&store), BreakerState::Open);
    // While open the tool is not even called.
    assert_eq!(
        call(&store, "db", || panic!("called while open")).unwrap(),
        Refused
    );

    // The timer is due 200 ms after the breaker opened, not before.
    let opened = store
        .history(&HistoryQuery::entity("breaker", "db"))
        .unwrap()
        .last()
        .unwrap()
        .at;
    let due = store.next_due("breaker").unwrap().unwrap();
    assert!(due >= opened + Duration::from_millis(200), "{due} {opened}");
    assert!(due < opened + Duration::from_secs(2), "{due} {opened}");
    assert_eq!(store.fire_due::<AnyBreaker>(opened, 10).unwrap(), 0);
    drop(store);
    let store = open();
    // After a restart, a moment past the due time: it fires.
    let later = Timestamp::now() + Duration::from_secs(1);
    assert_eq!(store.fire_due::<AnyBreaker>(later, 10).unwrap(), 1);
    assert_eq!(state(&store), BreakerState::HalfOpen);
    assert_eq!(store.fire_due::<AnyBreaker>(later, 10).unwrap(), 0, "once");

    // The trial fails: open again, with a fresh timer.
    assert_eq!(call(&store, "db", || false).unwrap(), Failed);
    assert_eq!(state(&store), BreakerState::Open);
    assert!(store.next_due("breaker").unwrap().is_some());
    let much_later = Timestamp::now() + Duration::from_secs(2);
    assert_eq!(store.fire_due::<AnyBreaker>(much_later, 10).unwrap(), 1);
    assert_eq!(call(&store, "db", || true).unwrap(), Succeeded);
    assert_eq!(state(&store), BreakerState::Closed);
    let events: Vec<_> = store
        .history(&HistoryQuery::entity("breaker", "db"))
        .unwrap()
        .into_iter()
        .filter_map(|r| r.event)
        .collect();
    assert_eq!(
        events,
        [
            "failure", "failure", "success", "failure", "failure", "failure", "reset", "failure",
            "reset", "success"
        ]
    );
}

/// One guarded `failure` event decides: the failure that reaches the
/// threshold trips the breaker, any other is counted (the else); there is
/// no second event for the decision.
#[test]
fn one_guarded_failure_event_counts_or_trips() {
    use example::{Breaker, BreakerFailureFromClosed, Failures, THRESHOLD};

    let def = definition();
    assert!(def.event_id("trip").is_none() && def.event_id("trial_failed").is_none());
    let (closed, failure) = (
        def.state_id("closed").unwrap(),
        def.event_id("failure").unwrap(),
    );
    let tried: Vec<_> = def
        .alternatives(closed, failure)
        .iter()
        .map(|t| (def.state_name(t.to), t.guard.as_deref()))
        .collect();
    assert_eq!(
        tried,
        [("open", Some("reaches_threshold")), ("closed", None)]
    );

    let BreakerFailureFromClosed::Closed(counted) = Breaker::new(Failures(THRESHOLD - 2)).failure()
    else {
        panic!("below the threshold the breaker stays closed");
    };
    assert_eq!(counted.context().0, THRESHOLD - 1);
    let BreakerFailureFromClosed::Open(open) = counted.failure() else {
        panic!("the failure that reaches the threshold trips it");
    };
    assert_eq!(open.context().0, THRESHOLD);
}

/// The example's machine, for its picture (`pictures.rs`).
pub(crate) fn definition() -> &'static stateforge::Definition {
    example::AnyBreaker::definition()
}
