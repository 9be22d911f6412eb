//! How a store waits for locks other connections hold, and for a pooled
//! connection.

use std::time::Duration;

/// Options of a store's connections: how long an operation waits for a
/// lock another connection holds before it gives up and, for a PostgreSQL
/// store that makes its own pool, how many connections that pool holds
/// and how long an operation waits for one.
///
/// Every wait is bounded: an operation that would wait longer fails,
/// having written nothing, with an error a caller may retry
/// ([`StoreError::is_retryable`](crate::db::StoreError::is_retryable)):
/// on PostgreSQL [`TransientKind::LockTimeout`](crate::db::TransientKind::LockTimeout)
/// (a row another transaction holds `FOR UPDATE`, for instance), on SQLite
/// [`TransientKind::Busy`](crate::db::TransientKind::Busy) (the database's
/// write lock).
///
/// ```
/// use std::time::Duration;
/// use stateforge_runtime::db::StoreOptions;
/// let options = StoreOptions::new().lock_timeout(Duration::from_secs(2));
/// assert_eq!(options.lock_timeout_or(Duration::from_secs(5)), Duration::from_secs(2));
/// assert_eq!(StoreOptions::new().lock_timeout_or(Duration::from_secs(5)), Duration::from_secs(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// `None`: the backend's default.
    lock_timeout: Option<Duration>,
    /// The most connections a pool the store makes holds.
    max_connections: u32,
    /// How long an operation waits for a pooled connection.
    acquire_timeout: Duration,
    /// Whether opening creates the schema when it is missing.
    migrate: bool,
}

impl Default for StoreOptions {
    fn default() -> StoreOptions {
        StoreOptions {
            lock_timeout: None,
            max_connections: StoreOptions::DEFAULT_MAX_CONNECTIONS,
            acquire_timeout: StoreOptions::DEFAULT_ACQUIRE_TIMEOUT,
            migrate: true,
        }
    }
}

impl StoreOptions {
    /// The backends' defaults: a lock wait of
    /// [`PgStore::DEFAULT_LOCK_TIMEOUT`](crate::db::PgStore::DEFAULT_LOCK_TIMEOUT)
    /// on PostgreSQL, of
    /// [`SqliteStore::DEFAULT_BUSY_TIMEOUT`](crate::db::SqliteStore::DEFAULT_BUSY_TIMEOUT)
    /// on SQLite.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::StoreOptions::new(), Default::default());
    /// ```
    #[must_use]
    pub fn new() -> StoreOptions {
        StoreOptions::default()
    }

    /// Whether opening the store creates its tables when they are missing
    /// (the default). With `false` it changes nothing: a database without
    /// them is [`StoreError::NoSchema`](crate::db::StoreError::NoSchema),
    /// so that a mistyped prefix or database creates nothing, and a role
    /// that may not create tables can open a store whose tables exist
    /// (an application's migrations made them).
    ///
    /// ```
    /// let options = stateforge_runtime::db::StoreOptions::new().migrate(false);
    /// assert!(!options.get_migrate());
    /// ```
    #[must_use]
    pub fn migrate(mut self, migrate: bool) -> StoreOptions {
        self.migrate = migrate;
        self
    }

    /// Whether opening creates missing tables.
    ///
    /// ```
    /// assert!(stateforge_runtime::db::StoreOptions::new().get_migrate());
    /// ```
    #[must_use]
    pub fn get_migrate(&self) -> bool {
        self.migrate
    }

    /// How long an operation waits for a lock another connection holds.
    /// PostgreSQL counts it in whole milliseconds, and takes 0 as "for
    /// ever": a shorter timeout waits 1 ms. It applies to each wait (each
    /// row lock, each statement), not to the operation as a whole. On
    /// PostgreSQL, a timeout shorter than the server's `deadlock_timeout`
    /// (1 s unless configured) reports a deadlock as a lock timeout: the
    /// waiter gives up before the server looks for the cycle.
    ///
    /// ```
    /// use std::time::Duration;
    /// let options = stateforge_runtime::db::StoreOptions::new().lock_timeout(Duration::from_millis(250));
    /// assert_eq!(options.lock_timeout_or(Duration::ZERO), Duration::from_millis(250));
    /// ```
    #[must_use]
    pub fn lock_timeout(mut self, timeout: Duration) -> StoreOptions {
        self.lock_timeout = Some(timeout);
        self
    }

