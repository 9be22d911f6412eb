//! Rows to values and back.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::connection::Shared;
use crate::db::entity_id::check_entity_id;
use crate::db::history_sql::history_sql;
use crate::db::schema::Tables;
use crate::db::shared::{bad_row, stored_version};
use crate::db::{EntityRow, HistoryQuery, StoreError, StoredRow, json_or_text};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

/// Why a row's columns do not read: the row is at fault (what is wrong
/// with it), or the database.
pub(super) enum Fault {
    Row(String),
    Database(rusqlite::Error),
}

impl From<rusqlite::Error> for Fault {
    fn from(e: rusqlite::Error) -> Self {
        Fault::Database(e)
    }
}

/// What a value is, in words, for a column that holds the wrong kind:
/// SQLite keeps a value of any type in any column.
fn kind(value: ValueRef<'_>) -> &'static str {
    match value {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "an integer",
        ValueRef::Real(_) => "a real number",
        ValueRef::Text(_) => "text",
        ValueRef::Blob(_) => "a blob",
    }
}

fn column_name<'r>(r: &'r Row<'_>, i: usize) -> &'r str {
    r.as_ref().column_name(i).unwrap_or("?")
}

/// Column `i` as text, borrowed from SQLite.
pub(super) fn text<'r>(r: &'r Row<'_>, i: usize) -> Result<&'r str, Fault> {
    match r.get_ref(i)? {
        ValueRef::Text(bytes) => std::str::from_utf8(bytes).map_err(|_| {
            Fault::Row(format!(
                "column `{}` holds text that is not UTF-8",
                column_name(r, i)
            ))
        }),
        other => Err(Fault::Row(format!(
            "column `{}` holds {}, not text",
            column_name(r, i),
            kind(other)
        ))),
    }
}

/// Column `i` as text, or `None` for NULL.
pub(super) fn optional_text<'r>(r: &'r Row<'_>, i: usize) -> Result<Option<&'r str>, Fault> {
    match r.get_ref(i)? {
        ValueRef::Null => Ok(None),
        _ => text(r, i).map(Some),
    }
}

fn owned(text: Option<&str>) -> Option<String> {
    text.map(str::to_owned)
}

/// Column `i` as an integer.
pub(super) fn integer(r: &Row<'_>, i: usize) -> Result<i64, Fault> {
    match r.get_ref(i)? {
        ValueRef::Integer(n) => Ok(n),
        other => Err(Fault::Row(format!(
            "column `{}` holds {}, not an integer",
            column_name(r, i),
            kind(other)
        ))),
    }
}

/// Column `i` as a version.
pub(super) fn version(r: &Row<'_>, i: usize) -> Result<u64, Fault> {
    stored_version(integer(r, i)?).map_err(Fault::Row)
}

/// Column `i` as it names its row in an error, whatever it holds.
pub(super) fn key(r: &Row<'_>, i: usize) -> String {
    match r.get_ref(i) {
        Ok(ValueRef::Text(bytes) | ValueRef::Blob(bytes)) => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        Ok(ValueRef::Integer(n)) => n.to_string(),
        Ok(ValueRef::Real(x)) => x.to_string(),
        Ok(ValueRef::Null) | Err(_) => "?".to_owned(),
    }
}

/// `read` of a row whose columns 0 and 1 are its machine and entity id:
/// a fault of the database fails the query; a fault of the row is a
/// [`StoreError::BadRow`] naming its entity, `what` saying where.
fn named<T>(
    r: &Row<'_>,
    what: &str,
    read: Result<T, Fault>,
) -> rusqlite::Result<Result<T, StoreError>> {
    match read {
        Ok(value) => Ok(Ok(value)),
        Err(Fault::Database(e)) => Err(e),
        Err(Fault::Row(wrong)) => Ok(Err(bad_row(
            &key(r, 0),
            &key(r, 1),
            format!("{what}{wrong}"),
        ))),
    }
}

/// An entity's row, or the [`StoreError::BadRow`] saying which of its
/// columns does not read; the query fails only for the database's errors.
pub(super) fn entity_row(r: &Row<'_>) -> rusqlite::Result<Result<EntityRow, StoreError>> {
    let read = || -> Result<EntityRow, Fault> {
        Ok(EntityRow {
            machine: text(r, 0)?.to_owned(),
            entity_id: text(r, 1)?.to_owned(),
            state: text(r, 2)?.to_owned(),
            // Data that is not JSON is reported when the row is restored,
            // with the machine and state it belongs to.
            data: json_or_text(text(r, 3)?.to_owned()),
            version: version(r, 4)?,
            fingerprint: text(r, 5)?.to_owned(),
            session: owned(optional_text(r, 6)?),
            created_at: Timestamp::from_micros(integer(r, 7)?),
            updated_at: Timestamp::from_micros(integer(r, 8)?),
        })
    };
    named(r, "", read())
}

/// What an operation reads of the row of `machine`'s `entity_id`
/// (`SqliteSql::row`'s columns), each column checked as [`entity_row`]
/// checks it, so that a row a listing refuses is refused by a
/// transition too.
fn stored_row(
    r: &Row<'_>,
    machine: &str,
    entity_id: &str,
) -> rusqlite::Result<Result<StoredRow, StoreError>> {
    let read = || -> Result<StoredRow, Fault> {
        let row = StoredRow {
            state: text(r, 0)?.to_owned(),
            // Data that is not JSON is reported when the row is restored,
            // with the machine and state it belongs to.
            data: text(r, 1)?.to_owned(),
            version: version(r, 2)?,
            fingerprint: text(r, 3)?.to_owned(),
            session: owned(optional_text(r, 4)?),
        };
        integer(r, 5)?;
        integer(r, 6)?;
        Ok(row)
    };
    match read() {
        Ok(row) => Ok(Ok(row)),
        Err(Fault::Database(e)) => Err(e),
        Err(Fault::Row(wrong)) => Ok(Err(bad_row(machine, entity_id, wrong))),
    }
}

/// The entity's row, if there is one: a row whose columns do not read
/// (written past the store) is a [`StoreError::BadRow`], a database
/// that fails the outer error.
pub(super) fn find_row_in(
    conn: &Connection,
    s: &Shared,
    machine: &str,
    entity_id: &str,
) -> rusqlite::Result<Option<Result<StoredRow, StoreError>>> {
    conn.prepare_cached(&s.sql.row)?
        .query_row(params![machine, entity_id], |r| {
            stored_row(r, machine, entity_id)
        })
        .optional()
}

pub(super) fn history_in(
    conn: &Connection,
    tables: &Tables,
    q: &HistoryQuery,
) -> Result<Vec<HistoryRecord>, StoreError> {
    if let Some(entity_id) = &q.entity_id {
        check_entity_id(entity_id)?;
    }
    let built = history_sql(&tables.history, q, |n| format!("?{n}"));
    let mut stmt = conn.prepare_cached(&built.sql)?;
    let rows = stmt.query_map(built.sqlite_params().as_slice(), |r| {
        named(r, "history record: ", history_record(r))
    })?;
    rows.collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .collect()
}

/// A history record's row.
fn history_record(r: &Row<'_>) -> Result<HistoryRecord, Fault> {
    let metadata = text(r, 9)?;
    Ok(HistoryRecord {
        machine: text(r, 0)?.to_owned(),
        entity_id: text(r, 1)?.to_owned(),
        from: owned(optional_text(r, 2)?),
        to: text(r, 3)?.to_owned(),
        event: owned(optional_text(r, 4)?),
        reason: owned(optional_text(r, 5)?),
        actor: owned(optional_text(r, 6)?),
        session: owned(optional_text(r, 7)?),
        at: Timestamp::from_micros(integer(r, 8)?),
        metadata: serde_json::from_str(metadata)
            .unwrap_or_else(|_| serde_json::Value::String(metadata.to_owned())),
        version: version(r, 10)?,
    })
}
