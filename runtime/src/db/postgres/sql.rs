//! The text of the backend's statements, written once per backend from
//! its table names. Each is kept as an `Arc<str>`: sqlx keys the
//! statements a connection has prepared by their text, and a clone of the
//! `Arc` hands the same text to every query without copying it.

use std::sync::Arc;

use super::rows::ENTITY_COLUMNS;
use crate::db::schema::Tables;

/// The SQL of every statement the connections run but the history
/// queries, whose text depends on their filters.
pub(super) struct PgSql {
    /// The entity's row.
    pub(super) row: Arc<str>,
    /// The entity's row, locked until the transaction ends.
    pub(super) row_locked: Arc<str>,
    /// Inserts an entity at version 1, unless it exists.
    pub(super) insert_entity: Arc<str>,
    /// A transition as ONE statement (see [`write`]).
    pub(super) write: Arc<str>,
    /// The same, for machines with timers: the entity's timers are
    /// replaced by those of the state it enters, in the same statement.
    pub(super) write_timed: Arc<str>,
    /// The same, for a transition that keeps some of the entity's timers
    /// running (see [`Write::kept_timers`](crate::db::backend::Write)):
    /// they are written again, due when they were, named after the state
    /// entered; the others are replaced.
    pub(super) write_keeping: Arc<str>,
    /// Appends a history record as it is.
    pub(super) insert_history: Arc<str>,
    /// Replaces an entity's timers, in one statement.
    pub(super) reset_timers: Arc<str>,
    /// Entities of one machine, locked in the order of their ids' bytes.
    pub(super) lock_entities: Arc<str>,
    /// A machine's entities, by id.
    pub(super) entities: Arc<str>,
    /// A machine's entities in one state, by id.
    pub(super) entities_in_state: Arc<str>,
    /// Keeps a definition, leaving the one kept alone.
    pub(super) keep_once: Arc<str>,
    /// Keeps a definition as the one kept last.
    pub(super) keep_as_latest: Arc<str>,
    /// The definition kept last.
    pub(super) kept_definition: Arc<str>,
    /// The kept definition of one fingerprint.
    pub(super) definition_under: Arc<str>,
    /// The machines with a kept definition.
    pub(super) machines: Arc<str>,
    /// Claims due timers with their entities (see [`claim_due`]).
    pub(super) claim_due: Arc<str>,
    /// Deletes one timer.
    pub(super) delete_timer: Arc<str>,
    /// Uses up a page of claimed timers, writing the transitions they
    /// fire (see [`statement`](super::due_page::statement)).
    pub(super) fire_due_page: Arc<str>,
    /// When a machine's next timer is due.
    pub(super) next_due: Arc<str>,
}

impl PgSql {
    pub(super) fn new(t: &Tables) -> PgSql {
        let row = format!(
            "SELECT {ENTITY_COLUMNS} FROM {} WHERE machine = $1 AND entity_id = $2",
            t.entities
        );
        let keep = |on_conflict: &str| {
            format!(
                "INSERT INTO {d} (machine, fingerprint, json, kind, saved_at)
                 VALUES ($1, $2, $3, $4, GREATEST($5::BIGINT, (SELECT MAX(saved_at) + 1 FROM {d} WHERE machine = $1)))
                 ON CONFLICT (machine, fingerprint) {on_conflict}",
                d = t.definitions,
            )
            .into()
        };
        let entities = format!(
            "SELECT {ENTITY_COLUMNS} FROM {} WHERE machine = $1",
            t.entities
        );
        PgSql {
            row_locked: format!("{row} FOR UPDATE").into(),
            row: row.into(),
            insert_entity: format!(
                "INSERT INTO {} ({ENTITY_COLUMNS}) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $7)
                 ON CONFLICT DO NOTHING",
                t.entities
            )
            .into(),
            write: write(t, "").into(),
            write_timed: write(t, &timer_change(&t.timers, ("$5", "$6", "$1"), ("$15", "$16"), None))
                .into(),
            write_keeping: write(
                t,
                &timer_change(&t.timers, ("$5", "$6", "$1"), ("$15", "$16"), Some("$17")),
            )
            .into(),
            insert_history: format!(
                "INSERT INTO {} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                t.history
            )
            .into(),
            // The rows the `DELETE` removes are those it sees before the
            // statement: the ones the `INSERT` adds are left.
            reset_timers: format!(
                "WITH cleared AS (DELETE FROM {tm} WHERE machine = $1 AND entity_id = $2)
                 INSERT INTO {tm} (machine, entity_id, state, event, due_at)
                 SELECT $1, $2, $3, timer.event, timer.due_at
                 FROM UNNEST($4::TEXT[], $5::BIGINT[]) AS timer(event, due_at)",
                tm = t.timers
            )
            .into(),
            // The lock is taken row by row as the sorted rows come out, so
            // every unit takes them in the same order; `C` is the order of
            // the bytes, the same on every server and as Rust sorts `str`.
            lock_entities: format!(
                "SELECT entity_id FROM {} WHERE machine = $1 AND entity_id = ANY($2::TEXT[])
                 ORDER BY entity_id COLLATE \"C\" FOR UPDATE",
                t.entities
            )
            .into(),
            // `($2 IS NULL OR state = $2)` would keep the by-state index
            // out of a prepared statement's generic plan: the filter is in
            // a statement of its own.
            entities_in_state: format!("{entities} AND state = $2 ORDER BY entity_id").into(),
            entities: format!("{entities} ORDER BY entity_id").into(),
            keep_once: keep(crate::db::shared::Keep::Once.on_conflict()),
            keep_as_latest: keep(crate::db::shared::Keep::AsLatest.on_conflict()),
            kept_definition: format!(
                "SELECT json, kind FROM {} WHERE machine = $1
                 ORDER BY saved_at DESC, fingerprint DESC LIMIT 1",
                t.definitions
            )
            .into(),
            definition_under: format!(
                "SELECT json, kind FROM {} WHERE machine = $1 AND fingerprint = $2",
                t.definitions
            )
            .into(),
            // By the names' bytes, as SQLite and Rust sort them.
            machines: format!(
                "SELECT DISTINCT machine COLLATE \"C\" AS machine FROM {} ORDER BY 1",
                t.definitions
            )
            .into(),
            claim_due: claim_due(t).into(),
            delete_timer: format!("DELETE FROM {} WHERE id = $1", t.timers).into(),
            fire_due_page: super::due_page::statement(t).into(),
            next_due: format!(
                "SELECT MIN(due_at) FROM {} WHERE machine = $1 AND due_at > $2",
                t.timers
            )
            .into(),
        }
    }
}

