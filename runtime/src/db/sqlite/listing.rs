//! Listing a machine's entities, each row read on its own: one that does
//! not read does not hide the others.

use rusqlite::{Connection, params};

use super::rows::entity_row;
use crate::db::schema::Tables;
use crate::db::{EntityRow, StoreError};

/// The rows of `entities_checked`, read on `conn`: the store's
/// connection, or a unit's transaction.
pub(super) fn checked_entities_in(
    conn: &Connection,
    tables: &Tables,
    machine: &str,
    state: Option<&str>,
) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
    // `(?2 IS NULL OR state = ?2)` would keep the by-state index out of
    // use: a filter reaches the SQL only when it is set.
    let by_state = if state.is_some() {
        " AND state = ?2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at
         FROM {} WHERE machine = ?1{by_state} ORDER BY entity_id",
        tables.entities
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = match state {
        Some(state) => stmt.query_map(params![machine, state], entity_row)?,
        None => stmt.query_map(params![machine], entity_row)?,
    };
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
