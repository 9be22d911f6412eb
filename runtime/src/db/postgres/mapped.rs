//! Machines kept in the application's own table, on PostgreSQL: the
//! statements a [`MappedTable`] needs, written once when it is
//! registered from the table's column types, and the primitives that run
//! them in place of those on the store's entity table. A transition is
//! still one statement (the row's versioned update, its history record
//! and its timers), as for the store's own rows.

use std::collections::HashSet;
use std::sync::Arc;

use sqlx::postgres::PgRow;

use super::conn::{PgConnection, PgQuery, query};
use super::rows::column;
use crate::db::backend::{Claimed, NewEntity, Write};
use crate::db::due::{DueCursor, DueTimer};
use crate::db::schema::Tables;
use crate::db::shared::{bad_row, stored_version, to_i64};
use crate::db::table_mapping::{MappedContext, MappedTable, integer_key, quoted};
use crate::db::{EntityRow, StoreError, StoredRow};
use crate::time::Timestamp;

/// How the key column compares with an entity id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    /// A text column: the id as it is.
    Text,
    /// An integer column: the id in its canonical decimal form; any other
    /// id names no row.
    Integer,
}

/// The values a mapped statement may take, each bound where the
/// statement numbers it ([`Params`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum P {
    Key,
    State,
    Context,
    StateData,
    Machine,
    EntityId,
    Expected,
    Sources,
    Event,
    Reason,
    Actor,
    Metadata,
    Now,
    TimerEvents,
    TimerDue,
}

/// A statement's parameters in the order of their numbers: only those it
/// uses, so that PostgreSQL can type each one.
#[derive(Debug, Default)]
struct Params(Vec<P>);

impl Params {
    /// `p`'s placeholder (`$3`), numbered at its first use.
    fn at(&mut self, p: P) -> String {
        let n = match self.0.iter().position(|q| *q == p) {
            Some(i) => i + 1,
            None => {
                self.0.push(p);
                self.0.len()
            }
        };
        format!("${n}")
    }
}

/// A statement's text and the order of its parameters.
#[derive(Debug)]
struct Statement {
    sql: Arc<str>,
    params: Params,
}

/// The values of one run of a mapped statement.
#[derive(Default)]
struct Values<'a> {
    key: &'a str,
    state: &'a str,
    context: Option<String>,
    state_data: Option<Option<String>>,
    machine: &'a str,
    expected: i64,
    sources: &'a [&'a str],
    event: &'a str,
    reason: Option<&'a str>,
    actor: Option<&'a str>,
    metadata: String,
    now: i64,
    timer_events: Vec<&'a str>,
    timer_due: Vec<i64>,
}

/// A mapped machine's statements on PostgreSQL.
#[derive(Debug)]
pub(crate) struct PgMapped {
    pub(crate) table: MappedTable,
    key: KeyKind,
    row: Statement,
    row_locked: Statement,
    insert: Statement,
    write: Statement,
    write_timed: Statement,
    lock: Arc<str>,
    entities: Arc<str>,
    entities_in_state: Arc<str>,
    claim_due: Arc<str>,
    purge_orphans: Arc<str>,
}

/// How many columns [`PgMapped::columns`] selects.
const COLUMNS: usize = 5;

/// A mapped column's type as `format_type` writes it, and its type's name.
struct ColumnType {
    formatted: String,
    name: String,
}

