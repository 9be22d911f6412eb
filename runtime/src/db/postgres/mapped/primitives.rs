//! The primitives of a mapped machine: its statements run, their rows
//! read; and its registration.

use std::collections::HashSet;

use super::{COLUMNS, ColumnType, KeyKind, PgMapped, Values};
use crate::db::backend::{Claimed, ClaimedEntity, NewEntity, Write};
use crate::db::due::{DueCursor, DueTimer};
use crate::db::postgres::conn::{PgConnection, query};
use crate::db::postgres::rows::column;
use crate::db::schema::Tables;
use crate::db::shared::{bad_row, to_i64};
use crate::db::table_mapping::{MappedTable, integer_key, quoted};
use crate::db::{EntityRow, StoreError, StoredRow};
use crate::time::Timestamp;

impl PgConnection<'_> {
    /// The mapped row of `entity_id`, locked in a unit when `lock`.
    pub(in crate::db::postgres) async fn mapped_row(
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
    pub(in crate::db::postgres) async fn mapped_insert(
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
    pub(in crate::db::postgres) async fn mapped_write(
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
            kept_timers: w.kept_timers,
        };
        let statement = match w.timers {
            Some(_) if !w.kept_timers.is_empty() => &m.write_keeping,
            Some(_) => &m.write_timed,
            None => &m.write,
        };
        let Some(q) = m.bind(statement, values) else {
            return Ok(None);
        };
        let written = self.write_optional(q).await;
        // Without a version column, a writer that lost the race to one
        // from the same version meets its history record: a conflict.
        if m.table.mapping.version.is_none()
            && matches!(&written, Err(e) if e.code() == Some("23505"))
        {
            return Ok(None);
        }
        let Some(row) = written? else {
            return Ok(None);
        };
        let version: i64 = column(&row, 0).map_err(StoreError::Database)?;
        u64::try_from(version)
            .map(Some)
            .map_err(|_| StoreError::Database(format!("the write returned version {version}")))
    }

    /// The mapped rows (in `state` only, when given), by entity id.
    pub(in crate::db::postgres) async fn mapped_rows(
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
    pub(in crate::db::postgres) async fn mapped_lock(
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

    /// See [`Connection::claim_due`](crate::db::backend::Connection::claim_due).
    pub(in crate::db::postgres) async fn mapped_claim(
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
                // The row's columns, then `found`, the timer's and `held`.
                let at = COLUMNS + 1;
                let read = || -> Result<DueTimer, String> {
                    Ok(DueTimer {
                        id: column(r, at)?,
                        entity_id: column(r, at + 1)?,
                        state: column(r, at + 2)?,
                        event: column(r, at + 3)?,
                        due_at: column(r, at + 4)?,
                    })
                };
                let timer = read()
                    .map_err(|wrong| bad_row(&m.table.machine, "?", format!("timer: {wrong}")))?;
                let entity = match column::<Option<bool>>(r, COLUMNS) {
                    Ok(None) if !column::<bool>(r, at + 5).unwrap_or(true) => ClaimedEntity::Gone,
                    Ok(None) => ClaimedEntity::Held,
                    _ => ClaimedEntity::Row(m.entity_row(r, false)),
                };
                Ok((timer, entity))
            })
            .collect()
    }
}

/// Checks that the table and every mapped column exist, and that the key
/// and version columns are of types the store compares; the mapped
/// machine's statements.
pub(in crate::db::postgres) async fn register(
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
