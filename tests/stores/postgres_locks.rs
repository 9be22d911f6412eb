//! Waits for locks on PostgreSQL: every wait is bounded, and units that
//! lock several entities fail retryably or not at all.

use std::sync::mpsc;
use std::time::Duration;

use crate::suite::fixture::{Fixture, assert_chain, meta};
use crate::suite::machines::{AnyLamp, Lamp, LampEvent};
use stateforge::runtime::db::{Store, StoreError, StoreOptions, TransientKind};

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
