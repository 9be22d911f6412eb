//! The leanest transition a user could write by hand on SQLite, and the
//! steps from it up to the store's own schema: each step adds one thing
//! the store does, so the instruction counts of neighbouring steps say
//! what that thing costs. Shared by `store.rs` (criterion) and
//! `store_callgrind.rs` (instruction counts).
//!
//! | step | adds |
//! |---|---|
//! | `lean` | a `tasks` row (id, state, version) and a history row (entity, from, to, time): read the state and version, versioned update, insert |
//! | `data` | the entity's context as JSON in the row, decoded and encoded on every transition |
//! | `audit` | the machine in the keys, and the history row's event, reason, actor, session, metadata and version, unique per entity and version |
//! | `indexed` | secondary indexes: entities by state, history by session, by time and by actor (the store's until its schema 4) |
//! | `partial` | the same, but the session and actor indexes hold only the rows that have one (the store's since schema 4) |
//!
//! The step after `partial` is `sqlite_pair.rs`'s `hand`: the store's own
//! tables, with every column, written by hand.

use std::hint::black_box;
use std::path::Path;

use rusqlite::{Connection, params};
use stateforge::runtime::db::Synchronous;

/// A step of the ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Lean,
    Data,
    Audit,
    Indexed,
    Partial,
}

impl Step {
    pub(crate) const ALL: [Step; 5] = [
        Step::Lean,
        Step::Data,
        Step::Audit,
        Step::Indexed,
        Step::Partial,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::Lean => "lean",
            Step::Data => "data",
            Step::Audit => "audit",
            Step::Indexed => "indexed",
            Step::Partial => "partial",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.name() == name)
    }

    fn schema(self) -> &'static str {
        match self {
            Step::Lean => {
                "CREATE TABLE tasks (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL);
                 CREATE TABLE history (id INTEGER PRIMARY KEY, entity_id TEXT NOT NULL,
                    from_state TEXT NOT NULL, to_state TEXT NOT NULL, at INTEGER NOT NULL);
                 INSERT INTO tasks VALUES ('l', 'off', 1);"
            }
            Step::Data => {
                "CREATE TABLE tasks (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL,
                    data TEXT NOT NULL);
                 CREATE TABLE history (id INTEGER PRIMARY KEY, entity_id TEXT NOT NULL,
                    from_state TEXT NOT NULL, to_state TEXT NOT NULL, at INTEGER NOT NULL);
                 INSERT INTO tasks VALUES ('l', 'off', 1, '{\"context\":0,\"data\":null}');"
            }
            Step::Indexed => "CREATE TABLE tasks (machine TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL,
                    version INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (machine, id));
                 CREATE TABLE history (id INTEGER PRIMARY KEY, machine TEXT NOT NULL,
                    entity_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, event TEXT,
                    reason TEXT, actor TEXT, session TEXT, at INTEGER NOT NULL, metadata TEXT NOT NULL,
                    version INTEGER NOT NULL, UNIQUE (machine, entity_id, version));
                 CREATE INDEX e_by_state ON tasks (machine, state);
                 CREATE INDEX h_by_session ON history (session, id);
                 CREATE INDEX h_by_time ON history (at);
                 CREATE INDEX h_by_actor ON history (actor, id);
                 INSERT INTO tasks VALUES ('light', 'l', 'off', 1, '{\"context\":0,\"data\":null}');",
            Step::Partial => "CREATE TABLE tasks (machine TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL,
                    version INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (machine, id));
                 CREATE TABLE history (id INTEGER PRIMARY KEY, machine TEXT NOT NULL,
                    entity_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, event TEXT,
                    reason TEXT, actor TEXT, session TEXT, at INTEGER NOT NULL, metadata TEXT NOT NULL,
                    version INTEGER NOT NULL, UNIQUE (machine, entity_id, version));
                 CREATE INDEX e_by_state ON tasks (machine, state);
                 CREATE INDEX h_by_session ON history (session, id) WHERE session IS NOT NULL;
                 CREATE INDEX h_by_time ON history (at);
                 CREATE INDEX h_by_actor ON history (actor, id) WHERE actor IS NOT NULL;
                 INSERT INTO tasks VALUES ('light', 'l', 'off', 1, '{\"context\":0,\"data\":null}');",
            Step::Audit => {
                "CREATE TABLE tasks (machine TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL,
                    version INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (machine, id));
                 CREATE TABLE history (id INTEGER PRIMARY KEY, machine TEXT NOT NULL,
                    entity_id TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL, event TEXT,
                    reason TEXT, actor TEXT, session TEXT, at INTEGER NOT NULL, metadata TEXT NOT NULL,
                    version INTEGER NOT NULL, UNIQUE (machine, entity_id, version));
                 INSERT INTO tasks VALUES ('light', 'l', 'off', 1, '{\"context\":0,\"data\":null}');"
            }
        }
    }
}

