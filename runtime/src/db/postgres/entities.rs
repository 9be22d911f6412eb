//! An entity's row: reading it, inserting it, moving it (the one-statement
//! transition write), listing and locking a machine's entities.

use std::collections::HashSet;

use super::conn::{PgConnection, query};
use sqlx::AssertSqlSafe;

use super::rows::{ENTITY_COLUMNS, column, entity_row, stored_row};
use crate::db::backend::{KeyedRow, NewEntity, Write};
use crate::db::entity_page_sql::entity_page_sql;
use crate::db::shared::{check_movable, to_i64};
use crate::db::{EntityQuery, EntityRow, StoreError, StoredRow};

impl PgConnection<'_> {
    /// See [`Connection::row`](crate::db::backend::Connection::row): locked
    /// (`FOR UPDATE`) only in a unit, whose transaction then holds it.
    pub(super) async fn entity_row(
        &mut self,
        machine: &str,
        entity_id: &str,
        lock: bool,
    ) -> Result<Option<Result<StoredRow, StoreError>>, StoreError> {
        if let Some(m) = self.shared.mapped(machine) {
            return self.mapped_row(&m, entity_id, lock).await;
        }
        let sql = if lock && self.in_unit() {
            &self.shared.sql.row_locked
        } else {
            &self.shared.sql.row
        };
        let q = query(sql).bind(machine).bind(entity_id);
        // A locking read waits for the row: bounded like a write.
        let row = if lock && self.in_unit() {
            self.write_optional(q).await?
        } else {
            self.read_optional(q).await?
        };
        Ok(row.map(|r| stored_row(&r)))
    }

    /// See [`Connection::insert_entity`](crate::db::backend::Connection::insert_entity).
    pub(super) async fn insert_entity_row(
        &mut self,
        e: &NewEntity<'_>,
    ) -> Result<bool, StoreError> {
        if let Some(m) = self.shared.mapped(e.machine) {
            return self.mapped_insert(&m, e).await;
        }
        let q = query(&self.shared.sql.insert_entity)
            .bind(e.machine)
            .bind(e.entity_id)
            .bind(e.state)
            .bind(e.data)
            .bind(e.fingerprint)
            .bind(e.session)
            .bind(e.now.as_micros());
        Ok(self.write_count(q).await? == 1)
    }

    /// See [`Connection::write`](crate::db::backend::Connection::write):
    /// one statement ([`PgSql::write`](super::sql::PgSql)), atomic alone.
    /// `w.from` and `w.session` are not sent: the statement takes the
    /// state left and the history record's session from the row it
    /// updates, as it is at that moment.
    pub(super) async fn write_transition(
        &mut self,
        w: &Write<'_>,
    ) -> Result<Option<u64>, StoreError> {
        if let Some(m) = self.shared.mapped(w.machine) {
            if w.expected_version == 0
                || check_movable(w.machine, w.entity_id, w.expected_version).is_err()
            {
                return Ok(None);
            }
            return self.mapped_write(&m, w).await;
        }
        // No row is at 0, and one at the last version cannot move: the
        // statement would match it and fail on the overflow. The caller's
        // read says which (a conflict, a bad row).
        if w.expected_version == 0
            || check_movable(w.machine, w.entity_id, w.expected_version).is_err()
        {
            return Ok(None);
        }
        let sql = match w.timers {
            Some(_) if !w.kept_timers.is_empty() => &self.shared.sql.write_keeping,
            Some(_) => &self.shared.sql.write_timed,
            None => &self.shared.sql.write,
        };
        let meta = w.meta;
        let mut q = query(sql)
            .bind(w.to)
            .bind(w.data)
            .bind(w.fingerprint)
            .bind(w.now.as_micros())
            .bind(w.machine)
            .bind(w.entity_id)
            .bind(to_i64(w.expected_version))
            .bind(w.sources)
            .bind(w.event)
            .bind(meta.reason.as_deref())
            .bind(meta.actor.as_deref())
            .bind(meta.metadata.to_string())
            .bind(meta.session.as_deref())
            .bind(meta.cross_session);
        if let Some(timers) = w.timers {
            let (events, due): (Vec<&str>, Vec<i64>) = timers.iter().copied().unzip();
            q = q.bind(events).bind(due);
            if !w.kept_timers.is_empty() {
                q = q.bind(w.kept_timers);
            }
        }
        let Some(row) = self.write_optional(q).await? else {
            return Ok(None);
        };
        let version: i64 = column(&row, 0).map_err(StoreError::Database)?;
        u64::try_from(version)
            .map(Some)
            .map_err(|_| StoreError::Database(format!("the write returned version {version}")))
    }

    /// See [`Connection::entities`](crate::db::backend::Connection::entities).
    pub(super) async fn entity_rows(
        &mut self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        if let Some(m) = self.shared.mapped(machine) {
            return self.mapped_rows(&m, state).await;
        }
        let q = match state {
            Some(state) => query(&self.shared.sql.entities_in_state)
                .bind(machine)
                .bind(state),
            None => query(&self.shared.sql.entities).bind(machine),
        };
        let rows = self.read_all(q).await?;
        Ok(rows.iter().map(entity_row).collect())
    }

    /// See [`Connection::entity_page`](crate::db::backend::Connection::entity_page):
    /// a statement per set of filters (see `entity_page_sql`), each
    /// prepared once per connection.
    pub(super) async fn entity_page_rows(
        &mut self,
        q: &EntityQuery,
    ) -> Result<Vec<KeyedRow>, StoreError> {
        if let Some(m) = self.shared.mapped(&q.machine) {
            return Err(m.table.refuses_pages());
        }
        let built = entity_page_sql(&self.shared.tables.entities, ENTITY_COLUMNS, q, |n| {
            format!("${n}")
        });
        let mut statement = sqlx::query(AssertSqlSafe(built.sql));
        for text in built.texts {
            statement = statement.bind(text);
        }
        let rows = self.read_all(statement.bind(built.rows)).await?;
        rows.iter()
            .map(|r| {
                let key = column::<String>(r, 1).map_err(StoreError::Database)?;
                Ok((key, entity_row(r)))
            })
            .collect()
    }

    /// See [`Connection::lock_entities`](crate::db::backend::Connection::lock_entities):
    /// one statement, locking the rows in the order of their ids' bytes
    /// whatever the order given.
    pub(super) async fn lock_entity_rows(
        &mut self,
        machine: &str,
        entity_ids: &[&str],
    ) -> Result<Option<String>, StoreError> {
        if entity_ids.is_empty() {
            return Ok(None);
        }
        if let Some(m) = self.shared.mapped(machine) {
            return self.mapped_lock(&m, entity_ids).await;
        }
        let q = query(&self.shared.sql.lock_entities)
            .bind(machine)
            .bind(entity_ids);
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
}
