//! The schema a [`PgStore`] creates, and the check of a database's
//! recorded schema version.

use super::PgStore;
use crate::db::StoreError;
use crate::db::schema::SCHEMA_VERSION;

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
        if let Some(found) = found
            && found > SCHEMA_VERSION
        {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found.is_none() {
            tx.batch_execute(&format!(
                "CREATE TABLE IF NOT EXISTS {e} (
                    machine TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL,
                    data TEXT NOT NULL, version BIGINT NOT NULL, fingerprint TEXT NOT NULL,
                    session TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                    PRIMARY KEY (machine, entity_id));
                 CREATE INDEX IF NOT EXISTS {e}_by_state ON {e} (machine, state);
                 CREATE TABLE IF NOT EXISTS {h} (
                    id BIGSERIAL PRIMARY KEY,
                    machine TEXT NOT NULL, entity_id TEXT NOT NULL, from_state TEXT,
                    to_state TEXT NOT NULL, event TEXT, reason TEXT, actor TEXT, session TEXT,
                    at BIGINT NOT NULL, metadata TEXT NOT NULL, version BIGINT NOT NULL,
                    UNIQUE (machine, entity_id, version));
                 CREATE INDEX IF NOT EXISTS {h}_by_session ON {h} (session, id);
                 CREATE INDEX IF NOT EXISTS {h}_by_time ON {h} (at);
                 CREATE INDEX IF NOT EXISTS {h}_by_actor ON {h} (actor, id);
                 CREATE TABLE IF NOT EXISTS {tm} (
                    id BIGSERIAL PRIMARY KEY,
                    machine TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL,
                    event TEXT NOT NULL, due_at BIGINT NOT NULL);
                 CREATE INDEX IF NOT EXISTS {tm}_by_due ON {tm} (machine, due_at);
                 CREATE INDEX IF NOT EXISTS {tm}_by_entity ON {tm} (machine, entity_id);
                 CREATE TABLE IF NOT EXISTS {d} (
                    machine TEXT NOT NULL, fingerprint TEXT NOT NULL, json TEXT NOT NULL,
                    kind TEXT NOT NULL, saved_at BIGINT NOT NULL, PRIMARY KEY (machine, fingerprint));
                 INSERT INTO {meta} (key, value) VALUES ('schema_version', {v});",
                e = t.entities,
                h = t.history,
                tm = t.timers,
                d = t.definitions,
                meta = t.meta,
                v = SCHEMA_VERSION,
            ))
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(())
    }
}