/// A file for `step`'s tables, with its one entity.
pub(crate) fn open(dir: &Path, step: Step, sync: Synchronous) -> Connection {
    let conn = Connection::open(dir.join(format!("{}.db", step.name()))).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    let sync = if sync == Synchronous::Full {
        "FULL"
    } else {
        "NORMAL"
    };
    conn.pragma_update(None, "synchronous", sync).unwrap();
    conn.execute_batch(step.schema()).unwrap();
    conn
}

/// One transition of `step`, toggling the light. The entity (and the
/// machine) are bound like every other value, as in an application.
pub(crate) fn toggle(tx: &rusqlite::Transaction<'_>, step: Step) {
    let (machine, entity) = (black_box("light"), black_box("l"));
    let now = stateforge::Timestamp::now().as_micros();
    match step {
        Step::Lean => {
            let (state, version): (String, i64) = tx
                .prepare_cached("SELECT state, version FROM tasks WHERE id = ?1")
                .unwrap()
                .query_row(params![entity], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap();
            let next = next(&state);
            let updated = tx
                .prepare_cached(
                    "UPDATE tasks SET state = ?1, version = version + 1 WHERE id = ?2 AND version = ?3",
                )
                .unwrap()
                .execute(params![next, entity, version])
                .unwrap();
            assert_eq!(updated, 1);
            tx.prepare_cached(
                "INSERT INTO history (entity_id, from_state, to_state, at) VALUES (?1, ?2, ?3, ?4)",
            )
            .unwrap()
            .execute(params![entity, state, next, now])
            .unwrap();
        }
        Step::Data => {
            let (state, version, data): (String, i64, String) = tx
                .prepare_cached("SELECT state, version, data FROM tasks WHERE id = ?1")
                .unwrap()
                .query_row(params![entity], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap();
            let record: serde_json::Value = serde_json::from_str(&data).unwrap();
            let next = next(&state);
            let updated = tx
                .prepare_cached(
                    "UPDATE tasks SET state = ?1, data = ?2, version = version + 1
                     WHERE id = ?3 AND version = ?4",
                )
                .unwrap()
                .execute(params![next, record.to_string(), entity, version])
                .unwrap();
            assert_eq!(updated, 1);
            tx.prepare_cached(
                "INSERT INTO history (entity_id, from_state, to_state, at) VALUES (?1, ?2, ?3, ?4)",
            )
            .unwrap()
            .execute(params![entity, state, next, now])
            .unwrap();
        }
        Step::Audit | Step::Indexed | Step::Partial => {
            let (state, version, data): (String, i64, String) = tx
                .prepare_cached(
                    "SELECT state, version, data FROM tasks WHERE machine = ?1 AND id = ?2",
                )
                .unwrap()
                .query_row(params![machine, entity], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .unwrap();
            let record: serde_json::Value = serde_json::from_str(&data).unwrap();
            let next = next(&state);
            let updated = tx
                .prepare_cached(
                    "UPDATE tasks SET state = ?1, data = ?2, version = version + 1
                     WHERE machine = ?3 AND id = ?4 AND version = ?5",
                )
                .unwrap()
                .execute(params![next, record.to_string(), machine, entity, version])
                .unwrap();
            assert_eq!(updated, 1);
            tx.prepare_cached(
                "INSERT INTO history (machine, entity_id, from_state, to_state, event, reason, actor,
                    session, at, metadata, version)
                 VALUES (?1, ?2, ?3, ?4, 'toggle', NULL, NULL, NULL, ?5, 'null', ?6)",
            )
            .unwrap()
            .execute(params![machine, entity, state, next, now, version + 1])
            .unwrap();
        }
    }
}

fn next(state: &str) -> &'static str {
    if state == "off" { "on" } else { "off" }
}
