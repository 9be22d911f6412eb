//! Rows to values and back.

use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::sql::SqliteSql;
use crate::db::TransitionMeta;
use crate::db::entity_id::check_entity_id;
use crate::db::history_sql::history_sql;
use crate::db::schema::Tables;
use crate::db::shared::{check_session_of, parse_fingerprint, restore};
use crate::db::{EntityRow, HistoryQuery, Loaded, StoreError};
use crate::history::{HistoryRecord, Timestamp};
use crate::stored::from_stored_data;

pub(super) fn entity_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EntityRow> {
    let data: String = r.get(3)?;
    Ok(EntityRow {
        machine: r.get(0)?,
        entity_id: r.get(1)?,
        state: r.get(2)?,
        // Unreadable data is reported when the row is restored, with the
        // machine and state it belongs to.
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)),
        version: u64::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
        fingerprint: r.get(5)?,
        session: r.get(6)?,
        created_at: Timestamp::from_micros(r.get(7)?),
        updated_at: Timestamp::from_micros(r.get(8)?),
    })
}

pub(super) fn row_in(
    conn: &Connection,
    tables: &Tables,
    machine: &str,
    entity_id: &str,
) -> Result<EntityRow, StoreError> {
    check_entity_id(entity_id)?;
    find_row_in(conn, tables, machine, entity_id)?.ok_or_else(|| StoreError::NotFound {
        machine: machine.to_owned(),
        entity_id: entity_id.to_owned(),
    })
}

/// The entity's row, if there is one, with SQLite's own error: a caller
/// can tell a row whose columns do not read (written past the store; see
/// [`unreadable`]) from a database that fails.
pub(super) fn find_row_in(
    conn: &Connection,
    tables: &Tables,
    machine: &str,
    entity_id: &str,
) -> rusqlite::Result<Option<EntityRow>> {
    conn.prepare_cached(&format!(
        "SELECT machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at
         FROM {} WHERE machine = ?1 AND entity_id = ?2",
        tables.entities
    ))?
    .query_row(params![machine, entity_id], entity_row)
    .optional()
}

/// Whether `e` says a column holds a value of another type than the
/// schema's (SQLite keeps whatever it is given): the row is at fault,
/// not the database.
pub(super) fn unreadable(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    )
}

/// What a transition needs of an entity's row: its session, checked
/// first, then the machine read straight from the columns SQLite holds
/// (the data text is deserialized in place, never copied), and the
/// version.
pub(super) fn current_in<M: Machine + DeserializeOwned>(
    conn: &Connection,
    sql: &SqliteSql,
    entity_id: &str,
    meta: &TransitionMeta,
) -> Result<(Loaded<M>, Option<String>), StoreError> {
    check_entity_id(entity_id)?;
    let def = M::definition();
    let read = conn
        .prepare_cached(&sql.current)?
        .query_row(params![def.name(), entity_id], |r| {
            // Text borrowed from SQLite; a column of another type fails as
            // reading it as `String` fails, before any check, as
            // `entity_row` made it fail.
            let column = |i: usize| {
                let value = r.get_ref(i)?;
                value.as_str().map_err(|_| {
                    let name = r.as_ref().column_name(i).unwrap_or("?").to_owned();
                    rusqlite::Error::InvalidColumnType(i, name, value.data_type())
                })
            };
            let (state, data, fingerprint) = (column(0)?, column(1)?, column(3)?);
            let session: Option<String> = r.get(4)?;
            let version = u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0);
            if let Err(e) = check_session_of(def.name(), entity_id, session.as_ref(), meta) {
                return Ok(Err(e));
            }
            // An unreadable fingerprint is refused before anything else of
            // the row, as `restore` refuses it.
            let fingerprint = match parse_fingerprint(def.name(), fingerprint) {
                Ok(fingerprint) => fingerprint,
                Err(e) => return Ok(Err(e)),
            };
            Ok(from_stored_data::<M>(state, data, fingerprint)
                .map(|machine| (machine, version, session))
                .map_err(StoreError::Restore))
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            machine: def.name().to_owned(),
            entity_id: entity_id.to_owned(),
        })?;
    let (machine, version, session) = read?;
    let loaded = Loaded {
        entity_id: entity_id.to_owned(),
        machine,
        version,
    };
    Ok((loaded, session))
}

pub(super) fn load_in<M: Machine + DeserializeOwned>(
    conn: &Connection,
    tables: &Tables,
    entity_id: &str,
) -> Result<Loaded<M>, StoreError> {
    restore(row_in(conn, tables, M::definition().name(), entity_id)?)
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
        let metadata: String = r.get(9)?;
        Ok(HistoryRecord {
            machine: r.get(0)?,
            entity_id: r.get(1)?,
            from: r.get(2)?,
            to: r.get(3)?,
            event: r.get(4)?,
            reason: r.get(5)?,
            actor: r.get(6)?,
            session: r.get(7)?,
            at: Timestamp::from_micros(r.get(8)?),
            metadata: serde_json::from_str(&metadata)
                .unwrap_or(serde_json::Value::String(metadata)),
            version: u64::try_from(r.get::<_, i64>(10)?).unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
