//! The SQLite backend of the blocking API: its statements run on the
//! caller's thread, inside the poll, borrowing their inputs.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::driver::{Driver, block_here};
use super::{StoreOn, UnitOn};
use crate::db::backend::{Backend, Scope};
use crate::db::ops::Work;
use crate::db::schema::TablePrefix;
use crate::db::sqlite::{Runner, SqliteBackend, SqliteConnection, Target};
use crate::db::{SqliteOptions, StoreError, Synchronous};

/// SQLite, as the blocking API drives it: the backend of
/// [`SqliteStore`]. Its statements run on the calling thread, with no
/// hand-over to another.
pub struct Sqlite {
    backend: Arc<SqliteBackend>,
}

impl std::fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("tables", &self.backend.tables().entities)
            .finish_non_exhaustive()
    }
}

impl Driver for Sqlite {
    type Conn<'c> = SqliteConnection<'c>;
    type Shared = Arc<SqliteBackend>;

    fn name(&self) -> &'static str {
        self.backend.name()
    }

    fn begin(
        &self,
        scope: Scope,
    ) -> impl Future<Output = Result<SqliteConnection<'static>, StoreError>> {
        self.backend.begin(scope)
    }

    fn map_table(&self, table: crate::db::table_mapping::MappedTable) -> Result<(), StoreError> {
        block_here(self.backend.map_table(table))
    }

    fn shared(&self) -> Arc<SqliteBackend> {
        Arc::clone(&self.backend)
    }

    fn drop_tables(&self) -> Result<(), StoreError> {
        block_here(self.backend.drop_tables())
    }

    fn shorten<'a>(conn: SqliteConnection<'static>) -> SqliteConnection<'a> {
        conn
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        block_here(future)
    }

    fn spawn_wait<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // Nothing to hand over to: the statements run here anyway.
        block_here(future)
    }
}

