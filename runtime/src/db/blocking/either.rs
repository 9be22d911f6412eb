//! One store type over every backend, chosen at run time: an application
//! (or an example) runs on SQLite by default and on PostgreSQL when given
//! a PostgreSQL URL, with the same code.

use std::future::Future;

use super::driver::Driver;
#[cfg(feature = "postgres")]
use super::postgres::Postgres;
#[cfg(feature = "sqlite")]
use super::sqlite::Sqlite;
use super::{StoreOn, UnitOn};
use crate::db::any_backend::AnyConnection;
use crate::db::backend::Scope;
use crate::db::ops::Connections;
#[cfg(feature = "postgres")]
use crate::db::postgres::PgBackend;
#[cfg(feature = "sqlite")]
use crate::db::sqlite::SqliteBackend;
#[cfg(feature = "sqlite")]
use crate::db::{SqliteOptions, SqliteStore};
use crate::db::{StoreError, StoreOptions, TablePrefix};

/// The backend of a [`Store`], chosen at run time by the target it was
/// opened on: SQLite's or PostgreSQL's, driven as there.
#[derive(Debug)]
#[non_exhaustive]
pub enum Either {
    /// The embedded store.
    #[cfg(feature = "sqlite")]
    Sqlite(Sqlite),
    /// The PostgreSQL store.
    #[cfg(feature = "postgres")]
    Postgres(Postgres),
}

/// What a task of an [`Either`] store owns.
pub(crate) enum EitherShared {
    #[cfg(feature = "sqlite")]
    Sqlite(std::sync::Arc<SqliteBackend>),
    #[cfg(feature = "postgres")]
    Postgres(std::sync::Arc<PgBackend>),
}

macro_rules! each {
    ($self:expr, $d:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            Either::Sqlite($d) => $body,
            #[cfg(feature = "postgres")]
            Either::Postgres($d) => $body,
        }
    };
}

impl Driver for Either {
    type Conn<'c> = AnyConnection;
    type Shared = EitherShared;

    fn name(&self) -> &'static str {
        each!(self, d => d.name())
    }

    fn reads_optimistically(&self) -> bool {
        each!(self, d => d.reads_optimistically())
    }

    async fn begin(&self, scope: Scope) -> Result<AnyConnection, StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            Either::Sqlite(d) => Ok(AnyConnection::Sqlite(d.begin(scope).await?)),
            #[cfg(feature = "postgres")]
            Either::Postgres(d) => Ok(AnyConnection::Postgres(d.begin(scope).await?)),
        }
    }

    fn shared(&self) -> EitherShared {
        match self {
            #[cfg(feature = "sqlite")]
            Either::Sqlite(d) => EitherShared::Sqlite(d.shared()),
            #[cfg(feature = "postgres")]
            Either::Postgres(d) => EitherShared::Postgres(d.shared()),
        }
    }

    fn drop_tables(&self) -> Result<(), StoreError> {
        each!(self, d => d.drop_tables())
    }

    fn map_table(&self, table: crate::db::table_mapping::MappedTable) -> Result<(), StoreError> {
        each!(self, d => d.map_table(table))
    }

    fn shorten<'a>(conn: Self::Conn<'static>) -> Self::Conn<'a> {
        conn
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        each!(self, d => d.block_on(future))
    }

    fn spawn_wait<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        each!(self, d => d.spawn_wait(future))
    }

    fn discard(&self, conn: AnyConnection) {
        match self {
            #[cfg(feature = "sqlite")]
            Either::Sqlite(_) => drop(conn),
            // As `Postgres::discard`: dropped where the runtime is current.
            #[cfg(feature = "postgres")]
            Either::Postgres(d) => {
                let _current = d.runtime.enter();
                drop(conn);
            }
        }
    }
}

/// A store on whichever backend [`Store::open`] was given.
///
/// ```
/// use stateforge_runtime::db::{TransitionMeta, blocking::Store};
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; }
/// }
/// let dir = tempfile::tempdir().unwrap();
/// let store = Store::open(dir.path().join("doors.db").to_str().unwrap())?;
/// store.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
/// assert_eq!(store.fire::<AnyDoor>("d", DoorEvent::Open, &TransitionMeta::new())?.version, 2);
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
pub type Store = StoreOn<Either>;

/// The operations of one unit of work on a [`Store`] ([`StoreOn::unit`]).
/// (Its first lifetime is there for code written when it had two.)
pub type StoreUnit<'u, 'c> = UnitOn<'c, Either>;

