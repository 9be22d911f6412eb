//! History records: appending one as it is, and the history queries.

use sqlx::AssertSqlSafe;

use super::conn::{PgConnection, query};
use super::rows::history_record;
use crate::db::history_sql::{HistoryParam, history_sql};
use crate::db::shared::to_i64;
use crate::db::{HistoryQuery, StoreError};
use crate::history::HistoryRecord;

impl PgConnection<'_> {
    /// See [`Connection::insert_history`](crate::db::backend::Connection::insert_history).
    pub(super) async fn insert_record(&mut self, r: &HistoryRecord) -> Result<(), StoreError> {
        let q = query(&self.shared.sql.insert_history)
            .bind(r.machine.as_str())
            .bind(r.entity_id.as_str())
            .bind(r.from.as_deref())
            .bind(r.to.as_str())
            .bind(r.event.as_deref())
            .bind(r.reason.as_deref())
            .bind(r.actor.as_deref())
            .bind(r.session.as_deref())
            .bind(r.at.as_micros())
            .bind(r.metadata.to_string())
            .bind(to_i64(r.version));
        self.write_count(q).await?;
        Ok(())
    }

    /// See [`Connection::history`](crate::db::backend::Connection::history):
    /// a statement per set of filters (see `history_sql`), each prepared
    /// once per connection; a record that does not read fails the call,
    /// naming its entity.
    pub(super) async fn records(
        &mut self,
        q: &HistoryQuery,
    ) -> Result<Vec<HistoryRecord>, StoreError> {
        let built = history_sql(&self.shared.tables.history, q, |n| format!("${n}"));
        let mut statement = sqlx::query(AssertSqlSafe(built.sql));
        for param in built.params {
            statement = match param {
                HistoryParam::Text(text) => statement.bind(text),
                HistoryParam::Int(int) => statement.bind(int),
            };
        }
        let rows = self.read_all(statement).await?;
        rows.iter().map(history_record).collect()
    }
}
