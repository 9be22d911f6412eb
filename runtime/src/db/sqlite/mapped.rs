//! Machines kept in the application's own table, on SQLite: the
//! statements a [`MappedTable`] needs, written once when it is
//! registered, and the primitives that run them in place of those on
//! the store's entity table.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::connection::Shared;
use super::rows::{Fault, integer, key, optional_text, text, version};
use super::transition::change_timers;
use crate::db::backend::{Claimed, ClaimedEntity, NewEntity, Write};
use crate::db::due::{DueCursor, DueTimer};
use crate::db::schema::Tables;
use crate::db::shared::{bad_row, to_i64};
use crate::db::table_mapping::{MappedContext, MappedTable, integer_key, quoted};
use crate::db::{EntityRow, StoreError, StoredRow};
use crate::time::Timestamp;

/// A mapped machine's statements. Every read selects the row's columns
/// as [`SqliteMapped::columns`] lists them: key, state, context, state
/// data, version.
#[derive(Debug)]
pub(crate) struct SqliteMapped {
    pub(crate) table: MappedTable,
    /// The key column has integer affinity: ids are compared as integers,
    /// in their canonical form only, as on PostgreSQL.
    integer_key: bool,
    row: String,
    insert: String,
    update: String,
    exists: String,
    entities: String,
    entities_in_state: String,
    claim_due: String,
}

/// How many columns [`SqliteMapped::columns`] selects.
const COLUMNS: usize = 5;

impl SqliteMapped {
    pub(super) fn new(table: MappedTable, integer_key: bool, t: &Tables) -> SqliteMapped {
        let m = &table.mapping;
        let (tb, k, st) = (quoted(&m.table), quoted(&m.key), quoted(&m.state));
        let columns = Self::columns(&table, t);
        // The context and the state data follow the fixed parameters, in
        // this order, each where the mapping keeps it.
        let mut sets = String::new();
        let (mut names, mut values) = (String::new(), String::new());
        let mut n = 3;
        match &m.context {
            MappedContext::None => {}
            MappedContext::Json(column) => {
                n += 1;
                sets.push_str(&format!(", {} = ?{n}", quoted(column)));
                names.push_str(&format!(", {}", quoted(column)));
                values.push_str(&format!(", ?{n}"));
            }
            MappedContext::Columns(list) => {
                n += 1;
                for column in list {
                    let field = format!("json_extract(?{n}, '$.\"{column}\"')");
                    sets.push_str(&format!(", {} = {field}", quoted(column)));
                    names.push_str(&format!(", {}", quoted(column)));
                    values.push_str(&format!(", {field}"));
                }
            }
        }
        if let Some(column) = &m.state_data {
            n += 1;
            sets.push_str(&format!(", {} = ?{n}", quoted(column)));
            names.push_str(&format!(", {}", quoted(column)));
            values.push_str(&format!(", ?{n}"));
        }
        let h = &t.history;
        let stamps = format!(
            "COALESCE((SELECT MIN(h.at) FROM {h} AS h WHERE h.machine = ?1 AND h.entity_id = CAST(e.{k} AS TEXT)), 0),
             COALESCE((SELECT MAX(h.at) FROM {h} AS h WHERE h.machine = ?1 AND h.entity_id = CAST(e.{k} AS TEXT)), 0)"
        );
        let entities = format!("SELECT {columns}, {stamps} FROM {tb} AS e");
        // Without a version column the version is the history's, and the
        // row must still be in the state read (the last parameter).
        let (insert_version, insert_one, set_version, guard) = match &m.version {
            Some(v) => {
                let v = quoted(v);
                (
                    format!(", {v}"),
                    ", 1".to_owned(),
                    format!(", {v} = COALESCE({v}, 1) + 1"),
                    format!("COALESCE({v}, 1) = ?3"),
                )
            }
            None => (
                String::new(),
                String::new(),
                String::new(),
                format!(
                    "{} = ?3 AND {st} = ?{}",
                    table.history_version(h, &format!("CAST({tb}.{k} AS TEXT)")),
                    n + 1
                ),
            ),
        };
        SqliteMapped {
            row: format!("SELECT {columns} FROM {tb} AS e WHERE e.{k} = ?1"),
            // The state and the version first (`?1`, `?2`; `?3` unused
            // but by the update), then the key.
            insert: format!(
                "INSERT INTO {tb} ({k}, {st}{insert_version}{names}) VALUES (?1, ?2{insert_one}{values})
                 ON CONFLICT ({k}) DO NOTHING"
            ),
            update: format!(
                "UPDATE {tb} SET {st} = ?1{set_version}{sets}
                 WHERE {k} = ?2 AND {guard}"
            ),
            exists: format!("SELECT 1 FROM {tb} WHERE {k} = ?1"),
            entities_in_state: format!("{entities} WHERE e.{st} = ?2 ORDER BY CAST(e.{k} AS TEXT)"),
            entities: format!("{entities} ORDER BY CAST(e.{k} AS TEXT)"),
            claim_due: format!(
                "SELECT {columns}, t.id, t.entity_id, t.state, t.event, t.due_at
                 FROM {tm} AS t LEFT JOIN {tb} AS e ON e.{k} = t.entity_id
                 WHERE t.machine = ?1 AND t.due_at <= ?2 AND (t.due_at, t.id) > (?3, ?4)
                 ORDER BY t.due_at, t.id LIMIT ?5",
                tm = t.timers,
            ),
            table,
            integer_key,
        }
    }

