//! The scale benchmark's raw SQL on each backend: filling the store's
//! tables, the hand-written timer loop, the page statement and its plan.

use std::path::PathBuf;
use std::time::Duration;

use super::{HISTORY_PER_ENTITY, PAGE};

/// One backend's raw SQL: filling, resetting timers, the hand-written
/// drain, the page statement and its plan.
pub(crate) trait Raw: Send {
    fn exec(&mut self, sql: &str);
    fn count(&mut self, sql: &str) -> i64;
    /// The seed entity's data and fingerprint.
    fn seed(&mut self, entities: &str) -> (String, String);
    /// Claims up to `limit` due timers and moves their entities; how many.
    fn drain_batch(&mut self, t: &Tables, now: i64, limit: usize) -> usize;
    /// The plan of a page of entities in state `on` after a key, as
    /// `entity_page` reads it.
    fn plan(&mut self, t: &Tables) -> String;
    /// Another connection to the same database.
    fn another(&self) -> Box<dyn Raw>;
}

/// The store's table names under a prefix.
pub(crate) struct Tables {
    pub(crate) entities: String,
    pub(crate) history: String,
    pub(crate) timers: String,
}

impl Tables {
    pub(crate) fn new(prefix: &str) -> Tables {
        Tables {
            entities: format!("{prefix}sf_entities"),
            history: format!("{prefix}sf_history"),
            timers: format!("{prefix}sf_timers"),
        }
    }
}

const LISTING_COLUMNS: &str =
    "machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at";

// ---------------------------------------------------------------- SQLite

pub(crate) struct Lite {
    path: PathBuf,
    conn: rusqlite::Connection,
}

impl Lite {
    pub(crate) fn open(path: PathBuf) -> Lite {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.busy_timeout(Duration::from_secs(60)).unwrap();
        Lite { path, conn }
    }
}

impl Raw for Lite {
    fn exec(&mut self, sql: &str) {
        self.conn.execute_batch(sql).unwrap();
    }

    fn count(&mut self, sql: &str) -> i64 {
        self.conn.query_row(sql, [], |r| r.get(0)).unwrap_or(0)
    }

    fn seed(&mut self, entities: &str) -> (String, String) {
        self.conn
            .query_row(
                &format!("SELECT data, fingerprint FROM {entities} WHERE entity_id = 'seed'"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    }

    fn drain_batch(&mut self, t: &Tables, now: i64, limit: usize) -> usize {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        let ids: Vec<String> = {
            let mut claim = tx
                .prepare_cached(&format!(
                    "DELETE FROM {timers} WHERE id IN (SELECT id FROM {timers}
                     WHERE machine = 'lamp' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2)
                     RETURNING entity_id",
                    timers = t.timers
                ))
                .unwrap();
            claim
                .query_map(rusqlite::params![now, limit as i64], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        {
            let mut moved = tx
                .prepare_cached(&format!(
                    "UPDATE {} SET state = 'off', version = version + 1, updated_at = ?2
                     WHERE machine = 'lamp' AND entity_id = ?1 AND state = 'blink'
                     RETURNING version",
                    t.entities
                ))
                .unwrap();
            let mut record = tx
                .prepare_cached(&format!(
                    "INSERT INTO {} (machine, entity_id, from_state, to_state, event, at, metadata, version)
                     VALUES ('lamp', ?1, 'blink', 'off', 'settle', ?2, 'null', ?3)",
                    t.history
                ))
                .unwrap();
            for id in &ids {
                let version: Option<i64> = moved
                    .query_row(rusqlite::params![id, now], |r| r.get(0))
                    .ok();
                if let Some(version) = version {
                    record.execute(rusqlite::params![id, now, version]).unwrap();
                }
            }
        }
        tx.commit().unwrap();
        ids.len()
    }

    fn plan(&mut self, t: &Tables) -> String {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT {LISTING_COLUMNS} FROM {} WHERE machine = 'lamp'
                 AND state = 'on' AND entity_id > 'e0500000' ORDER BY entity_id LIMIT {PAGE}",
                t.entities
            ))
            .unwrap();
        stmt.query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn another(&self) -> Box<dyn Raw> {
        Box::new(Lite::open(self.path.clone()))
    }
}

pub(crate) fn fill_sqlite(raw: &mut dyn Raw, t: &Tables, entities: u64, data: &str, fp: &str) {
    let versions = HISTORY_PER_ENTITY;
    let last = entities - 1;
    raw.exec(&format!(
        "PRAGMA synchronous = OFF;
         BEGIN;
         DELETE FROM {e} WHERE entity_id <> 'seed';
         DELETE FROM {h}; DELETE FROM {tm};
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last})
         INSERT INTO {e} SELECT 'lamp', printf('e%07d', i),
             CASE WHEN i % 10 = 0 THEN 'blink' WHEN i % 2 = 1 THEN 'on' ELSE 'off' END,
             '{data}', {versions}, '{fp}', NULL, 0, 0 FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}),
             v(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM v WHERE k < {versions})
         INSERT INTO {h} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
         SELECT 'lamp', printf('e%07d', i),
             CASE WHEN k = 1 THEN NULL WHEN k % 2 = 0 THEN 'off' ELSE 'on' END,
             CASE WHEN k % 2 = 0 THEN 'on' ELSE 'off' END,
             CASE WHEN k = 1 THEN NULL ELSE 'toggle' END,
             NULL, NULL, NULL, 1700000000000000 + k * 1000000 + i, 'null', k
         FROM v, n;
         COMMIT;
         ANALYZE;",
        e = t.entities,
        h = t.history,
        tm = t.timers,
    ));
}

