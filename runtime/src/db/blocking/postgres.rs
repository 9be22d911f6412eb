//! The PostgreSQL backend of the blocking API: a runtime of the store's
//! own drives its connections, and the calls that own what they need run
//! there whole, as tasks.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::driver::Driver;
use super::pg_runtime::OwnRuntime;
use super::{StoreOn, UnitOn};
use crate::db::backend::{Backend, Scope};
use crate::db::postgres::{PgBackend, PgConnection};
use crate::db::schema::TablePrefix;
use crate::db::{StoreError, StoreOptions, redact_url};

/// PostgreSQL, as the blocking API drives it: the backend of
/// [`PgStore`], with the runtime its connections run on.
pub struct Postgres {
    /// Present until dropped, when it is closed on the runtime.
    backend: Option<Arc<PgBackend>>,
    /// The URL, its password redacted.
    shown: String,
    pub(super) runtime: OwnRuntime,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A pool merely dropped closes its connections without a goodbye,
        // which the server logs as connections reset.
        if let Some(backend) = self.backend.take() {
            self.runtime.block_on(async move {
                backend.close().await;
                drop(backend);
            });
        }
    }
}

impl Postgres {
    /// The backend; present until dropped.
    fn backend(&self) -> &Arc<PgBackend> {
        self.backend
            .as_ref()
            .unwrap_or_else(|| unreachable!("a PgStore's backend is present until dropped"))
    }
}

impl Driver for Postgres {
    type Conn<'c> = PgConnection<'c>;
    type Shared = Arc<PgBackend>;

    fn name(&self) -> &'static str {
        self.backend().name()
    }

    fn reads_optimistically(&self) -> bool {
        self.backend().reads_optimistically()
    }

    fn begin(
        &self,
        scope: Scope,
    ) -> impl Future<Output = Result<PgConnection<'static>, StoreError>> {
        self.backend().begin(scope)
    }

    fn map_table(&self, table: crate::db::table_mapping::MappedTable) -> Result<(), StoreError> {
        self.runtime.block_on(self.backend().map_table(table))
    }

    fn shared(&self) -> Arc<PgBackend> {
        Arc::clone(self.backend())
    }

    fn drop_tables(&self) -> Result<(), StoreError> {
        self.runtime.block_on(self.backend().drop_tables())
    }

    fn shorten<'a>(conn: PgConnection<'static>) -> PgConnection<'a> {
        conn
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    fn spawn_wait<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.runtime.spawn_wait(future)
    }

    fn discard(&self, conn: PgConnection<'_>) {
        // The transaction rolls back as its connection goes back to the
        // pool, which a task on the store's runtime does.
        let _current = self.runtime.enter();
        drop(conn);
    }
}

/// A store in a PostgreSQL database, with a small pool of connections
/// (bounded by [`StoreOptions::max_connections`]).
///
/// Each connection prepares a statement once and keeps it: connect to
/// the server itself or through a session-mode pooler. A transaction-mode
/// pooler that does not carry prepared statements across transactions
/// (PgBouncer before 1.21, or with `max_prepared_statements = 0`) fails
/// with "prepared statement ... does not exist".
///
/// The store runs its connections on a runtime of its own, a worker
/// thread per core. `fire`, `fire_with` and `load` run there whole, as a
/// task, while the calling thread waits once for the answer, so threads
/// calling at once each have their call in progress; the other operations
/// and a unit's are polled on the calling thread while the workers drive
/// their I/O. The store's methods block: from async code, call them on a
/// blocking thread (`tokio::task::spawn_blocking`), or use the async
/// [`Store`](crate::db::Store). Unlike the `postgres` crate, the store does not panic when
/// called (or dropped) in an async task, but the call blocks the task's
/// thread. `fire`, `fire_with` and `load` ask the machine and its event
/// to be `Send` (and the machine `Sync`), as the async store does, since
/// they run on another thread.
///
/// Dropped, the store closes its connections, each with a goodbye to the
/// server.
///
/// ```no_run
/// use stateforge_runtime::db::{PgStore, TransitionMeta};
/// let store = PgStore::connect("postgres://postgres@127.0.0.1:5432/test")?;
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
pub type PgStore = StoreOn<Postgres>;

