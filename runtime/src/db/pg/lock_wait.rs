//! How long a [`PgStore`]'s statements wait for a lock: PostgreSQL's
//! `lock_timeout`, set on each connection when it is made.

use std::time::Duration;

use super::PgStore;
use super::runtime::OwnRuntime;
use crate::db::schema::TablePrefix;
use crate::db::{Store, StoreError, StoreOptions, redact_url};

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
        let shown = redact_url(url);
        let runtime = OwnRuntime::new().map_err(|e| {
            StoreError::Database(format!("{shown}: cannot start the store's runtime: {e}"))
        })?;
        let store = runtime.block_on(Store::postgres_with(url, prefix, options))?;
        let store = PgStore {
            store: Some(store),
            shown,
            runtime,
        };
        Ok(store)
    }
}
