//! The suite on SQLite, and what only an SQLite file has.

use crate::suite::fixture::{assert_chain, meta};
use crate::suite::machines::{AnyTask, TaskEvent, new_task};
use stateforge::runtime::db::{SqliteStore, Store, Synchronous, TablePrefix};

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