/// The operations of one unit of work on a [`PgStore`] ([`StoreOn::unit`]).
///
/// ```no_run
/// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
/// use stateforge_runtime::db::{PgStore, TransitionMeta};
/// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
/// let meta = TransitionMeta::new();
/// store.unit(|u| {
///     u.create("a", &AnyDoor::from(Door::new(0)), &meta)?;
///     u.create("b", &AnyDoor::from(Door::new(0)), &meta)
/// })?; // both doors, or neither
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
pub type PgUnit<'a> = UnitOn<'a, Postgres>;

impl StoreOn<Postgres> {
    /// Connects to `url` and creates or migrates the schema. A statement
    /// waits at most [`PgStore::DEFAULT_LOCK_TIMEOUT`] for a lock (see
    /// [`PgStore::connect_with_options`]).
    ///
    /// # Errors
    ///
    /// When the server cannot be reached (the password redacted from the
    /// message) or holds a newer schema.
    ///
    /// ```no_run
    /// let store = stateforge_runtime::db::PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        Self::connect_with(url, &TablePrefix::default())
    }

    /// Connects with a prefix for the table names, and the default
    /// [`StoreOptions`] (see [`PgStore::connect_with_options`]).
    ///
    /// # Errors
    ///
    /// As [`PgStore::connect`].
    ///
    /// ```no_run
    /// use stateforge_runtime::db::{PgStore, TablePrefix};
    /// let store = PgStore::connect_with("postgres://postgres@127.0.0.1/test", &TablePrefix::new("app_")?)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn connect_with(url: &str, prefix: &TablePrefix) -> Result<PgStore, StoreError> {
        Self::connect_with_options(url, prefix, &StoreOptions::new())
    }

    /// How long a statement waits for a lock another transaction holds
    /// (a row read `FOR UPDATE` by a fire, for instance) unless
    /// [`StoreOptions::lock_timeout`] says otherwise: long enough for any
    /// transition's transaction to end, short enough that a stuck holder
    /// is reported instead of hanging its callers.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::PgStore::DEFAULT_LOCK_TIMEOUT.as_secs(), 5);
    /// ```
    pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

    /// Connects with a prefix for the table names and `options`.
    ///
    /// The lock timeout is PostgreSQL's `lock_timeout`, set on each
    /// connection once, when it is made (a `SET`, one round trip per
    /// connection, none per operation; it wins over one in the URL's
    /// `options`). A statement that waits longer fails with
    /// [`StoreError::Transient`] of kind
    /// [`TransientKind::LockTimeout`](crate::db::TransientKind::LockTimeout),
    /// having written nothing, and may be retried.
    ///
    /// # Errors
    ///
    /// As [`PgStore::connect`].
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use stateforge_runtime::db::{PgStore, StoreOptions, TablePrefix};
    /// let options = StoreOptions::new().lock_timeout(Duration::from_secs(2));
    /// let store = PgStore::connect_with_options(
    ///     "postgres://postgres@127.0.0.1/test",
    ///     &TablePrefix::new("app_")?,
    ///     &options,
    /// )?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn connect_with_options(
        url: &str,
        prefix: &TablePrefix,
        options: &StoreOptions,
    ) -> Result<PgStore, StoreError> {
        let shown = redact_url(url);
        let runtime = OwnRuntime::new().map_err(|e| {
            StoreError::Database(format!("{shown}: cannot start the store's runtime: {e}"))
        })?;
        let backend = runtime.block_on(PgBackend::connect(url, prefix, options))?;
        Ok(StoreOn::on(Postgres {
            backend: Some(Arc::new(backend)),
            shown,
            runtime,
        }))
    }
}
