//! Use case 3's circuit breaker: trips after the threshold, refuses while
//! open, and its reset timer fires after a restart.

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/circuit_breaker.rs"]
mod example;

use example::Outcome::{Failed, Refused, Succeeded};
use stateforge::runtime::db::{HistoryQuery, Store};

#[allow(dead_code)]
mod support;

#[test]
fn the_breaker_trips_refuses_and_resets_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.db");
    check_the_example(|| Store::open(path.to_str().unwrap()));
}

#[test]
fn the_example_on_postgres() {
    if let Some(pg) = support::PgStore::new("breaker") {
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
            "closed (failure)",
            "open (trip)",
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
    assert_eq!(history[5].actor.as_deref(), Some("timer"));
    let breaker = store.load::<example::AnyBreaker>("search").unwrap();
    assert_eq!(breaker.machine.context().0, 0);
    assert!(
        store.next_due("breaker").unwrap().is_none(),
        "no timer left once closed"
    );
}