    /// `entity_id` as the key column compares it; `None` when no row can
    /// have it.
    fn key_value(&self, entity_id: &str) -> Option<Value> {
        if self.integer_key {
            integer_key(entity_id).map(Value::Integer)
        } else {
            Some(Value::Text(entity_id.to_owned()))
        }
    }

    /// The row's columns, the table aliased `e`: its key as text, its
    /// state, its context (a JSON object built from the context's
    /// columns), its state data and its version (`NULL` read as 1).
    fn columns(table: &MappedTable, t: &Tables) -> String {
        let m = &table.mapping;
        let context = match &m.context {
            MappedContext::None => "NULL".to_owned(),
            MappedContext::Json(column) => format!("e.{}", quoted(column)),
            MappedContext::Columns(list) => {
                let fields: Vec<String> = list
                    .iter()
                    .map(|c| format!("'{c}', e.{}", quoted(c)))
                    .collect();
                format!("json_object({})", fields.join(", "))
            }
        };
        let data = m
            .state_data
            .as_ref()
            .map_or_else(|| "NULL".to_owned(), |c| format!("e.{}", quoted(c)));
        let k = quoted(&m.key);
        let version = match &m.version {
            Some(v) => format!("COALESCE(e.{}, 1)", quoted(v)),
            None => table.history_version(&t.history, &format!("CAST(e.{k} AS TEXT)")),
        };
        format!(
            "CAST(e.{k} AS TEXT), e.{st}, {context}, {data}, {version}",
            st = quoted(&m.state),
        )
    }

    /// The row's columns from `at` on: its entity id, state, data and
    /// version, or what is wrong with them.
    fn read(&self, r: &Row<'_>, at: usize) -> Result<(String, StoredRow), Fault> {
        let entity_id = text(r, at)?.to_owned();
        let state = text(r, at + 1)?.to_owned();
        let data = self
            .table
            .join(optional_text(r, at + 2)?, optional_text(r, at + 3)?)
            .map_err(Fault::Row)?;
        let row = StoredRow {
            state,
            data,
            version: version(r, at + 4)?,
            fingerprint: self.table.fingerprint.clone(),
            session: None,
        };
        Ok((entity_id, row))
    }

    /// The row from `at` on, checked, or the [`StoreError::BadRow`]
    /// naming it; the query fails only for the database's errors.
    fn checked(
        &self,
        r: &Row<'_>,
        at: usize,
    ) -> rusqlite::Result<Result<(String, StoredRow), StoreError>> {
        match self.read(r, at) {
            Ok((entity_id, row)) => Ok(self
                .table
                .check_state(&entity_id, &row.state)
                .map(|()| (entity_id, row))),
            Err(Fault::Database(e)) => Err(e),
            Err(Fault::Row(wrong)) => Ok(Err(bad_row(
                &self.table.machine,
                &key(r, at),
                format!("table `{}`: {wrong}", self.table.table()),
            ))),
        }
    }

    fn entity_row(
        &self,
        r: &Row<'_>,
        stamps: Option<usize>,
    ) -> rusqlite::Result<Result<EntityRow, StoreError>> {
        let stamp = |i: Option<usize>| -> rusqlite::Result<i64> {
            Ok(i.map_or(0, |i| integer(r, i).unwrap_or(0)))
        };
        let (created, updated) = (stamp(stamps)?, stamp(stamps.map(|i| i + 1))?);
        Ok(self.checked(r, 0)?.map(|(entity_id, row)| EntityRow {
            machine: self.table.machine.clone(),
            entity_id,
            state: row.state,
            data: crate::db::json_or_text(row.data),
            version: row.version,
            fingerprint: row.fingerprint,
            session: None,
            created_at: Timestamp::from_micros(created),
            updated_at: Timestamp::from_micros(updated),
        }))
    }
}

