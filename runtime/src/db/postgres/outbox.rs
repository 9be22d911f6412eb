//! The outbox on PostgreSQL: written, claimed with `FOR UPDATE SKIP
//! LOCKED` (each worker takes other entities' oldest messages; an
//! entity's later ones wait until its oldest is gone), deleted. The
//! oldest messages are found by one grouping pass, not by asking of
//! each row whether an older one exists: that question visits the
//! entity's deleted, not yet vacuumed, rows again for every row.

use sqlx::AssertSqlSafe;

use super::conn::PgConnection;
use super::rows::column;
use crate::db::StoreError;
use crate::db::outbox::OutboxMessage;
use crate::db::outbox::message::{ClaimedMessage, message_key};
use crate::time::Timestamp;

impl PgConnection<'_> {
    /// See [`Connection::insert_messages`](crate::db::backend::Connection::insert_messages):
    /// one statement.
    pub(super) async fn insert_outbox(
        &mut self,
        machine: &str,
        entity_id: &str,
        messages: &[(String, serde_json::Value)],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let topics: Vec<&str> = messages.iter().map(|(t, _)| t.as_str()).collect();
        let payloads: Vec<String> = messages.iter().map(|(_, p)| p.to_string()).collect();
        let q = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO {} (machine, entity_id, topic, payload, created_at)
             SELECT $1, $2, t, p, $5 FROM UNNEST($3::text[], $4::text[]) WITH ORDINALITY AS m(t, p, n)
             ORDER BY n",
            self.shared.tables.outbox
        )))
        .bind(machine.to_owned())
        .bind(entity_id.to_owned())
        .bind(topics.into_iter().map(str::to_owned).collect::<Vec<String>>())
        .bind(payloads)
        .bind(now.as_micros());
        self.write_count(q).await.map(drop)
    }

    /// See [`Connection::claim_messages`](crate::db::backend::Connection::claim_messages).
    pub(super) async fn claim_outbox(
        &mut self,
        at_most: usize,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let table = self.shared.tables.outbox.clone();
        let q = sqlx::query(AssertSqlSafe(format!(
            "SELECT o.id, o.machine, o.entity_id, o.topic, o.payload, o.created_at FROM {table} o
             WHERE o.id IN (SELECT min(id) FROM {table} GROUP BY machine, entity_id)
             ORDER BY o.id LIMIT $1 FOR UPDATE OF o SKIP LOCKED"
        )))
        .bind(i64::try_from(at_most).unwrap_or(i64::MAX));
        let rows = self.write_all(q).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let read = || -> Result<ClaimedMessage, String> {
                let id: i64 = column(&r, 0)?;
                let payload: String = column(&r, 4)?;
                Ok(ClaimedMessage {
                    id,
                    message: OutboxMessage {
                        key: message_key(&table, id),
                        machine: column(&r, 1)?,
                        entity_id: column(&r, 2)?,
                        topic: column(&r, 3)?,
                        payload: serde_json::from_str(&payload).map_err(|e| e.to_string())?,
                        created_at: Timestamp::from_micros(column(&r, 5)?),
                    },
                })
            };
            out.push(read().map_err(StoreError::Database)?);
        }
        Ok(out)
    }

    /// See [`Connection::delete_messages`](crate::db::backend::Connection::delete_messages).
    pub(super) async fn delete_outbox(&mut self, ids: &[i64]) -> Result<u64, StoreError> {
        let q = sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM {} WHERE id = ANY($1)",
            self.shared.tables.outbox
        )))
        .bind(ids.to_vec());
        self.write_count(q).await
    }
}
