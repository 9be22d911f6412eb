//! A process writing transitions is killed with SIGKILL at random moments,
//! many times. After each kill the store opens, and every entity's state is
//! its last history record's `to`, with versions contiguous and the chain
//! unbroken: a transition and its history record are both there or neither.
//! On PostgreSQL the kill also leaves requests in flight: a `BEGIN` sent
//! with its first statement, a write sent with its `COMMIT`.

use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use stateforge::runtime::db::{HistoryQuery, TablePrefix, TransitionMeta, blocking::Store};

use super::Fixture;
use super::fixture::assert_chain;

stateforge::state_machine! {
    #[derive(Debug)]
    pub machine Meter {
        context: u64;
        initial state Off;
        state On;
        event toggle: Off -> On => count, On -> Off => count;
    }
}

fn count<S>(n: &mut u64, _from: &S) {
    *n += 1;
}

const CHILD_TARGET: &str = "STATEFORGE_CRASH_CHILD_TARGET";
const CHILD_PREFIX: &str = "STATEFORGE_CRASH_CHILD_PREFIX";
const ENTITIES: [&str; 4] = ["a", "b", "c", "d"];

/// The writer the parent kills. A no-op unless the parent started it.
#[test]
fn crash_child() {
    let (Ok(target), Ok(prefix)) = (std::env::var(CHILD_TARGET), std::env::var(CHILD_PREFIX))
    else {
        return;
    };
    let store = Store::open_with(&target, &TablePrefix::new(&prefix).unwrap()).unwrap();
    let meta = TransitionMeta::new().actor("writer");
    for round in 0u64.. {
        if round % 5 == 0 {
            // Several entities in one unit: all or none survive a kill.
            // The reason names the unit, for the parent to find in each.
            let meta = meta.clone().reason(format!("unit {round}"));
            store
                .unit(|u| {
                    for id in ENTITIES {
                        u.fire::<AnyMeter>(id, MeterEvent::Toggle, &meta)?;
                    }
                    Ok(())
                })
                .unwrap();
        } else {
            let id = ENTITIES[(round % 4) as usize];
            store
                .fire::<AnyMeter>(id, MeterEvent::Toggle, &meta)
                .unwrap();
        }
    }
}

/// xorshift: a few random delays need no dependency.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Checks every entity's chain, and that each unit moved all entities or
/// none; the number of transitions committed.
fn check(store: &Store) -> u64 {
    let mut total = 0;
    let mut units_seen: Option<Vec<String>> = None;
    for id in ENTITIES {
        // Contiguous versions, an unbroken chain, the row at the last `to`.
        let version = assert_chain(store, "meter", id);
        let loaded = store.load::<AnyMeter>(id).unwrap();
        assert_eq!(
            loaded.version, version,
            "{id}: the row loaded is the row checked"
        );
        assert_eq!(
            *loaded.machine.context(),
            version - 1,
            "{id}: the action ran once per record"
        );
        let history = store
            .history(&HistoryQuery::entity("meter", id).limit(u64::MAX >> 1))
            .unwrap();
        total += version - 1;
        let units: Vec<String> = history.iter().filter_map(|r| r.reason.clone()).collect();
        match &units_seen {
            None => units_seen = Some(units),
            Some(first) => assert_eq!(
                &units, first,
                "{id}: the units that moved entity `a` moved it too, and no other"
            ),
        }
    }
    total
}

pub(crate) fn a_writer_killed_mid_write_loses_nothing_committed(fx: Fixture) {
    {
        let store = fx.open();
        for id in ENTITIES {
            store
                .create(id, &AnyMeter::from(Meter::new(0)), &TransitionMeta::new())
                .unwrap();
        }
    }
    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64)
        | 1;
    let mut transitions = Vec::new();
    for kill in 0..20 {
        let name = format!("sf_crash_{}_{kill}", std::process::id());
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "suite::crash::crash_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_TARGET, fx.target_named(&name))
            .env(CHILD_PREFIX, fx.prefix().as_str())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(50 + next(&mut seed) % 250));
        child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback hook
        child.wait().unwrap();
        // What the writer had sent may still run (a write sent with its
        // COMMIT): read once the server is done with it.
        fx.wait_until_gone(&name);
        transitions.push(check(&fx.open()));
    }
    assert!(
        transitions.windows(2).all(|w| w[0] <= w[1]),
        "nothing committed is ever lost: {transitions:?}"
    );
    assert!(
        transitions[19] > 100,
        "the writer made progress: {transitions:?}"
    );
    eprintln!("20 kills; transitions committed after each: {transitions:?}");
}
