//! Creating the backend's tables and recording their schema version, at
//! construction; the schema's text and the version check are
//! `db/schema.rs`'s, shared with SQLite.

use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPool;

use super::Shared;
use crate::db::StoreError;
use crate::db::schema::{Dialect, check_schema_version};

/// Creates the tables unless they exist, or refuses a database whose
/// schema is newer than this build's, in one transaction under an
/// advisory lock: two processes starting at once take turns.
pub(super) async fn migrate(pool: &PgPool, shared: &Shared) -> Result<(), StoreError> {
    let t = &shared.tables;
    let err = |e: sqlx::Error| shared.redactor.error(e);
    let mut tx = shared.begin_unit(pool).await?;
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock(hashtext($1))")
        .bind(t.meta.as_str())
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE TABLE IF NOT EXISTS {} (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        t.meta
    )))
    .execute(&mut *tx)
    .await
    .map_err(err)?;
    let found: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT value FROM {} WHERE key = 'schema_version'",
        t.meta
    )))
    .fetch_optional(&mut *tx)
    .await
    .map_err(err)?;
    check_schema_version(found)?;
    if found.is_none() {
        let create = t.create_sql(&Dialect {
            int: "BIGINT",
            serial_key: "BIGSERIAL PRIMARY KEY",
        });
        sqlx::raw_sql(AssertSqlSafe(create))
            .execute(&mut *tx)
            .await
            .map_err(err)?;
    }
    tx.commit().await.map_err(err)
}

/// Checks that the tables are there and not newer than this build's,
/// changing nothing and taking no lock.
pub(super) async fn check(pool: &PgPool, shared: &Shared) -> Result<(), StoreError> {
    let t = &shared.tables;
    let err = |e: sqlx::Error| shared.redactor.error(e);
    let present: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(t.meta.as_str())
        .fetch_one(pool)
        .await
        .map_err(err)?;
    let missing = || {
        let shown = shared.redactor.shown();
        StoreError::NoSchema(format!("{shown} (looked for `{}`)", t.meta))
    };
    if !present {
        return Err(missing());
    }
    let found: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT value FROM {} WHERE key = 'schema_version'",
        t.meta
    )))
    .fetch_optional(pool)
    .await
    .map_err(err)?;
    match found {
        None => Err(missing()),
        found => check_schema_version(found),
    }
}
