//! The suite on SQLite, and what only an SQLite file has.

use std::time::Duration;

use crate::suite::Fixture;
use crate::suite::fixture::{assert_chain, meta};
use crate::suite::machines::{AnyBreaker, AnyTask, BreakerState, TaskEvent, new_task};
use crate::suite::timers::two_tripped_breakers;
use stateforge::runtime::Timestamp;
use stateforge::runtime::db::{
    HistoryQuery, SqliteStore, StoreError, StoreOptions, Synchronous, TablePrefix, TransientKind,
    blocking::Store,
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

/// SQLite keeps a value of any type in any column: a row with one that
/// does not read (a blob for text, text or a real number for an integer)
/// is a bad row naming its entity and its column, the same on load and
/// on fire; the listing gives the other rows and, checked, names each bad
/// one, escaped; a history record whose time is text is an error naming
/// its entity.
#[test]
fn columns_of_another_type_are_bad_rows_and_the_listing_goes_on() {
    let fx = Fixture::sqlite("types").unwrap();
    let store = fx.open();
    let corruptions = [
        (
            "blob-data",
            "data = X'7B7D'",
            "column `data` holds a blob, not text",
        ),
        (
            "text-version",
            "version = 'two'",
            "column `version` holds text, not an integer",
        ),
        (
            "real-version",
            "version = 1.5",
            "column `version` holds a real number, not an integer",
        ),
        (
            "text-created",
            "created_at = 'yesterday'",
            "column `created_at` holds text, not an integer",
        ),
        (
            "text-updated",
            "updated_at = 'today'",
            "column `updated_at` holds text, not an integer",
        ),
        (
            "blob-session",
            "session = X'00'",
            "column `session` holds a blob, not text",
        ),
        (
            "blob-state",
            "state = X'70656E64696E67'",
            "column `state` holds a blob, not text",
        ),
    ];
    store.create("good", &new_task(), &meta()).unwrap();
    let entities = fx.table("entities");
    for (id, set, _) in corruptions {
        store.create(id, &new_task(), &meta()).unwrap();
        fx.execute(&format!(
            "UPDATE {entities} SET {set} WHERE entity_id = '{id}'"
        ));
    }
    let assign = || TaskEvent::Assign { agent: "x".into() };
    for (id, _, what) in corruptions {
        let expected = format!("task `{id}`: bad row: {what}");
        let loaded = store.load::<AnyTask>(id).unwrap_err();
        assert!(matches!(loaded, StoreError::BadRow { .. }), "{loaded:?}");
        assert_eq!(loaded.to_string(), expected);
        let fired = store.fire::<AnyTask>(id, assign(), &meta()).unwrap_err();
        assert_eq!(fired.to_string(), expected, "fire agrees with load");
    }
    // An id written past the store as a blob, holding an escape sequence.
    store.create("esc", &new_task(), &meta()).unwrap();
    fx.execute(&format!(
        "UPDATE {entities} SET entity_id = X'1B5B326A' WHERE entity_id = 'esc'"
    ));
    let listed: Vec<String> = store
        .entities("task", None)
        .unwrap()
        .into_iter()
        .map(|e| e.entity_id)
        .collect();
    assert_eq!(listed, ["good"]);
    let bad: Vec<String> = store
        .entities_checked("task", None)
        .unwrap()
        .into_iter()
        .filter_map(Result::err)
        .map(|e| e.to_string())
        .collect();
    assert_eq!(bad.len(), corruptions.len() + 1);
    assert!(
        bad.contains(
            &"task `\\u{1b}[2j`: bad row: column `entity_id` holds a blob, not text".to_owned()
        ),
        "{bad:#?}"
    );
    assert_eq!(assert_chain(&store, "task", "good"), 1);

    fx.execute(&format!(
        "UPDATE {} SET at = 'noon' WHERE entity_id = 'good'",
        fx.table("history")
    ));
    let err = store
        .history(&HistoryQuery::entity("task", "good"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `good`: bad row: history record: column `at` holds text, not an integer"
    );
}
