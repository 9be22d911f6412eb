//! Rows to values on PostgreSQL: every column read with its error, never
//! a panic, so that a row (or a column altered past the store) that does
//! not read is a [`StoreError::BadRow`] naming its entity.

use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use crate::db::error::pg_message;
use crate::db::shared::{bad_row, stored_version};
use crate::db::{EntityRow, StoreError};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

type Json = serde_json::Value;

pub(super) const ENTITY_COLUMNS: &str =
    "machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at";

/// Column `i`, or what is wrong with it.
fn column<'r, T: FromSql<'r>>(r: &'r Row, i: usize) -> Result<T, String> {
    r.try_get(i).map_err(|e| {
        let name = r.columns().get(i).map_or("?", |c| c.name());
        format!("column `{name}` does not read: {}", pg_message(&e))
    })
}

/// `read`, or the [`StoreError::BadRow`] naming the entity of the row,
/// whose columns 0 and 1 are its machine and entity id.
fn named<T>(r: &Row, what: &str, read: Result<T, String>) -> Result<T, StoreError> {
    read.map_err(|wrong| {
        let key = |i| column::<String>(r, i).unwrap_or_else(|_| "?".to_owned());
        bad_row(&key(0), &key(1), format!("{what}{wrong}"))
    })
}

/// An entity's row, selected as [`ENTITY_COLUMNS`] from column 0.
pub(super) fn entity_row(r: &Row) -> Result<EntityRow, StoreError> {
    let read = || -> Result<EntityRow, String> {
        let data: String = column(r, 3)?;
        Ok(EntityRow {
            machine: column(r, 0)?,
            entity_id: column(r, 1)?,
            state: column(r, 2)?,
            // Data that is not JSON is reported when the row is restored.
            data: serde_json::from_str(&data).unwrap_or(Json::String(data)),
            version: stored_version(column(r, 4)?)?,
            fingerprint: column(r, 5)?,
            session: column(r, 6)?,
            created_at: Timestamp::from_micros(column(r, 7)?),
            updated_at: Timestamp::from_micros(column(r, 8)?),
        })
    };
    named(r, "", read())
}

/// A history record's row, selected as the history query selects it.
pub(super) fn history_record(r: &Row) -> Result<HistoryRecord, StoreError> {
    let read = || -> Result<HistoryRecord, String> {
        let metadata: String = column(r, 9)?;
        Ok(HistoryRecord {
            machine: column(r, 0)?,
            entity_id: column(r, 1)?,
            from: column(r, 2)?,
            to: column(r, 3)?,
            event: column(r, 4)?,
            reason: column(r, 5)?,
            actor: column(r, 6)?,
            session: column(r, 7)?,
            at: Timestamp::from_micros(column(r, 8)?),
            metadata: serde_json::from_str(&metadata).unwrap_or(Json::String(metadata)),
            version: stored_version(column(r, 10)?)?,
        })
    };
    named(r, "history record: ", read())
}