impl PgMapped {
    fn new(
        table: MappedTable,
        types: &[(String, ColumnType)],
        t: &Tables,
    ) -> Result<PgMapped, StoreError> {
        let m = &table.mapping;
        let type_of = |column: &str| {
            types
                .iter()
                .find(|(name, _)| name == column)
                .map(|(_, ty)| ty)
        };
        let (Some(key_type), Some(version_type), Some(state_type)) =
            (type_of(&m.key), type_of(&m.version), type_of(&m.state))
        else {
            return Err(table.error("the table lacks a mapped column"));
        };
        let key = match key_type.name.as_str() {
            "text" | "varchar" | "bpchar" | "name" | "citext" => KeyKind::Text,
            "int2" | "int4" | "int8" => KeyKind::Integer,
            other => {
                return Err(table.error(format!(
                    "key column `{}` is of type {other}; the store takes text and integer keys",
                    m.key
                )));
            }
        };
        if !matches!(version_type.name.as_str(), "int2" | "int4" | "int8") {
            return Err(table.error(format!(
                "version column `{}` is of type {}, not an integer",
                m.version, version_type.name
            )));
        }
        let cast = |param: &str, column: &str| {
            let ty = type_of(column).map_or("text", |ty| ty.formatted.as_str());
            format!("CAST({param}::TEXT AS {ty})")
        };
        let (tb, k, st, v) = (
            quoted(&m.table),
            quoted(&m.key),
            quoted(&m.state),
            quoted(&m.version),
        );
        let state_cast = |params: &mut Params| {
            let state = params.at(P::State);
            format!("CAST({state}::TEXT AS {})", state_type.formatted)
        };
        let columns = Self::columns(&table);
        let row = |lock: &str| {
            let mut params = Params::default();
            let key_param = params.at(P::Key);
            Statement {
                sql: format!("SELECT {columns} FROM {tb} AS e WHERE e.{k} = {key_param}{lock}")
                    .into(),
                params,
            }
        };
        // The context's and the state data's columns: `(name, value)`, and
        // the `FROM` item a context kept in columns is read from.
        let kept = |params: &mut Params| {
            let mut kept: Vec<(String, String)> = Vec::new();
            let mut from = String::new();
            match &m.context {
                MappedContext::None => {}
                MappedContext::Json(c) => kept.push((quoted(c), cast(&params.at(P::Context), c))),
                MappedContext::Columns(list) => {
                    from = format!(
                        "jsonb_populate_record(NULL::{tb}, {}::JSONB) AS r",
                        params.at(P::Context)
                    );
                    kept.extend(list.iter().map(|c| (quoted(c), format!("r.{}", quoted(c)))));
                }
            }
            if let Some(d) = &m.state_data {
                kept.push((quoted(d), cast(&params.at(P::StateData), d)));
            }
            (kept, from)
        };
        let insert = {
            let mut params = Params::default();
            let key_param = params.at(P::Key);
            let state = state_cast(&mut params);
            let (kept, from) = kept(&mut params);
            let names: String = kept.iter().map(|(n, _)| format!(", {n}")).collect();
            let values: String = kept.iter().map(|(_, v)| format!(", {v}")).collect();
            let from = if from.is_empty() {
                from
            } else {
                format!(" FROM {from}")
            };
            Statement {
                sql: format!(
                    "INSERT INTO {tb} ({k}, {st}, {v}{names}) SELECT {key_param}, {state}, 1{values}{from}
                     ON CONFLICT ({k}) DO NOTHING"
                )
                .into(),
                params,
            }
        };
        let write = |timed: bool| {
            let mut params = Params::default();
            let state = state_cast(&mut params);
            let (kept, from) = kept(&mut params);
            let sets: String = kept.iter().map(|(n, v)| format!(", {n} = {v}")).collect();
            let from = if from.is_empty() {
                from
            } else {
                format!(", {from}")
            };
            let (key_param, expected, sources) = (
                params.at(P::Key),
                params.at(P::Expected),
                params.at(P::Sources),
            );
            let (machine, entity_id, to) = (
                params.at(P::Machine),
                params.at(P::EntityId),
                params.at(P::State),
            );
            let (event, reason, actor, metadata, now) = (
                params.at(P::Event),
                params.at(P::Reason),
                params.at(P::Actor),
                params.at(P::Metadata),
                params.at(P::Now),
            );
            let timers = if timed {
                let (events, due) = (params.at(P::TimerEvents), params.at(P::TimerDue));
                format!(
                    ", cleared AS (
                        DELETE FROM {tm} WHERE machine = {machine} AND entity_id = {entity_id}
                          AND EXISTS (SELECT 1 FROM updated)),
                     armed AS (
                        INSERT INTO {tm} (machine, entity_id, state, event, due_at)
                        SELECT {machine}, {entity_id}, {to}, timer.event, timer.due_at
                        FROM updated, UNNEST({events}::TEXT[], {due}::BIGINT[]) AS timer(event, due_at))",
                    tm = t.timers
                )
            } else {
                String::new()
            };
            Statement {
                sql: format!(
                    "WITH updated AS (
                        UPDATE {tb} AS cur SET {st} = {state}, {v} = COALESCE(cur.{v}, 1) + 1{sets}
                        FROM {tb} AS prev{from}
                        WHERE cur.{k} = {key_param} AND COALESCE(cur.{v}, 1) = {expected}
                          AND cur.{st}::TEXT = ANY({sources}::TEXT[]) AND prev.{k} = cur.{k}
                        RETURNING prev.{st}::TEXT AS from_state, COALESCE(cur.{v}, 1)::BIGINT AS version),
                     recorded AS (
                        INSERT INTO {h} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
                        SELECT {machine}, {entity_id}, updated.from_state, {to}::TEXT, {event}, {reason}, {actor}, NULL, {now}, {metadata}, updated.version
                        FROM updated
                        RETURNING version){timers}
                     SELECT version FROM recorded",
                    h = t.history,
                )
                .into(),
                params,
            }
        };
        let joined = match key {
            KeyKind::Text => "t.entity_id".to_owned(),
            KeyKind::Integer => "CAST(t.entity_id AS BIGINT)".to_owned(),
        };
        let h = &t.history;
        let entities = format!(
            "SELECT {columns},
                COALESCE((SELECT MIN(h.at) FROM {h} AS h WHERE h.machine = $1 AND h.entity_id = e.{k}::TEXT), 0),
                COALESCE((SELECT MAX(h.at) FROM {h} AS h WHERE h.machine = $1 AND h.entity_id = e.{k}::TEXT), 0)
             FROM {tb} AS e"
        );
        let order = format!("ORDER BY e.{k}::TEXT COLLATE \"C\"");
        Ok(PgMapped {
            key,
            row: row(""),
            row_locked: row(" FOR UPDATE"),
            insert,
            write: write(false),
            write_timed: write(true),
            lock: format!(
                "SELECT e.{k}::TEXT FROM {tb} AS e WHERE e.{k} = ANY($1) {order} FOR UPDATE"
            )
            .into(),
            entities_in_state: format!("{entities} WHERE e.{st}::TEXT = $2 {order}").into(),
            entities: format!("{entities} {order}").into(),
            claim_due: format!(
                "SELECT {columns}, t.id, t.entity_id, t.state, t.event, t.due_at
                 FROM {tm} AS t JOIN {tb} AS e ON e.{k} = {joined}
                 WHERE t.machine = $1 AND t.due_at <= $2 AND (t.due_at, t.id) > ($3, $4)
                 ORDER BY t.due_at, t.id LIMIT $5
                 FOR UPDATE OF t, e SKIP LOCKED",
                tm = t.timers,
            )
            .into(),
            purge_orphans: format!(
                "DELETE FROM {tm} WHERE id IN (
                   SELECT t.id FROM {tm} AS t
                   WHERE t.machine = $1 AND t.due_at <= $2
                     AND NOT EXISTS (SELECT 1 FROM {tb} AS e WHERE e.{k} = {joined})
                   ORDER BY t.due_at, t.id LIMIT $3
                   FOR UPDATE SKIP LOCKED)",
                tm = t.timers,
            )
            .into(),
            table,
        })
    }

    /// The row's columns, the table aliased `e`: its key and state as
    /// text, its context (a JSON object built from the context's
    /// columns), its state data, and its version (`NULL` read as 1).
    fn columns(table: &MappedTable) -> String {
        let m = &table.mapping;
        let context = match &m.context {
            MappedContext::None => "NULL::TEXT".to_owned(),
            MappedContext::Json(c) => format!("e.{}::TEXT", quoted(c)),
            MappedContext::Columns(list) => {
                let fields: Vec<String> = list
                    .iter()
                    .map(|c| format!("'{c}', e.{}", quoted(c)))
                    .collect();
                format!("json_build_object({})::TEXT", fields.join(", "))
            }
        };
        let data = m.state_data.as_ref().map_or_else(
            || "NULL::TEXT".to_owned(),
            |c| format!("e.{}::TEXT", quoted(c)),
        );
        format!(
            "e.{k}::TEXT, e.{st}::TEXT, {context}, {data}, COALESCE(e.{v}, 1)::BIGINT",
            k = quoted(&m.key),
            st = quoted(&m.state),
            v = quoted(&m.version),
        )
    }

    /// The row's entity id and what an operation reads of it, or the
    /// [`StoreError::BadRow`] naming what is wrong.
    fn read(&self, r: &PgRow) -> Result<(String, StoredRow), StoreError> {
        let entity_id: String = column(r, 0).map_err(StoreError::Database)?;
        let read = || -> Result<StoredRow, String> {
            let state: Option<String> = column(r, 1)?;
            let Some(state) = state else {
                return Err(format!("column `{}` is NULL", self.table.mapping.state));
            };
            let (context, data): (Option<String>, Option<String>) = (column(r, 2)?, column(r, 3)?);
            Ok(StoredRow {
                state,
                data: self.table.join(context.as_deref(), data.as_deref())?,
                version: stored_version(column(r, 4)?)?,
                fingerprint: self.table.fingerprint.clone(),
                session: None,
            })
        };
        let row = read().map_err(|wrong| {
            bad_row(
                &self.table.machine,
                &entity_id,
                format!("table `{}`: {wrong}", self.table.table()),
            )
        })?;
        self.table.check_state(&entity_id, &row.state)?;
        Ok((entity_id, row))
    }

    fn entity_row(&self, r: &PgRow, stamps: bool) -> Result<EntityRow, StoreError> {
        let stamp = |i| {
            if stamps {
                column::<i64>(r, i).unwrap_or(0)
            } else {
                0
            }
        };
        let (entity_id, row) = self.read(r)?;
        Ok(EntityRow {
            machine: self.table.machine.clone(),
            entity_id,
            state: row.state,
            data: crate::db::json_or_text(row.data),
            version: row.version,
            fingerprint: row.fingerprint,
            session: None,
            created_at: Timestamp::from_micros(stamp(COLUMNS)),
            updated_at: Timestamp::from_micros(stamp(COLUMNS + 1)),
        })
    }

    /// `statement` with `values` bound in its order; `None` when the
    /// entity id cannot be a key of the table (no row has it).
    fn bind<'q>(&self, statement: &'q Statement, v: Values<'q>) -> Option<PgQuery> {
        let mut q = query(&statement.sql);
        for p in &statement.params.0 {
            q = match p {
                P::Key => match self.key {
                    KeyKind::Text => q.bind(v.key.to_owned()),
                    KeyKind::Integer => q.bind(integer_key(v.key)?),
                },
                P::State => q.bind(v.state.to_owned()),
                P::Context => q.bind(v.context.clone()),
                P::StateData => q.bind(v.state_data.clone().flatten()),
                P::Machine => q.bind(v.machine.to_owned()),
                P::EntityId => q.bind(v.key.to_owned()),
                P::Expected => q.bind(v.expected),
                P::Sources => q.bind(
                    v.sources
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect::<Vec<_>>(),
                ),
                P::Event => q.bind(v.event.to_owned()),
                P::Reason => q.bind(v.reason.map(str::to_owned)),
                P::Actor => q.bind(v.actor.map(str::to_owned)),
                P::Metadata => q.bind(v.metadata.clone()),
                P::Now => q.bind(v.now),
                P::TimerEvents => q.bind(
                    v.timer_events
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect::<Vec<_>>(),
                ),
                P::TimerDue => q.bind(v.timer_due.clone()),
            };
        }
        Some(q)
    }
}