// ------------------------------------------------------------ PostgreSQL

pub(crate) struct Pg {
    url: String,
    client: postgres::Client,
}

impl Pg {
    pub(crate) fn connect(url: &str) -> Pg {
        Pg {
            url: url.to_owned(),
            client: postgres::Client::connect(url, postgres::NoTls).unwrap(),
        }
    }
}

impl Raw for Pg {
    fn exec(&mut self, sql: &str) {
        self.client.batch_execute(sql).unwrap();
    }

    fn count(&mut self, sql: &str) -> i64 {
        self.client.query_one(sql, &[]).map_or(0, |r| r.get(0))
    }

    fn seed(&mut self, entities: &str) -> (String, String) {
        let row = self
            .client
            .query_one(
                &format!("SELECT data, fingerprint FROM {entities} WHERE entity_id = 'seed'"),
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    }

    fn drain_batch(&mut self, t: &Tables, now: i64, limit: usize) -> usize {
        let sql = format!(
            "WITH due AS (
                DELETE FROM {timers} WHERE id IN (SELECT id FROM {timers}
                    WHERE machine = 'lamp' AND due_at <= $1 ORDER BY due_at, id LIMIT $2
                    FOR UPDATE SKIP LOCKED)
                RETURNING entity_id),
             moved AS (
                UPDATE {entities} e SET state = 'off', version = e.version + 1, updated_at = $1
                FROM due WHERE e.machine = 'lamp' AND e.entity_id = due.entity_id AND e.state = 'blink'
                RETURNING e.entity_id, e.version),
             recorded AS (
                INSERT INTO {history} (machine, entity_id, from_state, to_state, event, at, metadata, version)
                SELECT 'lamp', entity_id, 'blink', 'off', 'settle', $1, 'null', version FROM moved)
             SELECT count(*) FROM due",
            timers = t.timers,
            entities = t.entities,
            history = t.history
        );
        let n: i64 = self
            .client
            .query_one(&sql, &[&now, &(limit as i64)])
            .unwrap()
            .get(0);
        usize::try_from(n).unwrap_or(0)
    }

    fn plan(&mut self, t: &Tables) -> String {
        let sql = format!(
            "EXPLAIN SELECT {LISTING_COLUMNS} FROM {} WHERE machine = 'lamp' AND state = 'on'
             AND entity_id > 'e0500000' ORDER BY entity_id LIMIT {PAGE}",
            t.entities
        );
        self.client
            .query(&sql, &[])
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0).trim().to_owned())
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn another(&self) -> Box<dyn Raw> {
        Box::new(Pg::connect(&self.url))
    }
}

pub(crate) fn fill_pg(raw: &mut dyn Raw, t: &Tables, entities: u64, data: &str, fp: &str) {
    let versions = HISTORY_PER_ENTITY;
    let last = entities - 1;
    raw.exec(&format!(
        "SET synchronous_commit = off;
         INSERT INTO {e} SELECT 'lamp', 'e' || lpad(i::text, 7, '0'),
             CASE WHEN i % 10 = 0 THEN 'blink' WHEN i % 2 = 1 THEN 'on' ELSE 'off' END,
             '{data}', {versions}, '{fp}', NULL, 0, 0 FROM generate_series(0, {last}) i;
         INSERT INTO {h} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
         SELECT 'lamp', 'e' || lpad(i::text, 7, '0'),
             CASE WHEN k = 1 THEN NULL WHEN k % 2 = 0 THEN 'off' ELSE 'on' END,
             CASE WHEN k % 2 = 0 THEN 'on' ELSE 'off' END,
             CASE WHEN k = 1 THEN NULL ELSE 'toggle' END,
             NULL, NULL, NULL, 1700000000000000 + k * 1000000 + i, 'null', k
         FROM generate_series(1, {versions}) k, generate_series(0, {last}) i;",
        e = t.entities,
        h = t.history,
    ));
    // Each alone: VACUUM cannot run in the transaction a batch makes.
    raw.exec(&format!("VACUUM ANALYZE {}", t.entities));
    raw.exec(&format!("VACUUM ANALYZE {}", t.history));
}