/// The mapped row of `entity_id`, if there is one.
pub(super) fn find_row_in(
    conn: &Connection,
    m: &SqliteMapped,
    entity_id: &str,
) -> rusqlite::Result<Option<Result<StoredRow, StoreError>>> {
    let Some(key) = m.key_value(entity_id) else {
        return Ok(None);
    };
    let found = conn
        .prepare_cached(&m.row)?
        .query_row(params![key], |r| m.checked(r, 0))
        .optional()?;
    Ok(found.map(|row| row.map(|(_, row)| row)))
}

/// The context's and the state data's values, after `fixed`, in the
/// order the statements number them.
fn values(
    m: &SqliteMapped,
    state: &str,
    data: &str,
    fixed: Vec<Value>,
) -> Result<Vec<Value>, StoreError> {
    let split = m.table.split(state, data)?;
    let mut values = fixed;
    values.extend(split.context.map(Value::Text));
    values.extend(split.state_data.map(|d| d.map_or(Value::Null, Value::Text)));
    Ok(values)
}

/// Inserts the entity's row at version 1; `false` when its key exists.
pub(super) fn insert_in(
    conn: &Connection,
    m: &SqliteMapped,
    e: &NewEntity<'_>,
) -> Result<bool, StoreError> {
    if e.session.is_some() {
        return Err(m
            .table
            .error("the table keeps no session; create the entity without one"));
    }
    let Some(key) = m.key_value(e.entity_id) else {
        return Err(m.table.error(format!(
            "the key column holds integers, and `{}` is not one",
            e.entity_id
        )));
    };
    let fixed = vec![key, Value::Text(e.state.to_owned()), Value::Null];
    let mut values = values(m, e.state, e.data, fixed)?;
    // `?3` is the update's: the insert's next parameter is `?4`.
    if values.len() == 3 {
        values.pop();
    }
    let inserted = conn
        .prepare_cached(&m.insert)?
        .execute(params_from_iter(values))?;
    Ok(inserted > 0)
}

/// The transition's versioned update of the row, its history record and
/// the change to the entity's timers, as [`Write`] says.
pub(super) fn write_in(
    conn: &Connection,
    s: &Shared,
    m: &SqliteMapped,
    w: &Write<'_>,
) -> Result<Option<u64>, StoreError> {
    let expected = to_i64(w.expected_version);
    let Some(key) = m.key_value(w.entity_id) else {
        return Ok(None);
    };
    let fixed = vec![Value::Text(w.to.to_owned()), key, Value::Integer(expected)];
    let mut values = values(m, w.to, w.data, fixed)?;
    if m.table.mapping.version.is_none() {
        values.push(Value::Text(w.from.to_owned()));
    }
    let updated = conn
        .prepare_cached(&m.update)?
        .execute(params_from_iter(values))?;
    if updated == 0 {
        return Ok(None);
    }
    let version = expected.saturating_add(1);
    let metadata = w.meta.metadata.to_string();
    conn.prepare_cached(&s.sql.history_insert)?
        .execute(params![
            w.machine,
            w.entity_id,
            w.from,
            w.to,
            w.event,
            w.meta.reason,
            w.meta.actor,
            Option::<&str>::None,
            w.now.as_micros(),
            metadata,
            version
        ])?;
    if let Some(timers) = w.timers {
        let moved = (w.from, w.to);
        change_timers(
            conn,
            s,
            w.machine,
            w.entity_id,
            moved,
            w.kept_timers,
            timers,
        )?;
    }
    Ok(u64::try_from(version).ok())
}

/// The machine's rows (in `state` only, when given), by entity id.
pub(super) fn entities_in(
    conn: &Connection,
    m: &SqliteMapped,
    state: Option<&str>,
) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
    let stamps = Some(COLUMNS);
    let machine = m.table.machine.as_str();
    let rows = match state {
        Some(state) => conn
            .prepare_cached(&m.entities_in_state)?
            .query_map(params![machine, state], |r| m.entity_row(r, stamps))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        None => conn
            .prepare_cached(&m.entities)?
            .query_map(params![machine], |r| m.entity_row(r, stamps))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    Ok(rows)
}

/// The first of `ids` without a row, if any.
pub(super) fn first_missing_in(
    conn: &Connection,
    m: &SqliteMapped,
    ids: &[String],
) -> Result<Option<String>, StoreError> {
    let mut exists = conn.prepare_cached(&m.exists)?;
    for id in ids {
        let Some(key) = m.key_value(id) else {
            return Ok(Some(id.clone()));
        };
        if !exists.exists(params![key])? {
            return Ok(Some(id.clone()));
        }
    }
    Ok(None)
}

