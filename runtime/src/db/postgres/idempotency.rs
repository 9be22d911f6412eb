//! The outcomes of idempotent fires on PostgreSQL: found, kept, expired.

use sqlx::AssertSqlSafe;

use super::conn::PgConnection;
use super::rows::column;
use crate::db::StoreError;
use crate::db::idempotency::KeptOutcome;
use crate::time::Timestamp;

impl PgConnection<'_> {
    /// See [`Connection::find_outcome`](crate::db::backend::Connection::find_outcome).
    pub(super) async fn kept_outcome(
        &mut self,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<KeptOutcome>, StoreError> {
        let q = sqlx::query(AssertSqlSafe(format!(
            "SELECT key, machine, entity_id, event, from_state, to_state, version, data,
                    fingerprint, at, expires_at
             FROM {} WHERE key = $1 AND expires_at > $2",
            self.shared.tables.idempotency
        )))
        .bind(key.to_owned())
        .bind(now.as_micros());
        let Some(r) = self.read_optional(q).await? else {
            return Ok(None);
        };
        let read = || -> Result<KeptOutcome, String> {
            Ok(KeptOutcome {
                key: column(&r, 0)?,
                machine: column(&r, 1)?,
                entity_id: column(&r, 2)?,
                event: column(&r, 3)?,
                from: column(&r, 4)?,
                to: column(&r, 5)?,
                version: u64::try_from(column::<i64>(&r, 6)?).unwrap_or(0),
                data: column(&r, 7)?,
                fingerprint: column(&r, 8)?,
                at: column(&r, 9)?,
                expires_at: column(&r, 10)?,
            })
        };
        read().map(Some).map_err(StoreError::Database)
    }

    /// See [`Connection::keep_outcome`](crate::db::backend::Connection::keep_outcome).
    pub(super) async fn insert_outcome(&mut self, o: &KeptOutcome) -> Result<bool, StoreError> {
        let q = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {0} (key, machine, entity_id, event, from_state, to_state, version, data,
                             fingerprint, at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (key) DO UPDATE SET machine = excluded.machine,
                entity_id = excluded.entity_id, event = excluded.event,
                from_state = excluded.from_state, to_state = excluded.to_state,
                version = excluded.version, data = excluded.data,
                fingerprint = excluded.fingerprint, at = excluded.at,
                expires_at = excluded.expires_at
             WHERE {0}.expires_at <= excluded.at",
            self.shared.tables.idempotency
        )))
        .bind(o.key.clone())
        .bind(o.machine.clone())
        .bind(o.entity_id.clone())
        .bind(o.event.clone())
        .bind(o.from.clone())
        .bind(o.to.clone())
        .bind(i64::try_from(o.version).unwrap_or(i64::MAX))
        .bind(o.data.clone())
        .bind(o.fingerprint.clone())
        .bind(o.at)
        .bind(o.expires_at);
        Ok(self.write_count(q).await? > 0)
    }

    /// See [`Connection::expire_outcomes`](crate::db::backend::Connection::expire_outcomes).
    pub(super) async fn delete_expired_outcomes(
        &mut self,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let q = sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {} WHERE expires_at <= $1",
            self.shared.tables.idempotency
        )))
        .bind(now.as_micros());
        self.write_count(q).await
    }
}