impl PgConnection<'_> {
    /// The mapped row of `entity_id`, locked in a unit when `lock`.
    pub(super) async fn mapped_row(
        &mut self,
        m: &PgMapped,
        entity_id: &str,
        lock: bool,
    ) -> Result<Option<Result<StoredRow, StoreError>>, StoreError> {
        let lock = lock && self.in_unit();
        let statement = if lock { &m.row_locked } else { &m.row };
        let values = Values {
            key: entity_id,
            ..Values::default()
        };
        let Some(q) = m.bind(statement, values) else {
            return Ok(None);
        };
        let row = if lock {
            self.write_optional(q).await?
        } else {
            self.read_optional(q).await?
        };
        Ok(row.map(|r| m.read(&r).map(|(_, row)| row)))
    }

    /// Inserts the mapped row at version 1; `false` when its key exists.
    pub(super) async fn mapped_insert(
        &mut self,
        m: &PgMapped,
        e: &NewEntity<'_>,
    ) -> Result<bool, StoreError> {
        if e.session.is_some() {
            return Err(m
                .table
                .error("the table keeps no session; create the entity without one"));
        }
        let split = m.table.split(e.state, e.data)?;
        let values = Values {
            key: e.entity_id,
            state: e.state,
            context: split.context,
            state_data: split.state_data,
            ..Values::default()
        };
        let Some(q) = m.bind(&m.insert, values) else {
            return Err(m.table.error(format!(
                "the key column holds integers, and `{}` is not one",
                e.entity_id
            )));
        };
        Ok(self.write_count(q).await? == 1)
    }

    /// The transition as one statement, as [`Write`] says.
    pub(super) async fn mapped_write(
        &mut self,
        m: &PgMapped,
        w: &Write<'_>,
    ) -> Result<Option<u64>, StoreError> {
        let split = m.table.split(w.to, w.data)?;
        let (timer_events, timer_due): (Vec<&str>, Vec<i64>) =
            w.timers.unwrap_or_default().iter().copied().unzip();
        let values = Values {
            key: w.entity_id,
            state: w.to,
            context: split.context,
            state_data: split.state_data,
            machine: w.machine,
            expected: to_i64(w.expected_version),
            sources: w.sources,
            event: w.event,
            reason: w.meta.reason.as_deref(),
            actor: w.meta.actor.as_deref(),
            metadata: w.meta.metadata.to_string(),
            now: w.now.as_micros(),
            timer_events,
            timer_due,
        };
        let statement = if w.timers.is_some() {
            &m.write_timed
        } else {
            &m.write
        };
        let Some(q) = m.bind(statement, values) else {
            return Ok(None);
        };
        let Some(row) = self.write_optional(q).await? else {
            return Ok(None);
        };
        let version: i64 = column(&row, 0).map_err(StoreError::Database)?;
        u64::try_from(version)
            .map(Some)
            .map_err(|_| StoreError::Database(format!("the write returned version {version}")))
    }

    /// The mapped rows (in `state` only, when given), by entity id.
    pub(super) async fn mapped_rows(
        &mut self,
        m: &PgMapped,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        let machine = m.table.machine.as_str();
        let q = match state {
            Some(state) => query(&m.entities_in_state).bind(machine).bind(state),
            None => query(&m.entities).bind(machine),
        };
        let rows = self.read_all(q).await?;
        Ok(rows.iter().map(|r| m.entity_row(r, true)).collect())
    }

    /// Locks the mapped rows in the order of their keys' text; the first
    /// of `entity_ids` without one, if any.
    pub(super) async fn mapped_lock(
        &mut self,
        m: &PgMapped,
        entity_ids: &[&str],
    ) -> Result<Option<String>, StoreError> {
        if entity_ids.is_empty() {
            return Ok(None);
        }
        let q = match m.key {
            KeyKind::Text => query(&m.lock).bind(entity_ids),
            KeyKind::Integer => {
                let keys: Vec<i64> = entity_ids.iter().filter_map(|id| integer_key(id)).collect();
                query(&m.lock).bind(keys)
            }
        };
        let rows = self.write_all(q).await?;
        let locked = rows
            .iter()
            .map(|r| column::<String>(r, 0))
            .collect::<Result<HashSet<String>, String>>()
            .map_err(StoreError::Database)?;
        Ok(entity_ids
            .iter()
            .find(|id| !locked.contains(**id))
            .map(|id| (*id).to_owned()))
    }

    /// See [`Connection::purge_orphan_timers`](crate::db::backend::Connection::purge_orphan_timers).
    pub(super) async fn mapped_purge_orphans(
        &mut self,
        m: &PgMapped,
        now: Timestamp,
        at_most: i64,
    ) -> Result<usize, StoreError> {
        let q = query(&m.purge_orphans)
            .bind(m.table.machine.as_str())
            .bind(now.as_micros())
            .bind(at_most);
        let purged = self.write_count(q).await?;
        Ok(usize::try_from(purged).unwrap_or(usize::MAX))
    }

    /// See [`Connection::claim_due`](crate::db::backend::Connection::claim_due).
    pub(super) async fn mapped_claim(
        &mut self,
        m: &PgMapped,
        now: Timestamp,
        after: DueCursor,
        at_most: i64,
    ) -> Result<Vec<Claimed>, StoreError> {
        let q = query(&m.claim_due)
            .bind(m.table.machine.as_str())
            .bind(now.as_micros())
            .bind(after.due_at)
            .bind(after.id)
            .bind(at_most);
        let rows = self.write_all(q).await?;
        rows.iter()
            .map(|r| {
                let read = || -> Result<DueTimer, String> {
                    Ok(DueTimer {
                        id: column(r, COLUMNS)?,
                        entity_id: column(r, COLUMNS + 1)?,
                        state: column(r, COLUMNS + 2)?,
                        event: column(r, COLUMNS + 3)?,
                        due_at: column(r, COLUMNS + 4)?,
                    })
                };
                let timer = read()
                    .map_err(|wrong| bad_row(&m.table.machine, "?", format!("timer: {wrong}")))?;
                Ok((timer, m.entity_row(r, false)))
            })
            .collect()
    }
}

