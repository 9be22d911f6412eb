//! The PostgreSQL backend on sqlx: the [`Backend`] primitives over a pool
//! of async connections, for many processes on many machines sharing one
//! database. The same schema, statements and errors as the `pg` store it
//! replaces.
//!
//! The pool is the application's ([`PgBackend::from_pool`]) or one the
//! backend makes from a URL ([`PgBackend::connect`]), bounded by
//! [`StoreOptions::max_connections`] and
//! [`StoreOptions::acquire_timeout`]. A unit of work is a sqlx
//! transaction, rolled back when dropped uncommitted; a single operation
//! runs on a pooled connection in autocommit, its one write atomic alone.
//!
//! Every statement that may wait on a lock waits at most
//! [`StoreOptions::lock_timeout`]: the connections of the backend's own
//! pool set PostgreSQL's `lock_timeout` once, when made; on the
//! application's pool, whose sessions are left as they are, each
//! transaction sets it (`SET LOCAL`, with its `BEGIN`, in one round
//! trip), and a single operation's writing statement runs in a transaction
//! of its own that sets it (two round trips more than on the backend's
//! own pool).
//!
//! sqlx prepares each statement once per connection and keeps it: connect
//! to the server itself or through a session-mode pooler (a
//! transaction-mode pooler that does not carry prepared statements across
//! transactions fails with "prepared statement ... does not exist").

mod conn;
mod definitions;
mod due_page;
mod entities;
mod error;
mod idempotency;
mod mapped;
mod migrate;
mod outbox;
mod pool;
mod records;
mod rows;
mod sql;
mod timers;

#[cfg(test)]
mod tests;

use crate::db::contention::Contention;
use crate::db::table_mapping::MappedTables;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPool;
use sqlx::{Postgres, Transaction};
use stateforge_core::Definition;

pub(crate) use conn::PgConnection;
use error::Redactor;
use sql::PgSql;

use crate::db::backend::{
    Backend, Claimed, Connection, DueEntry, DueOutcome, KeyedRow, NewEntity, Scope, Write,
};
use crate::db::due::DueCursor;
use crate::db::idempotency::KeptOutcome;
use crate::db::outbox::message::ClaimedMessage;
use crate::db::schema::{TablePrefix, Tables};
use crate::db::shared::Keep;
use crate::db::{
    DefinitionKind, EntityQuery, EntityRow, HistoryQuery, StoreError, StoreOptions, StoredRow,
};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

/// What every connection of a backend shares.
pub(super) struct Shared {
    tables: Tables,
    sql: PgSql,
    /// `BEGIN; SET LOCAL lock_timeout = …` where the pool's sessions do
    /// not carry the lock timeout (the application's pool); `None` where
    /// they do.
    begin_bounded: Option<Arc<str>>,
    redactor: Redactor,
    /// The machines kept in the application's own tables, by name.
    mapped: MappedTables<mapped::PgMapped>,
}

impl Shared {
    /// The mapping of `machine`, when it is kept in the application's
    /// table.
    fn mapped(&self, machine: &str) -> Option<Arc<mapped::PgMapped>> {
        self.mapped.get(machine)
    }

    /// A transaction on `pool`, bounded by the lock timeout.
    async fn begin_unit(
        &self,
        pool: &PgPool,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        let begun = match &self.begin_bounded {
            Some(begin) => pool.begin_with(AssertSqlSafe(Arc::clone(begin))).await,
            None => pool.begin().await,
        };
        begun.map_err(|e| self.redactor.error(e))
    }
}

/// A PostgreSQL database the stores keep their machines in, over a pool
/// of sqlx connections.
pub(crate) struct PgBackend {
    pool: PgPool,
    shared: Arc<Shared>,
    /// The pool is the backend's own (made from a URL), closed by
    /// [`PgBackend::close`]; the application's is the application's to
    /// close.
    owns_pool: bool,
    /// Lost races of this store's fires.
    contention: Contention,
}

impl std::fmt::Debug for PgBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgBackend")
            .field("tables", &self.shared.tables.entities)
            .finish_non_exhaustive()
    }
}

impl PgBackend {
    /// How long a statement waits for a lock another transaction holds
    /// unless [`StoreOptions::lock_timeout`] says otherwise (the `pg`
    /// store's `DEFAULT_LOCK_TIMEOUT`).
    pub(crate) const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

