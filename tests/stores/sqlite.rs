//! The suite on SQLite, and what only an SQLite file has.

use std::time::Duration;

use crate::suite::Fixture;
use crate::suite::fixture::{assert_chain, meta};
use crate::suite::machines::{AnyBreaker, AnyTask, BreakerState, TaskEvent, new_task};
use crate::suite::timers::two_tripped_breakers;
use stateforge::runtime::Timestamp;
use stateforge::runtime::db::{
    SqliteStore, Store, StoreError, StoreOptions, Synchronous, TablePrefix, TransientKind,
};

behaviours!(crate::suite::Fixture::sqlite);

/// Each `Synchronous` mode keeps its commits in the file across a reopen,
/// and prefixes keep several stores apart in one file.
#[test]
fn synchronous_modes_keep_commits_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("modes.db");
    for (mode, prefix) in [
        (Synchronous::Full, "full_"),
        (Synchronous::Normal, "normal_"),
    ] {
        let prefix = TablePrefix::new(prefix).unwrap();
        let store = SqliteStore::open_with(&path, &prefix, mode).unwrap();
        store.create("t", &new_task(), &meta()).unwrap();
        store
            .fire::<AnyTask>("t", TaskEvent::Assign { agent: "x".into() }, &meta())
            .unwrap();
        drop(store);
        let store = Store::open_with(path.to_str().unwrap(), &prefix).unwrap();
        assert_eq!(assert_chain(&store, "task", "t"), 2, "{mode:?}");
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut tables = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%entities' ORDER BY name")
        .unwrap();
    let tables: Vec<String> = tables
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(tables, ["full_sf_entities", "normal_sf_entities"]);
}

/// SQLite keeps a value of any type in any column: an entity row whose
/// column does not read (here, data written as a blob) keeps its timer,
/// and the machine's other timers still fire.
#[test]
fn a_timer_whose_entity_row_does_not_read_is_kept_and_the_others_fire() {
    let fx = Fixture::sqlite("blob").unwrap();
    let store = fx.open();
    two_tripped_breakers(&store);
    fx.execute(&format!(
        "UPDATE {} SET data = X'7B7D' WHERE entity_id = 'b-0'",
        fx.table("entities")
    ));
    let later = Timestamp::now() + Duration::from_secs(31);
    assert_eq!(store.fire_due::<AnyBreaker>(later, 10).unwrap(), 1);
    let b1 = store.load::<AnyBreaker>("b-1").unwrap();
    assert_eq!(b1.machine.state(), BreakerState::HalfOpen);
    assert!(store.load::<AnyBreaker>("b-0").is_err());
    assert!(
        store.next_due("breaker").unwrap().is_some(),
        "b-0's is kept"
    );
}

/// The lock timeout of [`Store::open_with_options`] is SQLite's busy
/// timeout: a fire while another connection holds the write lock gives up
/// after it (not after the default 10 s), retryably, having written
/// nothing.
#[test]
fn the_lock_timeout_bounds_the_wait_for_the_write_lock() {
    let fx = Fixture::sqlite("busy").unwrap();
    let options = StoreOptions::new().lock_timeout(Duration::from_millis(200));
    let store = Store::open_with_options(fx.target(), fx.prefix(), &options).unwrap();
    store.create("t", &new_task(), &meta()).unwrap();
    let holder = rusqlite::Connection::open(fx.target()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (sent, fired) = std::sync::mpsc::channel();
    let first = std::thread::scope(|s| {
        s.spawn(|| {
            let fired =
                store.fire::<AnyTask>("t", TaskEvent::Assign { agent: "x".into() }, &meta());
            sent.send(fired).unwrap();
        });
        // Well short of the default busy timeout, far past the option's.
        let first = fired.recv_timeout(Duration::from_secs(8));
        holder.execute_batch("COMMIT").unwrap();
        first
    });
    let err = first
        .expect("the fire gave up while the database was locked")
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Transient {
                kind: TransientKind::Busy,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(assert_chain(&store, "task", "t"), 1, "nothing written");
    store
        .fire::<AnyTask>("t", TaskEvent::Assign { agent: "x".into() }, &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "task", "t"), 2);
}