/// Checks that the table and every mapped column exist, and that the key
/// and version columns are of types the store compares; the mapped
/// machine's statements.
pub(super) async fn register(
    conn: &mut PgConnection<'_>,
    tables: &Tables,
    table: MappedTable,
) -> Result<PgMapped, StoreError> {
    let q = sqlx::query(
        "SELECT a.attname::TEXT, format_type(a.atttypid, a.atttypmod), t.typname::TEXT
         FROM pg_attribute AS a JOIN pg_type AS t ON t.oid = a.atttypid
         WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .bind(quoted(table.table()));
    let rows = conn.read_all(q).await?;
    let types = rows
        .iter()
        .map(|r| {
            Ok((
                column::<String>(r, 0)?,
                ColumnType {
                    formatted: column(r, 1)?,
                    name: column(r, 2)?,
                },
            ))
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(StoreError::Database)?;
    let present: Vec<String> = types.iter().map(|(name, _)| name.clone()).collect();
    table.check_columns(&present)?;
    let unique = sqlx::query(
        "SELECT EXISTS (
            SELECT 1 FROM pg_index AS i JOIN pg_attribute AS a
              ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indnatts = 1
              AND i.indpred IS NULL AND a.attname = $2)",
    )
    .bind(quoted(table.table()))
    .bind(table.mapping.key.clone());
    let unique = conn
        .read_optional(unique)
        .await?
        .map(|r| column::<bool>(&r, 0))
        .transpose()
        .map_err(StoreError::Database)?
        .unwrap_or(false);
    table.check_unique_key(unique)?;
    PgMapped::new(table, &types, tables)
}
