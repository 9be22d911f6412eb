//! Machines kept in the application's own table, on PostgreSQL: the
//! statements a [`MappedTable`] needs, written once when it is
//! registered from the table's column types, and the primitives that run
//! them in place of those on the store's entity table. A transition is
//! still one statement (the row's versioned update, its history record
//! and its timers), as for the store's own rows. The statements are
//! here; the primitives that run them in `primitives.rs`.

mod primitives;

pub(in crate::db::postgres) use primitives::register;

use std::sync::Arc;

use sqlx::postgres::PgRow;

use super::conn::{PgQuery, query};
use super::rows::column;
use super::sql::timer_change;
use crate::db::schema::Tables;
use crate::db::shared::{bad_row, stored_version};
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
    KeptTimers,
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
    kept_timers: &'a [&'a str],
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
    /// The write of a transition that keeps some of the entity's timers
    /// running.
    write_keeping: Statement,
    lock: Arc<str>,
    entities: Arc<str>,
    entities_in_state: Arc<str>,
    claim_due: Arc<str>,
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
        let (Some(key_type), Some(state_type)) = (type_of(&m.key), type_of(&m.state)) else {
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
        if let Some(version) = &m.version {
            let name = type_of(version).map_or("?", |ty| ty.name.as_str());
            if !matches!(name, "int2" | "int4" | "int8") {
                return Err(table.error(format!(
                    "version column `{version}` is of type {name}, not an integer"
                )));
            }
        }
        let cast = |param: &str, column: &str| {
            let ty = type_of(column).map_or("text", |ty| ty.formatted.as_str());
            format!("CAST({param}::TEXT AS {ty})")
        };
        let (tb, k, st) = (quoted(&m.table), quoted(&m.key), quoted(&m.state));
        // Without a version column the version is the history's; two
        // writers from one version then collide on the history's unique
        // version, which fails the whole statement.
        let (insert_version, insert_one, set_version, current) = match &m.version {
            Some(v) => {
                let v = quoted(v);
                (
                    format!(", {v}"),
                    ", 1",
                    format!(", {v} = COALESCE(cur.{v}, 1) + 1"),
                    format!("COALESCE(cur.{v}, 1)"),
                )
            }
            None => (
                String::new(),
                "",
                String::new(),
                table.history_version(&t.history, &format!("cur.{k}::TEXT")),
            ),
        };
        let state_cast = |params: &mut Params| {
            let state = params.at(P::State);
            format!("CAST({state}::TEXT AS {})", state_type.formatted)
        };
        let columns = Self::columns(&table, t);
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
                    "INSERT INTO {tb} ({k}, {st}{insert_version}{names}) SELECT {key_param}, {state}{insert_one}{values}{from}
                     ON CONFLICT ({k}) DO NOTHING"
                )
                .into(),
                params,
            }
        };
        // Without timers, with timers replaced, or with some kept.
        let write = |timed: bool, keeping: bool| {
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
                // As the store's own write: the kept timers copied to new
                // rows, the old ones cleared with the rest.
                let kept = keeping.then(|| params.at(P::KeptTimers));
                timer_change(
                    &t.timers,
                    (&machine, &entity_id, &to),
                    (&events, &due),
                    kept.as_deref(),
                )
            } else {
                String::new()
            };
            Statement {
                sql: format!(
                    "WITH updated AS (
                        UPDATE {tb} AS cur SET {st} = {state}{set_version}{sets}
                        FROM {tb} AS prev{from}
                        WHERE cur.{k} = {key_param} AND {current} = {expected}
                          AND cur.{st}::TEXT = ANY({sources}::TEXT[]) AND prev.{k} = cur.{k}
                        RETURNING prev.{st}::TEXT AS from_state, ({expected} + 1)::BIGINT AS version),
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
            write: write(false, false),
            write_timed: write(true, false),
            write_keeping: write(true, true),
            lock: format!(
                "SELECT e.{k}::TEXT FROM {tb} AS e WHERE e.{k} = ANY($1) {order} FOR UPDATE"
            )
            .into(),
            entities_in_state: format!("{entities} WHERE e.{st}::TEXT = $2 {order}").into(),
            entities: format!("{entities} {order}").into(),
            claim_due: format!(
                "WITH t AS (
                    SELECT t.id, t.entity_id, t.state, t.event, t.due_at FROM {tm} AS t
                    WHERE t.machine = $1 AND t.due_at <= $2 AND (t.due_at, t.id) > ($3, $4)
                    ORDER BY t.due_at, t.id LIMIT $5
                    FOR UPDATE SKIP LOCKED)
                 SELECT e.*, t.id, t.entity_id, t.state, t.event, t.due_at,
                        e.found IS NULL AND EXISTS (SELECT 1 FROM {tb} AS o WHERE o.{k} = {joined})
                 FROM t LEFT JOIN LATERAL (
                    SELECT {columns}, TRUE AS found FROM {tb} AS e WHERE e.{k} = {joined}
                    FOR UPDATE SKIP LOCKED) AS e ON TRUE
                 ORDER BY t.due_at, t.id",
                tm = t.timers,
            )
            .into(),
            table,
        })
    }

    /// The row's columns, the table aliased `e`: its key and state as
    /// text, its context (a JSON object built from the context's
    /// columns), its state data, and its version (`NULL` read as 1).
    fn columns(table: &MappedTable, t: &Tables) -> String {
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
        let k = quoted(&m.key);
        let version = match &m.version {
            Some(v) => format!("COALESCE(e.{}, 1)", quoted(v)),
            None => table.history_version(&t.history, &format!("e.{k}::TEXT")),
        };
        format!(
            "e.{k}::TEXT, e.{st}::TEXT, {context}, {data}, {version}::BIGINT",
            st = quoted(&m.state),
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
                P::KeptTimers => q.bind(
                    v.kept_timers
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect::<Vec<_>>(),
                ),
            };
        }
        Some(q)
    }
}
