//! How a store waits for locks other connections hold.

use std::time::Duration;

/// Options of a store's connections: how long an operation waits for a
/// lock another connection holds before it gives up.
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreOptions {
    /// `None`: the backend's default.
    lock_timeout: Option<Duration>,
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
}
