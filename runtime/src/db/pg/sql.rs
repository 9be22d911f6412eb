//! The statements every transition runs, written once per store (their
//! text is also the key of each connection's prepared statements).

use super::rows::ENTITY_COLUMNS;
use crate::db::schema::Tables;

/// The SQL of the statements on a transition's path.
pub(super) struct PgSql {
    /// The entity's row.
    pub(super) row: String,
    /// The entity's row, locked until the transaction ends.
    pub(super) row_locked: String,
    /// A transition as ONE statement (see [`write`]).
    pub(super) write: String,
    /// The same, for machines with timers: the entity's timers are
    /// replaced by those of the state it enters, in the same statement.
    pub(super) write_timed: String,
    /// Entities of one machine, locked in the order of their ids' bytes
    /// (see [`PgUnit::lock_entities`](super::PgUnit::lock_entities)).
    pub(super) lock_entities: String,
}

impl PgSql {
    /// The statements a connection prepares together the first time it
    /// needs one of them, so that its first transition does not pay a
    /// round trip per statement.
    pub(super) fn transition_path(&self) -> [&str; 4] {
        [&self.row_locked, &self.row, &self.write, &self.write_timed]
    }

    pub(super) fn new(t: &Tables) -> PgSql {
        let row = format!(
            "SELECT {ENTITY_COLUMNS} FROM {} WHERE machine = $1 AND entity_id = $2",
            t.entities
        );
        PgSql {
            // The lock is taken row by row as the sorted rows come out, so
            // every unit takes them in the same order; `C` is the order of
            // the bytes, the same on every server and as Rust sorts `str`.
            lock_entities: format!(
                "SELECT entity_id FROM {} WHERE machine = $1 AND entity_id = ANY($2::TEXT[])
                 ORDER BY entity_id COLLATE \"C\" FOR UPDATE",
                t.entities
            ),
            row_locked: format!("{row} FOR UPDATE"),
            row,
            write: write(t, ""),
            write_timed: write(
                t,
                &format!(
                    ", cleared AS (
                        DELETE FROM {tm} WHERE machine = $5 AND entity_id = $6
                          AND EXISTS (SELECT 1 FROM updated)),
                     armed AS (
                        INSERT INTO {tm} (machine, entity_id, state, event, due_at)
                        SELECT $5, $6, $1, timer.event, timer.due_at
                        FROM updated, UNNEST($15::TEXT[], $16::BIGINT[]) AS timer(event, due_at))",
                    tm = t.timers
                ),
            ),
        }
    }
}

/// The versioned update of the entity and the insert of its history
/// record, as one statement: it is its own transaction when run alone, so
/// a save outside a unit costs one round trip and is still both or
/// neither.
///
/// Every condition of a valid transition is in the `WHERE`: the version
/// read (`$7`), a state the event leads from to the state written (`$8`),
/// and the session (`$13`, or `$14` to cross sessions). When the statement
/// writes nothing, the caller reads the row to say which one failed. The
/// state left comes from the row as it was (`prev`), not from the caller.
///
/// Parameters: `$1` state, `$2` data, `$3` fingerprint, `$4` time, `$5`
/// machine, `$6` entity, `$7` expected version, `$8` source states, `$9`
/// event, `$10` reason, `$11` actor, `$12` metadata, `$13` session, `$14`
/// cross sessions; with timers `$15` events and `$16` due times.
fn write(t: &Tables, timers: &str) -> String {
    format!(
        "WITH updated AS (
            UPDATE {e} AS cur
            SET state = $1, data = $2, version = cur.version + 1, fingerprint = $3, updated_at = $4
            FROM {e} AS prev
            WHERE cur.machine = $5 AND cur.entity_id = $6 AND cur.version = $7
              AND cur.state = ANY($8::TEXT[])
              AND (cur.session IS NULL OR cur.session = $13::TEXT OR $14::BOOLEAN)
              AND prev.machine = cur.machine AND prev.entity_id = cur.entity_id
            RETURNING prev.state AS from_state, cur.session, cur.version),
         recorded AS (
            INSERT INTO {h} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
            SELECT $5, $6, updated.from_state, $1, $9, $10, $11, updated.session, $4, $12, updated.version
            FROM updated
            RETURNING version){timers}
         SELECT version FROM recorded",
        e = t.entities,
        h = t.history,
    )
}