#[cfg(feature = "sqlite")]
impl From<SqliteStore> for Store {
    /// The SQLite store as a [`Store`], for code that takes either.
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteStore, blocking::Store};
    /// let store: Store = SqliteStore::open_in_memory()?.into();
    /// assert_eq!(store.backend(), "sqlite");
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    fn from(store: SqliteStore) -> Store {
        StoreOn::on(Either::Sqlite(store.driver))
    }
}

#[cfg(feature = "postgres")]
impl From<crate::db::PgStore> for Store {
    /// The PostgreSQL store as a [`Store`], for code that takes either.
    ///
    /// ```no_run
    /// use stateforge_runtime::db::{PgStore, blocking::Store};
    /// let store: Store = PgStore::connect("postgres://postgres@127.0.0.1/test")?.into();
    /// assert_eq!(store.backend(), "postgres");
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    fn from(store: crate::db::PgStore) -> Store {
        StoreOn::on(Either::Postgres(store.driver))
    }
}

impl StoreOn<Either> {
    /// Opens `target`: a `postgres://` or `postgresql://` URL, or else the
    /// path of an SQLite file (created if missing).
    ///
    /// # Errors
    ///
    /// When the database cannot be opened, or the URL needs a backend this
    /// build lacks.
    ///
    /// ```
    /// let store = stateforge_runtime::db::blocking::Store::open(":memory:")?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open(target: &str) -> Result<Store, StoreError> {
        Store::open_with(target, &TablePrefix::default())
    }

    /// [`Store::open`] with a prefix for the store's table names, so that
    /// several applications (or tests) share one database.
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    ///
    /// ```
    /// use stateforge_runtime::db::{TablePrefix, blocking::Store};
    /// let store = Store::open_with(":memory:", &TablePrefix::new("app_")?)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open_with(target: &str, prefix: &TablePrefix) -> Result<Store, StoreError> {
        Store::open_with_options(target, prefix, &StoreOptions::new())
    }

    /// [`Store::open_with`] with `options`: how long an operation waits
    /// for a lock another connection holds, on PostgreSQL its
    /// `lock_timeout` ([`PgStore::connect_with_options`](crate::db::PgStore::connect_with_options)),
    /// on SQLite its busy timeout ([`SqliteStore::set_busy_timeout`]).
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use stateforge_runtime::db::{StoreOptions, TablePrefix, blocking::Store};
    /// let options = StoreOptions::new().lock_timeout(Duration::from_secs(2));
    /// let store = Store::open_with_options(":memory:", &TablePrefix::new("app_")?, &options)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open_with_options(
        target: &str,
        prefix: &TablePrefix,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        if let Some(_url) = crate::db::postgres_url(target) {
            #[cfg(feature = "postgres")]
            return Ok(crate::db::PgStore::connect_with_options(&_url, prefix, options)?.into());
            #[cfg(not(feature = "postgres"))]
            return Err(StoreError::Database(
                "this build has no PostgreSQL store; enable the `postgres` feature".to_owned(),
            ));
        }
        #[cfg(feature = "sqlite")]
        {
            let store = if target == ":memory:" {
                let store = SqliteStore::open_in_memory_with(prefix)?;
                store
                    .set_busy_timeout(options.lock_timeout_or(SqliteStore::DEFAULT_BUSY_TIMEOUT))?;
                store
            } else {
                // The timeout bounds the opening's waits too.
                SqliteStore::open_with_options(
                    target,
                    &SqliteOptions::new()
                        .prefix(prefix.clone())
                        .busy_timeout(options.lock_timeout_or(SqliteStore::DEFAULT_BUSY_TIMEOUT)),
                )?
            };
            Ok(store.into())
        }
        #[cfg(not(feature = "sqlite"))]
        Err(StoreError::Database(
            "this build has no SQLite store, and the target is no PostgreSQL URL; enable the `sqlite` feature".to_owned(),
        ))
    }

    /// PostgreSQL at `STATEFORGE_PG_URL` when that is set, else the SQLite
    /// file `sqlite_path`.
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    ///
    /// ```no_run
    /// let store = stateforge_runtime::db::blocking::Store::from_env("app.db")?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn from_env(sqlite_path: &str) -> Result<Store, StoreError> {
        match std::env::var("STATEFORGE_PG_URL") {
            Ok(url) if !url.is_empty() => Store::open(&url),
            _ => Store::open(sqlite_path),
        }
    }
}

impl Connections for EitherShared {
    type Conn = AnyConnection;

    async fn begin(&self, scope: Scope) -> Result<AnyConnection, StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            EitherShared::Sqlite(b) => Ok(AnyConnection::Sqlite(b.begin(scope).await?)),
            #[cfg(feature = "postgres")]
            EitherShared::Postgres(b) => Ok(AnyConnection::Postgres(b.begin(scope).await?)),
        }
    }
}