/// See [`Connection::claim_due`](crate::db::backend::Connection::claim_due).
pub(super) fn claim_due_in(
    conn: &Connection,
    m: &SqliteMapped,
    now: Timestamp,
    after: DueCursor,
    at_most: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let mut stmt = conn.prepare_cached(&m.claim_due)?;
    let rows = stmt.query_map(
        params![
            m.table.machine,
            now.as_micros(),
            after.due_at,
            after.id,
            at_most
        ],
        |r| {
            let at = COLUMNS;
            let timer = DueTimer {
                id: r.get(at)?,
                entity_id: r.get(at + 1)?,
                state: r.get(at + 2)?,
                event: r.get(at + 3)?,
                due_at: r.get(at + 4)?,
            };
            // Under the write lock, a timer whose row is missing has
            // lost its entity (deleted past the store).
            let entity = match r.get_ref(0)? {
                rusqlite::types::ValueRef::Null => ClaimedEntity::Gone,
                _ => ClaimedEntity::Row(m.entity_row(r, None)?),
            };
            Ok((timer, entity))
        },
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Checks that the table and every mapped column exist; the mapped
/// machine's statements.
pub(super) fn register_in(
    conn: &Connection,
    tables: &Tables,
    table: MappedTable,
) -> Result<SqliteMapped, StoreError> {
    let columns: Vec<(String, String)> = conn
        .prepare("SELECT name, type FROM pragma_table_info(?1)")?
        .query_map(params![table.table()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let present: Vec<String> = columns.iter().map(|(name, _)| name.clone()).collect();
    table.check_columns(&present)?;
    let unique: bool = conn.query_row(
        "SELECT ((SELECT count(*) FROM pragma_table_info(?1) WHERE pk > 0) = 1
                 AND (SELECT pk FROM pragma_table_info(?1) WHERE name = ?2) = 1)
             OR EXISTS (SELECT 1 FROM pragma_index_list(?1) AS l
                        WHERE l.\"unique\" = 1 AND l.partial = 0
                          AND (SELECT count(*) FROM pragma_index_info(l.name)) = 1
                          AND (SELECT name FROM pragma_index_info(l.name)) = ?2)",
        params![table.table(), table.mapping.key],
        |r| r.get(0),
    )?;
    table.check_unique_key(unique)?;
    // SQLite's rule for a column's affinity: a declared type naming INT.
    let integer_key = columns
        .iter()
        .any(|(name, ty)| *name == table.mapping.key && ty.to_ascii_uppercase().contains("INT"));
    Ok(SqliteMapped::new(table, integer_key, tables))
}

/// A [`Write`] copied, for the connection's own thread.
pub(super) struct OwnedWrite {
    text: [String; 6],
    expected_version: u64,
    meta: crate::db::TransitionMeta,
    now: Timestamp,
    timers: Option<Vec<(String, i64)>>,
    kept_timers: Vec<String>,
}

impl OwnedWrite {
    pub(super) fn of(w: &Write<'_>) -> OwnedWrite {
        OwnedWrite {
            text: [w.machine, w.entity_id, w.from, w.event, w.to, w.data].map(str::to_owned),
            expected_version: w.expected_version,
            meta: w.meta.clone(),
            now: w.now,
            timers: w.timers.map(|timers| {
                timers
                    .iter()
                    .map(|(e, at)| ((*e).to_owned(), *at))
                    .collect()
            }),
            kept_timers: w.kept_timers.iter().map(|e| (*e).to_owned()).collect(),
        }
    }

    /// Runs `f` on the write this is a copy of.
    pub(super) fn with<T>(&self, f: impl FnOnce(&Write<'_>) -> T) -> T {
        let [machine, entity_id, from, event, to, data] = &self.text;
        let timers: Option<Vec<(&str, i64)>> = self
            .timers
            .as_ref()
            .map(|timers| timers.iter().map(|(e, at)| (e.as_str(), *at)).collect());
        let kept_timers: Vec<&str> = self.kept_timers.iter().map(String::as_str).collect();
        f(&Write {
            machine,
            entity_id,
            expected_version: self.expected_version,
            sources: &[],
            from,
            session: None,
            event,
            to,
            data,
            fingerprint: "",
            meta: &self.meta,
            now: self.now,
            timers: timers.as_deref(),
            kept_timers: &kept_timers,
        })
    }
}
