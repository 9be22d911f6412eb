//! Applying the store's migrations (`db/migrations.rs`, shared with
//! SQLite) at construction, or checking that the database has them.

use sqlx::AssertSqlSafe;
use sqlx::postgres::{PgConnection, PgPool};

use super::Shared;
use crate::db::StoreError;
use crate::db::migrations::{LATEST_VERSION, Migration, MigrationDialect};
use crate::db::schema::{TablePrefix, check_schema_current, check_schema_version};

/// Applies the migrations the database lacks, or refuses a database
/// whose schema is newer than this build's, in one transaction under an
/// advisory lock: two processes starting at once take turns. A database
/// already at this build's version is only read, so that a role that
/// may not create tables opens a migrated one.
pub(super) async fn migrate(
    pool: &PgPool,
    shared: &Shared,
    prefix: &TablePrefix,
) -> Result<(), StoreError> {
    let current = {
        let mut conn = pool.acquire().await.map_err(|e| shared.redactor.error(e))?;
        recorded_version(&mut conn, shared).await?
    };
    if current == Some(LATEST_VERSION) {
        return Ok(());
    }
    let t = &shared.tables;
    let err = |e: sqlx::Error| shared.redactor.error(e);
    let mut tx = shared.begin_unit(pool).await?;
    sqlx::query("SELECT 1 FROM pg_advisory_xact_lock(hashtext($1))")
        .bind(t.meta.as_str())
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    let found = recorded_version(&mut tx, shared).await?;
    check_schema_version(found)?;
    for migration in Migration::after(found.unwrap_or(0)) {
        sqlx::raw_sql(AssertSqlSafe(
            migration.sql(MigrationDialect::Postgres, prefix),
        ))
        .execute(&mut *tx)
        .await
        .map_err(err)?;
    }
    tx.commit().await.map_err(err)
}

/// Checks that the tables are there and are this build's, changing
/// nothing and taking no lock.
pub(super) async fn check(pool: &PgPool, shared: &Shared) -> Result<(), StoreError> {
    let mut conn = pool.acquire().await.map_err(|e| shared.redactor.error(e))?;
    match recorded_version(&mut conn, shared).await? {
        None => {
            let shown = shared.redactor.shown();
            Err(StoreError::NoSchema(format!(
                "{shown} (looked for `{}`)",
                shared.tables.meta
            )))
        }
        Some(found) => check_schema_current(found),
    }
}

/// The schema version the meta table records; `None` without one (or
/// without the table).
async fn recorded_version(
    conn: &mut PgConnection,
    shared: &Shared,
) -> Result<Option<i64>, StoreError> {
    let t = &shared.tables;
    let err = |e: sqlx::Error| shared.redactor.error(e);
    let present: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(t.meta.as_str())
        .fetch_one(&mut *conn)
        .await
        .map_err(err)?;
    if !present {
        return Ok(None);
    }
    sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT value FROM {} WHERE key = 'schema_version'",
        t.meta
    )))
    .fetch_optional(&mut *conn)
    .await
    .map_err(err)
}
