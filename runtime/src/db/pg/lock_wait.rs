//! How long a [`PgStore`]'s statements wait for a lock: PostgreSQL's
//! `lock_timeout`, set on each connection when it is made.

use std::time::Duration;

use super::PgStore;
use super::sql::PgSql;
use crate::db::schema::{TablePrefix, Tables};
use crate::db::{StoreError, StoreOptions};

impl PgStore {
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
        let tables = Tables::new(prefix);
        let store = PgStore {
            url: url.to_owned(),
            pool: std::sync::Mutex::new(Vec::new()),
            sql: PgSql::new(&tables),
            tables,
            session_setup: session_setup(options.lock_timeout_or(Self::DEFAULT_LOCK_TIMEOUT)),
        };
        store.migrate()?;
        Ok(store)
    }
}

/// What each new connection runs first. PostgreSQL counts `lock_timeout`
/// in whole milliseconds and takes 0 as no timeout at all, so a shorter
/// wait is rounded up to 1 ms, and a longer one than it can hold is cut
/// to the longest it can.
fn session_setup(lock_timeout: Duration) -> String {
    let millis = lock_timeout.as_millis().clamp(1, i32::MAX as u128);
    format!("SET lock_timeout = {millis}")
}

#[cfg(test)]
mod tests {
    use super::session_setup;
    use std::time::Duration;

    #[test]
    fn every_lock_timeout_is_a_bounded_wait_postgresql_accepts() {
        assert_eq!(session_setup(Duration::ZERO), "SET lock_timeout = 1");
        assert_eq!(
            session_setup(Duration::from_micros(300)),
            "SET lock_timeout = 1"
        );
        assert_eq!(
            session_setup(Duration::from_secs(5)),
            "SET lock_timeout = 5000"
        );
        assert_eq!(
            session_setup(Duration::MAX),
            format!("SET lock_timeout = {}", i32::MAX)
        );
    }
}
