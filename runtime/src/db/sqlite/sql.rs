//! The statements on a transition's path, written once per store: their
//! text is the key of the connection's prepared-statement cache, and
//! formatting it anew for every transition was a measurable part of a
//! transition's cost.

use crate::db::schema::Tables;

/// The SQL of the statements every transition runs.
pub(crate) struct SqliteSql {
    /// What an operation reads of an entity's row (`rows::stored_row`).
    pub(crate) row: String,
    /// The versioned update.
    pub(crate) update: String,
    /// The history record.
    pub(crate) history_insert: String,
    /// The entity's timers armed in a state: event and due time.
    pub(crate) running_timers: String,
    /// Deletes the entity's timers.
    pub(crate) clear_timers: String,
    /// Arms one timer.
    pub(crate) arm_timer: String,
    /// Deletes one timer, by id.
    pub(crate) delete_timer: String,
}

/// `column = ?n`, told to SQLite's planner as a match of probability
/// `p`. Why: a bundled SQLite keeps value samples of every index when
/// the database is analyzed (`SQLITE_ENABLE_STAT4`), and a statement
/// whose parameter the planner compared against those samples is
/// prepared again each time the parameter is bound anew, which costs
/// more than the statement itself for a transition's timers. A
/// parameter whose match has a stated likelihood is not compared
/// against the samples (`where.c`, `truthProb`), so the cached plan
/// stays; the index is used as before.
fn likely_eq(column: &str, n: u8, p: f64) -> String {
    format!("likelihood({column} = ?{n}, {p:?})")
}

impl SqliteSql {
    pub(super) fn new(t: &Tables) -> SqliteSql {
        SqliteSql {
            row: format!(
                "SELECT state, data, version, fingerprint, session, created_at, updated_at
                 FROM {} WHERE machine = ?1 AND entity_id = ?2",
                t.entities
            ),
            update: format!(
                "UPDATE {} SET state = ?1, data = ?2, version = version + 1, fingerprint = ?3, updated_at = ?4
                 WHERE machine = ?5 AND entity_id = ?6 AND version = ?7",
                t.entities
            ),
            history_insert: format!(
                "INSERT INTO {} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                t.history
            ),
            running_timers: format!(
                "SELECT event, due_at FROM {} WHERE {} AND {} AND state = ?3",
                t.timers,
                likely_eq("machine", 1, 1.0),
                likely_eq("entity_id", 2, 0.0001),
            ),
            clear_timers: format!(
                "DELETE FROM {} WHERE {} AND {}",
                t.timers,
                likely_eq("machine", 1, 1.0),
                likely_eq("entity_id", 2, 0.0001),
            ),
            arm_timer: format!(
                "INSERT INTO {} (machine, entity_id, state, event, due_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                t.timers
            ),
            delete_timer: format!("DELETE FROM {} WHERE id = ?1", t.timers),
        }
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::{Connection, StatementStatus, params};

    use super::SqliteSql;
    use crate::db::SqliteStore;

    /// How many times `sql` was prepared again over five runs, each with
    /// another entity's id bound, on an analyzed database.
    fn prepared_again(conn: &Connection, sql: &str) -> i32 {
        let mut stmt = conn.prepare_cached(sql).unwrap();
        let count = stmt.parameter_count();
        stmt.reset_status(StatementStatus::RePrepare);
        for i in 0..5 {
            let entity = format!("e{i}");
            if count == 2 {
                stmt.execute(params!["m0", entity]).unwrap();
            } else {
                stmt.query(params!["m0", entity, "s"])
                    .unwrap()
                    .next()
                    .unwrap();
            }
        }
        stmt.get_status(StatementStatus::RePrepare)
    }

    #[test]
    fn a_transitions_timer_statements_keep_their_plan_once_analyzed() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.with_connection(|conn| {
            conn.execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499)
                 INSERT INTO sf_timers (machine, entity_id, state, event, due_at)
                 SELECT 'm' || (i % 3), 'e' || i, 's', 'tick', i FROM n;
                 ANALYZE;",
            )
            .unwrap();
            let sql = SqliteSql::new(&crate::db::schema::Tables::new(&Default::default()));
            assert_eq!(prepared_again(conn, &sql.running_timers), 0);
            assert_eq!(prepared_again(conn, &sql.clear_timers), 0);
            let plan: String = conn
                .query_row(
                    &format!("EXPLAIN QUERY PLAN {}", sql.clear_timers),
                    params!["m0", "e0"],
                    |r| r.get(3),
                )
                .unwrap();
            assert!(plan.contains("sf_timers_by_entity"), "{plan}");
            // Without the likelihood, the bundled SQLite prepares the
            // statement again on every run.
            if cfg!(feature = "bundled-sqlite") {
                let plain = "DELETE FROM sf_timers WHERE machine = ?1 AND entity_id = ?2";
                assert_eq!(prepared_again(conn, plain), 5);
            }
        });
    }
}
