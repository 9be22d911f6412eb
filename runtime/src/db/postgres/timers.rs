//! Timers: replacing an entity's, claiming the due ones with their
//! entities (`FOR UPDATE OF t, e SKIP LOCKED`, so that workers in many
//! processes never fire one twice), deleting them, and when the next is
//! due.

use super::conn::{PgConnection, query};
use super::rows::{column, due_timer, entity_row};
use crate::db::EntityRow;
use crate::db::StoreError;
use crate::db::due::{DueCursor, DueTimer};
use crate::time::Timestamp;

/// A count as SQL takes it.
fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl PgConnection<'_> {
    /// See [`Connection::reset_timers`](crate::db::backend::Connection::reset_timers):
    /// one statement, atomic alone.
    pub(super) async fn replace_timers(
        &mut self,
        machine: &str,
        entity_id: &str,
        state: &str,
        timers: &[(&str, i64)],
    ) -> Result<(), StoreError> {
        let (events, due): (Vec<&str>, Vec<i64>) = timers.iter().copied().unzip();
        let q = query(&self.shared.sql.reset_timers)
            .bind(machine)
            .bind(entity_id)
            .bind(state)
            .bind(events)
            .bind(due);
        self.write_count(q).await?;
        Ok(())
    }

    /// See [`Connection::purge_orphan_timers`](crate::db::backend::Connection::purge_orphan_timers):
    /// the claim's join passes over a timer whose entity row is gone
    /// (deleted past the store); such timers are used up here, page by
    /// page before the claim reads the page, so that they neither stay
    /// due for ever nor hold up `next_due`. Locked ones are left.
    pub(super) async fn purge_orphans(
        &mut self,
        machine: &str,
        now: Timestamp,
        after: DueCursor,
        page: usize,
    ) -> Result<usize, StoreError> {
        if let Some(m) = self.shared.mapped(machine) {
            return self.mapped_purge_orphans(&m, now, after, limit(page)).await;
        }
        let q = query(&self.shared.sql.purge_orphans)
            .bind(machine)
            .bind(now.as_micros())
            .bind(after.due_at)
            .bind(after.id)
            .bind(limit(page));
        let purged = self.write_count(q).await?;
        Ok(usize::try_from(purged).unwrap_or(usize::MAX))
    }

    /// See [`Connection::claim_due`](crate::db::backend::Connection::claim_due).
    pub(super) async fn claim(
        &mut self,
        machine: &str,
        now: Timestamp,
        after: DueCursor,
        at_most: usize,
    ) -> Result<Vec<(DueTimer, Result<EntityRow, StoreError>)>, StoreError> {
        if let Some(m) = self.shared.mapped(machine) {
            return self.mapped_claim(&m, now, after, limit(at_most)).await;
        }
        let q = query(&self.shared.sql.claim_due)
            .bind(machine)
            .bind(now.as_micros())
            .bind(after.due_at)
            .bind(after.id)
            .bind(limit(at_most));
        let rows = self.write_all(q).await?;
        rows.iter()
            .map(|r| Ok((due_timer(r, machine)?, entity_row(r))))
            .collect()
    }

    /// See [`Connection::delete_timer`](crate::db::backend::Connection::delete_timer).
    pub(super) async fn remove_timer(&mut self, id: i64) -> Result<bool, StoreError> {
        let q = query(&self.shared.sql.delete_timer).bind(id);
        Ok(self.write_count(q).await? > 0)
    }

    /// See [`Connection::next_due`](crate::db::backend::Connection::next_due).
    pub(super) async fn first_due(
        &mut self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        let q = query(&self.shared.sql.next_due)
            .bind(machine)
            .bind(after.as_micros());
        let Some(row) = self.read_optional(q).await? else {
            return Ok(None);
        };
        column::<Option<i64>>(&row, 0).map_err(StoreError::Database)
    }
}
