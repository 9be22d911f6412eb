//! Listing a machine's entities, each row read on its own: one that does
//! not read does not hide the others.

use rusqlite::{Connection, params};

use super::rows::{entity_row, key};
use crate::db::backend::KeyedRow;
use crate::db::entity_page_sql::entity_page_sql;
use crate::db::schema::Tables;
use crate::db::{EntityQuery, EntityRow, StoreError};

/// The store's listing columns, as [`entity_row`] reads them.
const LISTING_COLUMNS: &str =
    "machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at";

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
        "SELECT {LISTING_COLUMNS} FROM {} WHERE machine = ?1{by_state} ORDER BY entity_id",
        tables.entities
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = match state {
        Some(state) => stmt.query_map(params![machine, state], entity_row)?,
        None => stmt.query_map(params![machine], entity_row)?,
    };
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The rows of `query`'s page, read on `conn` (see
/// [`Connection::entity_page`](crate::db::backend::Connection::entity_page)).
pub(super) fn entity_page_in(
    conn: &Connection,
    tables: &Tables,
    query: &EntityQuery,
) -> Result<Vec<KeyedRow>, StoreError> {
    let built = entity_page_sql(&tables.entities, LISTING_COLUMNS, query, |n| {
        format!("?{n}")
    });
    let mut values: Vec<&dyn rusqlite::ToSql> = built
        .texts
        .iter()
        .map(|text| text as &dyn rusqlite::ToSql)
        .collect();
    values.push(&built.rows);
    let mut stmt = conn.prepare_cached(&built.sql)?;
    let rows = stmt.query_map(values.as_slice(), |r| Ok((key(r, 1), entity_row(r)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