    /// A backend on the application's pool, whose size, acquire timeout
    /// and sessions are its own: [`StoreOptions::max_connections`] and
    /// [`StoreOptions::acquire_timeout`] do not apply, and the lock
    /// timeout is set per transaction (`SET LOCAL`), never on a session.
    /// Creates the tables, or checks their schema version.
    ///
    /// # Errors
    ///
    /// The server's; [`StoreError::SchemaTooNew`].
    pub(crate) async fn from_pool(
        pool: PgPool,
        prefix: &TablePrefix,
        options: &StoreOptions,
    ) -> Result<PgBackend, StoreError> {
        let millis = pool::lock_timeout_millis(options.lock_timeout_or(Self::DEFAULT_LOCK_TIMEOUT));
        let begin = format!("BEGIN; SET LOCAL lock_timeout = {millis}");
        Self::open(
            pool,
            prefix,
            Some(begin.into()),
            Redactor::none(),
            false,
            options,
        )
        .await
    }

    /// A backend on a pool of its own to `url`, of at most
    /// [`StoreOptions::max_connections`] connections, each of which sets
    /// the lock timeout when it is made. Creates the tables, or checks
    /// their schema version.
    ///
    /// # Errors
    ///
    /// A URL that does not read, or a server that does not serve within
    /// [`StoreOptions::acquire_timeout`] (the password never in the
    /// message); [`StoreError::SchemaTooNew`].
    pub(crate) async fn connect(
        url: &str,
        prefix: &TablePrefix,
        options: &StoreOptions,
    ) -> Result<PgBackend, StoreError> {
        let redactor = Redactor::for_url(url);
        let lock_timeout = options.lock_timeout_or(Self::DEFAULT_LOCK_TIMEOUT);
        let pool = pool::connect(url, options, lock_timeout, &redactor).await?;
        Self::open(pool, prefix, None, redactor, true, options).await
    }

    async fn open(
        pool: PgPool,
        prefix: &TablePrefix,
        begin_bounded: Option<Arc<str>>,
        redactor: Redactor,
        owns_pool: bool,
        options: &StoreOptions,
    ) -> Result<PgBackend, StoreError> {
        let tables = Tables::new(prefix);
        let shared = Arc::new(Shared {
            sql: PgSql::new(&tables),
            tables,
            begin_bounded,
            redactor,
            mapped: MappedTables::default(),
        });
        if options.get_migrate() {
            migrate::migrate(&pool, &shared, prefix).await?;
        } else {
            migrate::check(&pool, &shared).await?;
        }
        Ok(PgBackend {
            pool,
            shared,
            owns_pool,
            contention: Contention::default(),
        })
    }

    /// The store's statements on the application's transaction `conn`.
    pub(crate) fn application<'c>(&self, conn: &'c mut sqlx::PgConnection) -> PgConnection<'c> {
        PgConnection::application(conn, Arc::clone(&self.shared))
    }

    /// Keeps `table`'s machine in the application's table, once the
    /// table and its columns are found and of types the store compares.
    pub(crate) async fn map_table(
        &self,
        table: crate::db::table_mapping::MappedTable,
    ) -> Result<(), StoreError> {
        let mut conn = self.begin(Scope::Read).await?;
        let mapped = mapped::register(&mut conn, &self.shared.tables, table).await?;
        let machine = mapped.table.machine.clone();
        self.shared.mapped.insert(machine, mapped);
        Ok(())
    }

    /// The pool the backend runs on.
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the backend's own pool, waiting for the connections in use
    /// to come back and saying goodbye to the server on each (a pool
    /// merely dropped closes its connections without, which the server
    /// logs). The application's pool is left open.
    pub(crate) async fn close(&self) {
        if self.owns_pool {
            self.pool.close().await;
        }
    }
}

impl Backend for PgBackend {
    type Connection = PgConnection<'static>;

    fn begin(
        &self,
        scope: Scope,
    ) -> impl Future<Output = Result<PgConnection<'static>, StoreError>> + Send {
        let shared = Arc::clone(&self.shared);
        let pool = self.pool.clone();
        async move {
            match scope {
                Scope::Unit => {
                    let tx = shared.begin_unit(&pool).await?;
                    Ok(PgConnection::unit(tx, shared))
                }
                Scope::Single | Scope::Read => {
                    let conn = pool.acquire().await.map_err(|e| shared.redactor.error(e))?;
                    Ok(PgConnection::single(conn, shared))
                }
            }
        }
    }

    fn drop_tables(&self) -> impl Future<Output = Result<(), StoreError>> + Send {
        let t = &self.shared.tables;
        let sql = format!(
            "DROP TABLE IF EXISTS {}, {}, {}, {}, {}, {}, {}",
            t.entities, t.history, t.timers, t.definitions, t.idempotency, t.outbox, t.meta
        );
        async move {
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&self.pool)
                .await
                .map(drop)
                .map_err(|e| self.shared.redactor.error(e))
        }
    }

    fn name(&self) -> &'static str {
        "postgres"
    }

    fn contention(&self) -> Option<&Contention> {
        Some(&self.contention)
    }
}

