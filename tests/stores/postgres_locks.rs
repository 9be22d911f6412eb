//! Waits for locks on PostgreSQL: every wait is bounded, and units that
//! lock several entities fail retryably or not at all.

use std::sync::mpsc;
use std::time::Duration;

use crate::suite::fixture::{Fixture, assert_chain, meta};
use crate::suite::machines::{AnyLamp, Lamp, LampEvent};
use stateforge::runtime::db::{StoreError, StoreOptions, TransientKind, blocking::Store};

/// How long a test waits for a call that should return long before; a
/// call that waits for ever fails the test here instead of hanging it.
const BOUND: Duration = Duration::from_secs(30);

/// A fire on an entity another transaction holds `FOR UPDATE` waits at
/// most the store's lock timeout, then fails retryably, having written
/// nothing; once the holder ends, the same fire goes through.
#[test]
fn a_fire_on_a_locked_row_gives_up_after_the_lock_timeout() {
    let Some(pg) = Fixture::postgres("lock_timeout") else {
        return;
    };
    let options = StoreOptions::new().lock_timeout(Duration::from_millis(200));
    let store = Store::open_with_options(pg.target(), pg.prefix(), &options).unwrap();
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    let mut raw = postgres::Client::connect(pg.target(), postgres::NoTls).unwrap();
    let mut holder = raw.transaction().unwrap();
    holder
        .execute(
            &format!(
                "SELECT 1 FROM {} WHERE entity_id = 'l' FOR UPDATE",
                pg.table("entities")
            ),
            &[],
        )
        .unwrap();
    let (sent, fired) = mpsc::channel();
    let first = std::thread::scope(|s| {
        s.spawn(|| {
            sent.send(store.fire::<AnyLamp>("l", LampEvent::Toggle, &meta()))
                .unwrap();
        });
        let first = fired.recv_timeout(BOUND);
        // Ended whatever came back, so that a fire still waiting returns.
        holder.commit().unwrap();
        first
    });
    let err = first
        .expect("the fire gave up while the row was locked")
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Transient {
                kind: TransientKind::LockTimeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(assert_chain(&store, "lamp", "l"), 1, "nothing written");
    // The holder has ended: the same call goes through, on the
    // connection that timed out (the store's only one).
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "lamp", "l"), 2);
}

/// Rounds of two units deadlocking: each a certain deadlock, which the
/// server takes its `deadlock_timeout` (1 s unless configured) to find.
const DEADLOCK_ROUNDS: u64 = 3;

/// Two units fire the same two entities in opposite orders, each waiting
/// until the other holds its first entity, so that every round is a
/// deadlock. PostgreSQL ends one unit: it fails with a retryable
/// `Transient { Deadlock }`, never a plain database error, and writes
/// nothing; the other commits; run again, the failed one commits too.
#[test]
fn units_that_deadlock_fail_retryably_and_write_nothing() {
    let Some(pg) = Fixture::postgres("unit_deadlock") else {
        return;
    };
    let (one, two) = (pg.open(), pg.open());
    for id in ["a", "b"] {
        one.create(id, &AnyLamp::from(Lamp::new(0)), &meta())
            .unwrap();
    }
    for _ in 0..DEADLOCK_ROUNDS {
        let (one_holds, one_held) = mpsc::channel();
        let (two_holds, two_held) = mpsc::channel();
        let outcomes = std::thread::scope(|s| {
            let first = s.spawn(|| fire_both(&one, ["a", "b"], Some((one_holds, two_held))));
            let second = s.spawn(|| fire_both(&two, ["b", "a"], Some((two_holds, one_held))));
            [first.join().unwrap(), second.join().unwrap()]
        });
        let failed: Vec<usize> = (0..2).filter(|&i| outcomes[i].is_err()).collect();
        assert_eq!(failed.len(), 1, "one unit ended: {outcomes:?}");
        let err = outcomes[failed[0]].as_ref().unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Transient {
                    kind: TransientKind::Deadlock,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.is_retryable());
        // The retry, alone now.
        let (store, order) = if failed[0] == 0 {
            (&one, ["a", "b"])
        } else {
            (&two, ["b", "a"])
        };
        fire_both(store, order, None).unwrap();
    }
    for id in ["a", "b"] {
        assert_eq!(
            assert_chain(&one, "lamp", id),
            1 + 2 * DEADLOCK_ROUNDS,
            "every committed fire recorded once, none of the ended units'"
        );
    }
    assert_eq!(
        one.next_due("lamp").unwrap(),
        None,
        "both lamps off: the ended units' timers went with them"
    );
}

/// One unit toggling the lamps `order[0]` then `order[1]`. With a
/// rendezvous, it tells the other unit when it holds its first lamp and
/// waits until the other holds its own before going on.
fn fire_both(
    store: &Store,
    order: [&str; 2],
    rendezvous: Option<(mpsc::Sender<()>, mpsc::Receiver<()>)>,
) -> Result<(), StoreError> {
    store.unit(|u| {
        u.fire::<AnyLamp>(order[0], LampEvent::Toggle, &meta())?;
        if let Some((holds, other_holds)) = &rendezvous {
            holds.send(()).unwrap();
            other_holds
                .recv_timeout(BOUND)
                .expect("the other unit holds its first lamp");
        }
        u.fire::<AnyLamp>(order[1], LampEvent::Toggle, &meta())?;
        Ok(())
    })
}
