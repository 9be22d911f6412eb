//! Rows to values and back.

use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::sql::SqliteSql;
use crate::db::history_sql::{HistoryParam, history_sql};
use crate::db::schema::Tables;
use crate::db::shared::restore;
use crate::db::{EntityRow, HistoryQuery, Loaded, StoreError};
use crate::history::{HistoryRecord, Timestamp};

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
    conn.prepare_cached(&format!(
        "SELECT machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at
         FROM {} WHERE machine = ?1 AND entity_id = ?2",
        tables.entities
    ))?
    .query_row(params![machine, entity_id], entity_row)
    .optional()?
    .ok_or_else(|| StoreError::NotFound {
        machine: machine.to_owned(),
        entity_id: entity_id.to_owned(),
    })
}

/// What a transition needs of an entity's row, the data left as text.
pub(super) struct Current {
    pub(super) state: String,
    pub(super) data: String,
    pub(super) version: u64,
    pub(super) fingerprint: String,
    pub(super) session: Option<String>,
}

pub(super) fn current_in(
    conn: &Connection,
    sql: &SqliteSql,
    machine: &str,
    entity_id: &str,
) -> Result<Current, StoreError> {
    conn.prepare_cached(&sql.current)?
        .query_row(params![machine, entity_id], |r| {
            Ok(Current {
                state: r.get(0)?,
                data: r.get(1)?,
                version: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                fingerprint: r.get(3)?,
                session: r.get(4)?,
            })
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            machine: machine.to_owned(),
            entity_id: entity_id.to_owned(),
        })
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
    let built = history_sql(&tables.history, q, |n| format!("?{n}"));
    let params: Vec<&dyn rusqlite::ToSql> = built
        .params
        .iter()
        .map(|p| match p {
            HistoryParam::Text(text) => text as &dyn rusqlite::ToSql,
            HistoryParam::Int(int) => int as &dyn rusqlite::ToSql,
        })
        .collect();
    let mut stmt = conn.prepare_cached(&built.sql)?;
    let rows = stmt.query_map(params.as_slice(), |r| {
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