/// The versioned update of the entity and the insert of its history
/// record, as one statement: it is its own transaction when run alone, so
/// a write outside a unit costs one round trip and is still both or
/// neither.
///
/// Every condition of a valid transition is in the `WHERE`: the version
/// read (`$7`), a state the event leads from to the state written (`$8`),
/// and the session (`$13`, or `$14` to cross sessions). When the statement
/// writes nothing, the caller reads the row to say which one failed. The
/// state left comes from the row as it was (`prev`), not from the caller,
/// and the history record takes the row's session.
///
/// Parameters: `$1` state, `$2` data, `$3` fingerprint, `$4` time, `$5`
/// machine, `$6` entity, `$7` expected version, `$8` source states, `$9`
/// event, `$10` reason, `$11` actor, `$12` metadata, `$13` session, `$14`
/// cross sessions; with timers `$15` events and `$16` due times of the
/// timers started, and `$17` the events of those kept, when some are.
/// The sub-statements after a transition's `updated` (which returns
/// `from_state`) that change the entity's timers: every timer of the
/// entity cleared, those of the events in the array `kept` copied to new
/// rows under the new state (new ids, so that a due-timer batch that
/// claimed the old row finds it gone; every sub-statement sees the timers
/// as they were before the statement), and those of the `started` arrays
/// (events, due times) armed. Each argument is a placeholder or an
/// expression: `(machine, entity_id, to)`.
pub(super) fn timer_change(
    tm: &str,
    (machine, entity_id, to): (&str, &str, &str),
    (events, due): (&str, &str),
    kept: Option<&str>,
) -> String {
    let kept = kept.map_or_else(String::new, |kept| {
        format!(
            ",
             kept AS (
                INSERT INTO {tm} (machine, entity_id, state, event, due_at)
                SELECT {machine}, {entity_id}, {to}, kept.event, kept.due_at
                FROM {tm} AS kept JOIN updated ON kept.state = updated.from_state
                WHERE kept.machine = {machine} AND kept.entity_id = {entity_id}
                  AND kept.event = ANY({kept}::TEXT[]))"
        )
    });
    format!(
        ", cleared AS (
                DELETE FROM {tm} WHERE machine = {machine} AND entity_id = {entity_id}
                  AND EXISTS (SELECT 1 FROM updated)){kept},
             armed AS (
                INSERT INTO {tm} (machine, entity_id, state, event, due_at)
                SELECT {machine}, {entity_id}, {to}, timer.event, timer.due_at
                FROM updated, UNNEST({events}::TEXT[], {due}::BIGINT[]) AS timer(event, due_at))"
    )
}

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

/// Due timers, locked, each with its entity's row locked too. The timers
/// are locked first and the entities after, both `SKIP LOCKED`, so that
/// the claim never waits: a transition locks its entity and then its
/// timers, and a claim waiting for the entity of a timer it holds could
/// deadlock with it. A timer another unit holds is passed over; one whose
/// entity another unit holds comes back without the row (`held`, left
/// for a later call); one whose entity row is gone (deleted past the
/// store) comes back without the row, not `held`, to be used up.
///
/// Parameters: `$1` machine, `$2` now, `$3` and `$4` the cursor's due
/// time and id, `$5` how many. Columns: the entity's (as
/// [`ENTITY_COLUMNS`], `NULL` without the row), the timer's id, entity
/// id, state, event and due time, then `held`.
fn claim_due(t: &Tables) -> String {
    let columns = |alias: &str| {
        ENTITY_COLUMNS
            .split(", ")
            .map(|c| format!("{alias}.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let nulls = vec!["NULL"; ENTITY_COLUMNS.split(", ").count()].join(", ");
    format!(
        "WITH due AS (
            SELECT t.id, t.entity_id, t.state, t.event, t.due_at FROM {tm} AS t
            WHERE t.machine = $1 AND t.due_at <= $2 AND (t.due_at, t.id) > ($3, $4)
            ORDER BY t.due_at, t.id LIMIT $5
            FOR UPDATE SKIP LOCKED),
         locked AS (
            SELECT {entity_columns}, due.id, due.entity_id AS timer_entity, due.state AS timer_state,
                   due.event, due.due_at
            FROM due JOIN {e} AS e ON e.machine = $1 AND e.entity_id = due.entity_id
            FOR UPDATE OF e SKIP LOCKED)
         SELECT *, FALSE FROM locked
         UNION ALL
         SELECT {nulls}, due.id, due.entity_id, due.state, due.event, due.due_at,
                EXISTS (SELECT 1 FROM {e} AS o WHERE o.machine = $1 AND o.entity_id = due.entity_id)
         FROM due WHERE due.id NOT IN (SELECT id FROM locked)
         ORDER BY 14, 10",
        entity_columns = columns("e"),
        tm = t.timers,
        e = t.entities,
    )
}