    /// The lock timeout set, or `default` (the backend's) when none is.
    ///
    /// ```
    /// use std::time::Duration;
    /// let options = stateforge_runtime::db::StoreOptions::new();
    /// assert_eq!(options.lock_timeout_or(Duration::from_secs(3)), Duration::from_secs(3));
    /// ```
    #[must_use]
    pub fn lock_timeout_or(&self, default: Duration) -> Duration {
        self.lock_timeout.unwrap_or(default)
    }

    /// The pool size unless [`StoreOptions::max_connections`] says
    /// otherwise.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::StoreOptions::DEFAULT_MAX_CONNECTIONS, 10);
    /// ```
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;

    /// The wait for a pooled connection unless
    /// [`StoreOptions::acquire_timeout`] says otherwise.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::StoreOptions::DEFAULT_ACQUIRE_TIMEOUT.as_secs(), 5);
    /// ```
    pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

    /// The most connections the pool of a PostgreSQL store that connects
    /// by URL holds at once ([`StoreOptions::DEFAULT_MAX_CONNECTIONS`]
    /// unless set; 0 is taken as 1): as many operations and units run at
    /// once, and the next one waits up to
    /// [`StoreOptions::acquire_timeout`] for one of them to end. A store
    /// built on the application's own pool takes that pool's limits, not
    /// these. SQLite ignores it.
    ///
    /// ```
    /// let options = stateforge_runtime::db::StoreOptions::new().max_connections(32);
    /// assert_eq!(options.get_max_connections(), 32);
    /// assert_eq!(stateforge_runtime::db::StoreOptions::new().max_connections(0).get_max_connections(), 1);
    /// ```
    #[must_use]
    pub fn max_connections(mut self, max: u32) -> StoreOptions {
        self.max_connections = max.max(1);
        self
    }

    /// The pool size set, or [`StoreOptions::DEFAULT_MAX_CONNECTIONS`].
    ///
    /// ```
    /// let options = stateforge_runtime::db::StoreOptions::new();
    /// assert_eq!(options.get_max_connections(), 10);
    /// ```
    #[must_use]
    pub fn get_max_connections(&self) -> u32 {
        self.max_connections
    }

    /// How long an operation waits for a pooled connection when every one
    /// is in use (or a new one is being opened) before it gives up with
    /// [`StoreError::Transient`](crate::db::StoreError::Transient) of kind
    /// [`PoolTimeout`](crate::db::TransientKind::PoolTimeout), having
    /// written nothing ([`StoreOptions::DEFAULT_ACQUIRE_TIMEOUT`] unless
    /// set). A server that refuses connections is retried within the
    /// same wait, and fails the same way. Applies to a PostgreSQL store
    /// that connects by URL; SQLite ignores it.
    ///
    /// ```
    /// use std::time::Duration;
    /// let options = stateforge_runtime::db::StoreOptions::new().acquire_timeout(Duration::from_millis(500));
    /// assert_eq!(options.get_acquire_timeout(), Duration::from_millis(500));
    /// ```
    #[must_use]
    pub fn acquire_timeout(mut self, timeout: Duration) -> StoreOptions {
        self.acquire_timeout = timeout;
        self
    }

    /// The wait for a pooled connection set, or
    /// [`StoreOptions::DEFAULT_ACQUIRE_TIMEOUT`].
    ///
    /// ```
    /// let options = stateforge_runtime::db::StoreOptions::new();
    /// assert_eq!(options.get_acquire_timeout().as_secs(), 5);
    /// ```
    #[must_use]
    pub fn get_acquire_timeout(&self) -> Duration {
        self.acquire_timeout
    }
}
