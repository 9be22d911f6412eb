//! Timers: replacing an entity's, claiming the due ones with their
//! entities (both locked, `SKIP LOCKED`, so that workers in many
//! processes never fire one twice), deleting them, and when the next is
//! due.

use super::conn::{PgConnection, query};
use super::rows::{claimed_entity, column, due_timer};
use crate::db::StoreError;
use crate::db::backend::Claimed;
use crate::db::due::DueCursor;
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

    /// See [`Connection::claim_due`](crate::db::backend::Connection::claim_due).
    pub(super) async fn claim(
        &mut self,
        machine: &str,
        now: Timestamp,
        after: DueCursor,
        at_most: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
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
            .map(|r| Ok((due_timer(r, machine)?, claimed_entity(r))))
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
