//! How an SQLite store is opened: table prefix, durability, how long a
//! statement waits for another connection's lock.

use std::time::Duration;

use super::Synchronous;
use crate::db::TablePrefix;

/// The options of [`SqliteStore::open_with_options`](crate::db::SqliteStore::open_with_options).
///
/// The busy timeout bounds every wait for another connection's lock,
/// opening included (switching a new file to WAL and creating the schema
/// take the lock too): past it, the call fails with
/// [`StoreError::Transient`](crate::db::StoreError::Transient) of kind
/// [`Busy`](crate::db::TransientKind::Busy) and writes nothing. Every
/// waiter tries again at the same short pace (SQLite's own timeout makes
/// long waiters sleep longest, so newcomers pass them), so the lock goes
/// round evenly, and the longest wait under contention stays a small part
/// of the timeout (BENCHMARKS.md, "SQLite under contention", has what to
/// expect). Callers that must answer sooner set a shorter timeout and
/// retry.
///
/// ```
/// use std::time::Duration;
/// use stateforge_runtime::db::{SqliteOptions, SqliteStore, Synchronous, TablePrefix};
/// let dir = tempfile::tempdir().unwrap();
/// let options = SqliteOptions::new()
///     .prefix(TablePrefix::new("app_")?)
///     .synchronous(Synchronous::Normal)
///     .busy_timeout(Duration::from_secs(2));
/// let store = SqliteStore::open_with_options(dir.path().join("s.db"), &options)?;
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    pub(crate) prefix: TablePrefix,
    pub(crate) synchronous: Synchronous,
    pub(crate) busy_timeout: Duration,
    pub(crate) read_only: bool,
    pub(crate) migrate: bool,
}

impl SqliteOptions {
    /// No prefix, synchronous FULL, a busy timeout of
    /// [`SqliteStore::DEFAULT_BUSY_TIMEOUT`](crate::db::SqliteStore::DEFAULT_BUSY_TIMEOUT).
    ///
    /// ```
    /// let o = stateforge_runtime::db::SqliteOptions::new();
    /// assert_eq!(o.get_busy_timeout(), std::time::Duration::from_secs(10));
    /// ```
    #[must_use]
    pub fn new() -> SqliteOptions {
        SqliteOptions {
            prefix: TablePrefix::default(),
            synchronous: Synchronous::Full,
            busy_timeout: crate::db::SqliteStore::DEFAULT_BUSY_TIMEOUT,
            read_only: false,
            migrate: true,
        }
    }

    /// Sets the prefix of the table names.
    ///
    /// ```
    /// # use stateforge_runtime::db::{SqliteOptions, TablePrefix};
    /// let o = SqliteOptions::new().prefix(TablePrefix::new("app_")?);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    #[must_use]
    pub fn prefix(mut self, prefix: TablePrefix) -> SqliteOptions {
        self.prefix = prefix;
        self
    }

    /// Sets the durability level (`PRAGMA synchronous`).
    ///
    /// ```
    /// # use stateforge_runtime::db::{SqliteOptions, Synchronous};
    /// let o = SqliteOptions::new().synchronous(Synchronous::Normal);
    /// ```
    #[must_use]
    pub fn synchronous(mut self, synchronous: Synchronous) -> SqliteOptions {
        self.synchronous = synchronous;
        self
    }

    /// Sets how long a statement, opening included, waits for another
    /// connection's lock before failing as busy.
    ///
    /// ```
    /// # use stateforge_runtime::db::SqliteOptions;
    /// let o = SqliteOptions::new().busy_timeout(std::time::Duration::from_millis(500));
    /// assert_eq!(o.get_busy_timeout().as_millis(), 500);
    /// ```
    #[must_use]
    pub fn busy_timeout(mut self, timeout: Duration) -> SqliteOptions {
        self.busy_timeout = timeout;
        self
    }

    /// Opens the file read-only, for tools that look and must change
    /// nothing: no file is created, the journal mode is left as it is,
    /// and no table is created. A file without the store's tables is
    /// [`StoreError::NoSchema`](crate::db::StoreError::NoSchema); every
    /// write fails.
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteOptions, SqliteStore, StoreError};
    /// let dir = tempfile::tempdir().unwrap();
    /// let other = dir.path().join("other.db");
    /// rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE notes (x)").unwrap();
    /// let err = SqliteStore::open_with_options(&other, &SqliteOptions::new().read_only(true));
    /// assert!(matches!(err, Err(StoreError::NoSchema(_))));
    /// ```
    #[must_use]
    pub fn read_only(mut self, read_only: bool) -> SqliteOptions {
        self.read_only = read_only;
        self
    }

    /// Whether opening creates the store's tables when they are missing
    /// (the default); with `false`, a file without them is
    /// [`StoreError::NoSchema`](crate::db::StoreError::NoSchema) and
    /// nothing is created (see
    /// [`StoreOptions::migrate`](crate::db::StoreOptions::migrate)).
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteOptions, SqliteStore, StoreError};
    /// let dir = tempfile::tempdir().unwrap();
    /// let options = SqliteOptions::new().migrate(false);
    /// let err = SqliteStore::open_with_options(dir.path().join("new.db"), &options);
    /// assert!(matches!(err, Err(StoreError::NoSchema(_))));
    /// ```
    #[must_use]
    pub fn migrate(mut self, migrate: bool) -> SqliteOptions {
        self.migrate = migrate;
        self
    }

    /// The busy timeout set.
    ///
    /// ```
    /// # use stateforge_runtime::db::SqliteOptions;
    /// assert!(!SqliteOptions::new().get_busy_timeout().is_zero());
    /// ```
    #[must_use]
    pub fn get_busy_timeout(&self) -> Duration {
        self.busy_timeout
    }
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self::new()
    }
}