impl Connection for PgConnection<'_> {
    fn row(
        &mut self,
        machine: &str,
        entity_id: &str,
        lock: bool,
    ) -> impl Future<Output = Result<Option<Result<StoredRow, StoreError>>, StoreError>> + Send
    {
        self.entity_row(machine, entity_id, lock)
    }

    fn checks_sources(&self) -> bool {
        true
    }

    fn insert_entity(
        &mut self,
        entity: &NewEntity<'_>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.insert_entity_row(entity)
    }

    fn write(
        &mut self,
        write: &Write<'_>,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send {
        self.write_transition(write)
    }

    fn insert_history(
        &mut self,
        record: &HistoryRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.insert_record(record)
    }

    fn reset_timers(
        &mut self,
        machine: &str,
        entity_id: &str,
        state: &str,
        timers: &[(&str, i64)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.replace_timers(machine, entity_id, state, timers)
    }

    fn keep_definition(
        &mut self,
        def: &Definition,
        kind: DefinitionKind,
        now: Timestamp,
        keep: Keep,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.keep(def, kind, now, keep)
    }

    fn kept_definition(
        &mut self,
        machine: &str,
    ) -> impl Future<Output = Result<Option<(String, String)>, StoreError>> + Send {
        self.kept(machine)
    }

    fn definition_under(
        &mut self,
        machine: &str,
        fingerprint: &str,
    ) -> impl Future<Output = Result<Option<(String, String)>, StoreError>> + Send {
        self.kept_under(machine, fingerprint)
    }

    fn machines(&mut self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send {
        self.machine_names()
    }

    fn history(
        &mut self,
        query: &HistoryQuery,
    ) -> impl Future<Output = Result<Vec<HistoryRecord>, StoreError>> + Send {
        self.records(query)
    }

    fn entities(
        &mut self,
        machine: &str,
        state: Option<&str>,
    ) -> impl Future<Output = Result<Vec<Result<EntityRow, StoreError>>, StoreError>> + Send {
        self.entity_rows(machine, state)
    }

    fn entity_page(
        &mut self,
        query: &EntityQuery,
    ) -> impl Future<Output = Result<Vec<KeyedRow>, StoreError>> + Send {
        self.entity_page_rows(query)
    }

    fn lock_entities(
        &mut self,
        machine: &str,
        entity_ids: &[&str],
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send {
        self.lock_entity_rows(machine, entity_ids)
    }

    fn claim_due(
        &mut self,
        machine: &str,
        now: Timestamp,
        after: DueCursor,
        at_most: usize,
    ) -> impl Future<Output = Result<Vec<Claimed>, StoreError>> + Send {
        self.claim(machine, now, after, at_most)
    }

    fn delete_timer(&mut self, id: i64) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.remove_timer(id)
    }

    fn fire_due_page(
        &mut self,
        machine: &str,
        due: &[DueEntry<'_>],
    ) -> impl Future<Output = Result<Vec<DueOutcome>, StoreError>> + Send {
        self.fire_due_entries(machine, due)
    }

    fn next_due(
        &mut self,
        machine: &str,
        after: Timestamp,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send {
        self.first_due(machine, after)
    }

    fn find_outcome(
        &mut self,
        key: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<KeptOutcome>, StoreError>> + Send {
        self.kept_outcome(key, now)
    }

    fn keep_outcome(
        &mut self,
        outcome: &KeptOutcome,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        self.insert_outcome(outcome)
    }

    fn expire_outcomes(
        &mut self,
        now: Timestamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        self.delete_expired_outcomes(now)
    }

    fn insert_messages(
        &mut self,
        machine: &str,
        entity_id: &str,
        messages: &[(String, serde_json::Value)],
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.insert_outbox(machine, entity_id, messages, now)
    }

    fn claim_messages(
        &mut self,
        at_most: usize,
    ) -> impl Future<Output = Result<Vec<ClaimedMessage>, StoreError>> + Send {
        self.claim_outbox(at_most)
    }

    fn delete_messages(
        &mut self,
        ids: &[i64],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        self.delete_outbox(ids)
    }

    fn commit(self) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.finish()
    }
}
