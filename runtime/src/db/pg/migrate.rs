//! Creating a [`PgStore`]'s tables and recording their schema version;
//! the schema's text and the version check are `db/schema.rs`'s, shared
//! with SQLite.

use super::PgStore;
use super::conn::Outcome;
use crate::db::StoreError;
use crate::db::schema::{Dialect, check_schema_version};

impl PgStore {
    pub(super) fn migrate(&self) -> Result<(), StoreError> {
        let t = &self.tables;
        let mut pooled = self.client()?;
        let (mut tx, _) = pooled.get().scope(true);
        let err = |e: tokio_postgres::Error| self.error(&e);
        // Two processes migrating at once take turns.
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&t.meta])
            .map_err(err)?;
        tx.batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {} (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            t.meta
        ))
        .map_err(err)?;
        let found: Option<i64> = tx
            .query_opt(
                &format!("SELECT value FROM {} WHERE key = 'schema_version'", t.meta),
                &[],
            )
            .map_err(err)?
            .map(|r| r.get(0));
        check_schema_version(found)?;
        if found.is_none() {
            tx.batch_execute(&t.create_sql(&Dialect {
                int: "BIGINT",
                serial_key: "BIGSERIAL PRIMARY KEY",
            }))
            .map_err(err)?;
        }
        match tx.commit().map_err(err)? {
            Outcome::Committed => Ok(()),
            // Every error above returns before the commit; kept exhaustive.
            Outcome::RolledBack => Err(StoreError::Database(
                "the schema migration was rolled back".into(),
            )),
        }
    }
}