/// A store in one SQLite database: entities, their history, their timers.
///
/// ```
/// use stateforge_runtime::db::{SqliteStore, TransitionMeta};
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Door {
///         initial state Closed;
///         state Open;
///         event open: Closed -> Open;
///         event close: Open -> Closed;
///     }
/// }
/// let store = SqliteStore::open_in_memory()?;
/// store.create("front", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
/// let door = store.fire::<AnyDoor>("front", DoorEvent::Open, &TransitionMeta::new().actor("ada"))?;
/// assert_eq!((door.machine.state(), door.version), (DoorState::Open, 2));
/// let history = store.history(&stateforge_runtime::db::HistoryQuery::entity("door", "front"))?;
/// assert_eq!(history.len(), 2);
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
pub type SqliteStore = StoreOn<Sqlite>;

/// The operations of one unit of work on a [`SqliteStore`]
/// ([`StoreOn::unit`], [`SqliteStore::unit_in`]): what they write commits
/// with the unit, or not at all.
pub type Unit<'a> = UnitOn<'a, Sqlite>;

impl StoreOn<Sqlite> {
    /// How long a write waits for another connection's lock on the
    /// database before failing with
    /// [`TransientKind::Busy`](crate::db::TransientKind::Busy), unless
    /// [`SqliteOptions::busy_timeout`] or [`SqliteStore::set_busy_timeout`]
    /// says otherwise. Other processes hold the write lock for one short
    /// transaction.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::SqliteStore::DEFAULT_BUSY_TIMEOUT.as_secs(), 10);
    /// ```
    pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

    /// Opens (or creates) the database at `path`, with synchronous FULL and
    /// no table prefix, and creates or migrates the schema.
    ///
    /// Besides its connection, the store starts a thread with a connection
    /// of its own that checkpoints the WAL a moment after each commit, so
    /// that no transition waits for a checkpoint; dropping the store ends
    /// it, and closes the file.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or was written by a newer schema.
    ///
    /// ```no_run
    /// let store = stateforge_runtime::db::SqliteStore::open("tasks.db")?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        Self::open_with(path, &TablePrefix::default(), Synchronous::Full)
    }

    /// Opens the database at `path` with a table prefix and a durability level.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or was written by a newer schema.
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteStore, Synchronous, TablePrefix};
    /// let dir = tempfile::tempdir().unwrap();
    /// let prefix = TablePrefix::new("app_")?;
    /// let store = SqliteStore::open_with(dir.path().join("s.db"), &prefix, Synchronous::Normal)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open_with(
        path: impl AsRef<Path>,
        prefix: &TablePrefix,
        synchronous: Synchronous,
    ) -> Result<SqliteStore, StoreError> {
        Self::open_with_options(
            path,
            &SqliteOptions::new()
                .prefix(prefix.clone())
                .synchronous(synchronous),
        )
    }

    /// Opens the database at `path` with every option ([`SqliteOptions`]).
    /// Any number of processes may open one file at once, a new one
    /// included: each waits for the others up to the busy timeout, and the
    /// schema is created once.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened, was written by a newer schema, or
    /// stayed locked by other connections past the busy timeout
    /// ([`StoreError::Transient`]).
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteOptions, SqliteStore};
    /// let dir = tempfile::tempdir().unwrap();
    /// let options = SqliteOptions::new().busy_timeout(std::time::Duration::from_secs(1));
    /// let store = SqliteStore::open_with_options(dir.path().join("s.db"), &options)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open_with_options(
        path: impl AsRef<Path>,
        options: &SqliteOptions,
    ) -> Result<SqliteStore, StoreError> {
        Self::open_target(Target::File(path.as_ref().to_owned()), options)
    }

    /// A store in memory, gone when dropped: for tests and examples.
    ///
    /// # Errors
    ///
    /// Only if SQLite cannot allocate.
    ///
    /// ```
    /// let store = stateforge_runtime::db::SqliteStore::open_in_memory()?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        Self::open_in_memory_with(&TablePrefix::default())
    }

    /// A store in memory with a table prefix.
    ///
    /// # Errors
    ///
    /// Only if SQLite cannot allocate.
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteStore, TablePrefix};
    /// let store = SqliteStore::open_in_memory_with(&TablePrefix::new("t_")?)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open_in_memory_with(prefix: &TablePrefix) -> Result<SqliteStore, StoreError> {
        Self::open_target(Target::Memory, &SqliteOptions::new().prefix(prefix.clone()))
    }

    fn open_target(target: Target, options: &SqliteOptions) -> Result<SqliteStore, StoreError> {
        let backend = block_here(SqliteBackend::open(target, options, Runner::Caller))?;
        Ok(StoreOn::on(Sqlite {
            backend: Arc::new(backend),
        }))
    }

    /// How long a statement waits for another connection's lock before
    /// failing with [`TransientKind::Busy`](crate::db::TransientKind::Busy)
    /// (as opened: [`SqliteOptions::busy_timeout`], by default
    /// [`SqliteStore::DEFAULT_BUSY_TIMEOUT`]).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// let store = stateforge_runtime::db::SqliteStore::open_in_memory()?;
    /// store.set_busy_timeout(std::time::Duration::from_millis(100))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<(), StoreError> {
        self.driver.backend.set_busy_timeout(timeout);
        Ok(())
    }

    /// Runs `f` on the store's connection, outside any unit (tests that
    /// look at what SQLite does with a statement).
    #[cfg(test)]
    pub(crate) fn with_connection<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
        f(&self.driver.backend.connection())
    }

    /// Runs `work` as a unit inside the application's own transaction on
    /// `conn`, a connection of the application's to the store's database
    /// file: the transitions, their history records and timers commit or
    /// roll back with the application's writes, when the application
    /// commits or rolls back. Begin the transaction with `BEGIN IMMEDIATE`
    /// (the store writes; a deferred transaction that must upgrade its
    /// lock can fail with busy). The unit commits nothing itself: an error
    /// from `work`, or an operation that failed half-way, is returned, and
    /// the application must then roll back. The after-listeners of the
    /// unit's `fire_with` are told when `work` has returned without an
    /// error, as durable as the store can tell: before the application's
    /// own commit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::unit`].
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("app.db");
    /// let store = SqliteStore::open(&path)?;
    /// store.create("front", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    ///
    /// let mut conn = rusqlite::Connection::open(&path).unwrap();
    /// conn.execute_batch("CREATE TABLE audit (what TEXT); BEGIN IMMEDIATE").unwrap();
    /// conn.execute("INSERT INTO audit VALUES ('opened the door')", []).unwrap();
    /// store.unit_in(&mut conn, |u| u.fire::<AnyDoor>("front", DoorEvent::Open, &TransitionMeta::new()))?;
    /// conn.execute_batch("COMMIT").unwrap(); // the door and the audit row, together
    /// assert_eq!(store.load::<AnyDoor>("front")?.version, 2);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn unit_in<T>(
        &self,
        conn: &mut rusqlite::Connection,
        work: impl FnOnce(&Unit<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.driver.backend.application(conn);
        let unit = UnitOn::new(Work::new(conn), &self.driver);
        let out = work(&unit)?;
        unit.commit()?;
        Ok(out)
    }
}
