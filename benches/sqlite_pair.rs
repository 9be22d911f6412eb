//! The two sides of the SQLite store benchmarks: the store on a file of its
//! own, and the same tables, indexes and transition written by hand with
//! rusqlite. Shared by `store.rs` (criterion) and `store_callgrind.rs`
//! (instruction counts).

use std::hint::black_box;
use std::path::Path;

use rusqlite::{Connection, params};
use stateforge::runtime::db::{SqliteStore, Synchronous, TablePrefix, TransitionMeta};

#[path = "light.rs"]
mod light;
pub(crate) use light::{AnyLight, Light, LightEvent};

pub(crate) fn store(dir: &Path, sync: Synchronous) -> SqliteStore {
    let store = SqliteStore::open_with(dir.join("ours.db"), &TablePrefix::default(), sync).unwrap();
    store
        .create("l", &AnyLight::from(Light::new(0)), &TransitionMeta::new())
        .unwrap();
    store
}

/// The same tables and indexes, written by hand.
pub(crate) fn hand(dir: &Path, sync: Synchronous) -> Connection {
    let conn = Connection::open(dir.join("hand.db")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    let sync = if sync == Synchronous::Full {
        "FULL"
    } else {
        "NORMAL"
    };
    conn.pragma_update(None, "synchronous", sync).unwrap();
    conn.execute_batch(
        "CREATE TABLE entities (machine TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL,
            data TEXT NOT NULL, version INTEGER NOT NULL, fingerprint TEXT NOT NULL, session TEXT,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (machine, entity_id));
         CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, machine TEXT NOT NULL,
            entity_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, event TEXT, reason TEXT,
            actor TEXT, session TEXT, at INTEGER NOT NULL, metadata TEXT NOT NULL, version INTEGER NOT NULL,
            UNIQUE (machine, entity_id, version));
         CREATE INDEX entities_by_state ON entities (machine, state);
         CREATE INDEX history_by_session ON history (session, id) WHERE session IS NOT NULL;
         CREATE INDEX history_by_time ON history (at);
         CREATE INDEX history_by_actor ON history (actor, id) WHERE actor IS NOT NULL;
         INSERT INTO entities VALUES ('light', 'l', 'off', '{\"context\":0,\"data\":null}', 1, 'f', NULL, 0, 0);",
    )
    .unwrap();
    conn
}

/// One transition by hand: read, versioned update, history row. The
/// machine and the entity are bound like every other value, as in any
/// application (where they are data, not literals in the SQL).
pub(crate) fn hand_toggle(tx: &rusqlite::Transaction<'_>) {
    let (machine, entity) = (black_box("light"), black_box("l"));
    let (state, version, data): (String, i64, String) = tx
        .prepare_cached(
            "SELECT state, version, data FROM entities WHERE machine = ?1 AND entity_id = ?2",
        )
        .unwrap()
        .query_row(params![machine, entity], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    let record: serde_json::Value = serde_json::from_str(&data).unwrap();
    let next = if state == "off" { "on" } else { "off" };
    let now = stateforge::Timestamp::now().as_micros();
    let updated = tx
        .prepare_cached(
            "UPDATE entities SET state = ?1, data = ?2, version = version + 1, updated_at = ?3
             WHERE machine = ?4 AND entity_id = ?5 AND version = ?6",
        )
        .unwrap()
        .execute(params![
            next,
            record.to_string(),
            now,
            machine,
            entity,
            version
        ])
        .unwrap();
    assert_eq!(updated, 1);
    tx.prepare_cached(
        "INSERT INTO history (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
         VALUES (?1, ?2, ?3, ?4, 'toggle', NULL, NULL, NULL, ?5, 'null', ?6)",
    )
    .unwrap()
    .execute(params![machine, entity, state, next, now, version + 1])
    .unwrap();
}
