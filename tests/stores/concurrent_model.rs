//! Random concurrent workloads on both stores, timers included, end where
//! an in-memory model says: threads toggle random entities a random number
//! of times; every toggle is accepted, so each entity's count of toggles
//! predicts its version, its state, and whether its timer is pending.

use std::time::Duration;

use proptest::prelude::*;
use stateforge::runtime::Timestamp;
use stateforge::runtime::db::{HistoryQuery, TransitionMeta, blocking::Store};

use crate::pg_fixture::PgFixture;

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    pub machine Lamp {
        initial state Off;
        state On;
        event toggle: Off -> On, On -> Off;
        event dim: On -> Off after 30s;
    }
}

const ENTITIES: usize = 4;

/// Runs `plan` (per thread, the entity each toggle goes to) on stores from
/// `open`, then checks every entity against the model and fires the
/// timers.
fn check(open: &(dyn Fn() -> Store + Sync), plan: &[Vec<usize>]) {
    let store = open();
    for e in 0..ENTITIES {
        store
            .create(
                &format!("l{e}"),
                &AnyLamp::from(Lamp::new()),
                &TransitionMeta::new(),
            )
            .unwrap();
    }
    std::thread::scope(|s| {
        for thread in plan {
            let store = open();
            s.spawn(move || {
                for &e in thread {
                    store
                        .fire::<AnyLamp>(
                            &format!("l{e}"),
                            LampEvent::Toggle,
                            &TransitionMeta::new(),
                        )
                        .unwrap();
                }
            });
        }
    });
    let mut toggles = [0u64; ENTITIES];
    for &e in plan.iter().flatten() {
        toggles[e] += 1;
    }
    for (e, &n) in toggles.iter().enumerate() {
        let loaded = store.load::<AnyLamp>(&format!("l{e}")).unwrap();
        assert_eq!(loaded.version, n + 1, "l{e}: one version per toggle");
        let on = n % 2 == 1;
        assert_eq!(
            loaded.machine.state(),
            if on { LampState::On } else { LampState::Off }
        );
    }
    // Every lamp that is on has its timer; firing them all turns them off.
    let on = toggles.iter().filter(|n| *n % 2 == 1).count();
    let later = Timestamp::now() + Duration::from_secs(31);
    assert_eq!(
        store.fire_due::<AnyLamp>(later, 100).unwrap(),
        on,
        "one timer per lamp left on"
    );
    for (e, &n) in toggles.iter().enumerate() {
        let id = format!("l{e}");
        assert_eq!(
            store.load::<AnyLamp>(&id).unwrap().machine.state(),
            LampState::Off
        );
        let history = store
            .history(&HistoryQuery::entity("lamp", &id).limit(1 << 20))
            .unwrap();
        assert_eq!(
            history.len() as u64,
            n + 1 + n % 2,
            "{id}: creation, toggles, and the timer if on"
        );
        for w in history.windows(2) {
            assert_eq!(
                w[1].from.as_deref(),
                Some(w[0].to.as_str()),
                "{id}: unbroken chain"
            );
        }
    }
    store.drop_tables().unwrap();
}

fn plans() -> impl Strategy<Value = Vec<Vec<usize>>> {
    prop::collection::vec(prop::collection::vec(0..ENTITIES, 0..25), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn sqlite_concurrent_workloads_match_the_model(plan in plans()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        check(&|| Store::open(path.to_str().unwrap()).unwrap(), &plan);
    }

    #[test]
    fn postgres_concurrent_workloads_match_the_model(plan in plans()) {
        if let Some(pg) = PgFixture::new("model") {
            check(&|| pg.reopen(), &plan);
        }
    }
}
