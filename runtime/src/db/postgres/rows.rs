//! Rows to values: every column read with its error, never a panic, so
//! that a row (or a column altered past the store) that does not read is
//! a [`StoreError::BadRow`] naming its entity.

use sqlx::postgres::PgRow;
use sqlx::{Column, Decode, Postgres, Row, Type};

use crate::db::backend::ClaimedEntity;
use crate::db::due::DueTimer;
use crate::db::shared::{bad_row, stored_version};
use crate::db::{EntityRow, StoreError, StoredRow, json_or_text};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

type Json = serde_json::Value;

/// An entity row's columns, in the order [`entity_row`] reads them.
pub(super) const ENTITY_COLUMNS: &str =
    "machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at";

/// How many columns [`ENTITY_COLUMNS`] is: a claimed timer's columns
/// follow.
const ENTITY_COLUMN_COUNT: usize = 9;

/// Column `i`, or what is wrong with it.
pub(super) fn column<'r, T>(r: &'r PgRow, i: usize) -> Result<T, String>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    r.try_get(i).map_err(|e| {
        let name = r.columns().get(i).map_or("?", |c| c.name());
        format!(
            "column `{name}` does not read: {}",
            e.to_string().replace('\n', " ")
        )
    })
}

/// `read`, or the [`StoreError::BadRow`] naming the entity of the row,
/// whose columns `key` and `key + 1` are its machine and entity id.
fn named<T>(r: &PgRow, key: usize, what: &str, read: Result<T, String>) -> Result<T, StoreError> {
    read.map_err(|wrong| {
        let text = |i| column::<String>(r, i).unwrap_or_else(|_| "?".to_owned());
        bad_row(&text(key), &text(key + 1), format!("{what}{wrong}"))
    })
}

/// An entity's row, selected as [`ENTITY_COLUMNS`] from column 0.
pub(super) fn entity_row(r: &PgRow) -> Result<EntityRow, StoreError> {
    let read = || -> Result<EntityRow, String> {
        Ok(EntityRow {
            machine: column(r, 0)?,
            entity_id: column(r, 1)?,
            state: column(r, 2)?,
            // Data that is not JSON is reported when the row is restored.
            data: json_or_text(column(r, 3)?),
            version: stored_version(column(r, 4)?)?,
            fingerprint: column(r, 5)?,
            session: column(r, 6)?,
            created_at: Timestamp::from_micros(column(r, 7)?),
            updated_at: Timestamp::from_micros(column(r, 8)?),
        })
    };
    named(r, 0, "", read())
}

/// What an operation reads of an entity's row, selected as
/// [`ENTITY_COLUMNS`] from column 0, each column checked as
/// [`entity_row`] checks it.
pub(super) fn stored_row(r: &PgRow) -> Result<StoredRow, StoreError> {
    let read = || -> Result<StoredRow, String> {
        let row = StoredRow {
            state: column(r, 2)?,
            // Data that is not JSON is reported when the row is restored.
            data: column(r, 3)?,
            version: stored_version(column(r, 4)?)?,
            fingerprint: column(r, 5)?,
            session: column(r, 6)?,
        };
        column::<i64>(r, 7)?;
        column::<i64>(r, 8)?;
        Ok(row)
    };
    named(r, 0, "", read())
}

/// A history record's row, selected as the history query selects it.
pub(super) fn history_record(r: &PgRow) -> Result<HistoryRecord, StoreError> {
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
    named(r, 0, "history record: ", read())
}

/// A claimed timer, from the columns after its entity's. The timer's
/// columns are `NOT NULL` and typed by the schema: one that does not read
/// was altered past the store, and fails the claim with the entity it
/// names.
pub(super) fn due_timer(r: &PgRow, machine: &str) -> Result<DueTimer, StoreError> {
    let at = ENTITY_COLUMN_COUNT;
    let read = || -> Result<DueTimer, String> {
        Ok(DueTimer {
            id: column(r, at)?,
            entity_id: column(r, at + 1)?,
            state: column(r, at + 2)?,
            event: column(r, at + 3)?,
            due_at: column(r, at + 4)?,
        })
    };
    read().map_err(|wrong| {
        let entity_id = column::<String>(r, at + 1).unwrap_or_else(|_| "?".to_owned());
        bad_row(machine, &entity_id, format!("timer: {wrong}"))
    })
}

/// What a claim found of a timer's entity: its row, from column 0, when
/// the claim locked it; else whether another unit holds it (the boolean
/// after the timer's columns) or it is gone.
pub(super) fn claimed_entity(r: &PgRow) -> ClaimedEntity {
    match column::<Option<String>>(r, 0) {
        Ok(None) => {
            if column::<bool>(r, ENTITY_COLUMN_COUNT + 5).unwrap_or(true) {
                ClaimedEntity::Held
            } else {
                ClaimedEntity::Gone
            }
        }
        _ => ClaimedEntity::Row(entity_row(r)),
    }
}
