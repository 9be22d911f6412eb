//! The async store: every operation an `async fn` whose future is `Send`,
//! for services on tokio (axum and the like). Statements never run on an
//! executor thread: SQLite's run on the connection's own thread.

mod mapping;
mod migrate;
mod timer_worker;
pub(crate) mod trace;
mod unit;

pub use timer_worker::TimerWorker;
pub use unit::StoreUnit;

#[cfg(feature = "sqlite")]
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

#[cfg(feature = "sqlite")]
use crate::db::SqliteOptions;
use crate::db::any_backend::{AnyBackend, AnyConnection};
use crate::db::backend::{Backend, Scope};
use crate::db::due::DueCount;
use crate::db::ops::{self, Work};
#[cfg(feature = "postgres")]
use crate::db::postgres::PgBackend;
#[cfg(feature = "sqlite")]
use crate::db::sqlite::{Runner, SqliteBackend, Target};
use crate::db::{
    DefinitionKind, EntityPage, EntityQuery, EntityRow, HistoryQuery, Loaded, StoreError,
    StoreOptions, TablePrefix, TransitionMeta,
};
use crate::dynamic::{Args, Bound, DynMachine};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::time::Timestamp;
use trace::{
    create_dyn_span, create_span, fire_dyn_span, fire_span, record_fired, record_fired_dyn,
    save_span, span, traced,
};

type Json = serde_json::Value;

/// A store of machines: their state, data and history in a database,
/// moved atomically, from async code. Cheap to clone: clones share the
/// database.
///
/// ```
/// use stateforge_runtime::db::{HistoryQuery, Store, TransitionMeta};
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Door {
///         initial state Closed;
///         state Open;
///         event open: Closed -> Open;
///         event close: Open -> Closed;
///     }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
/// let store = Store::in_memory().await?;
/// let meta = TransitionMeta::new().actor("ada");
/// store.create("front", &AnyDoor::from(Door::new()), &meta).await?;
/// let door = store.fire::<AnyDoor>("front", DoorEvent::Open, &meta).await?;
/// assert_eq!((door.machine.state(), door.version), (DoorState::Open, 2));
/// let history = store.history(&HistoryQuery::entity("door", "front")).await?;
/// assert_eq!(history.len(), 2);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Store {
    backend: Arc<AnyBackend>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend.name())
            .finish_non_exhaustive()
    }
}

impl Store {
    #[cfg(feature = "sqlite")]
    /// Opens the SQLite database at `path` (created if missing), with the
    /// default [`SqliteOptions`].
    ///
    /// Besides its connection, the store starts a thread with a connection
    /// of its own that checkpoints the WAL a moment after each commit, so
    /// that no transition waits for a checkpoint; dropping the store ends
    /// it, and closes the file.
    ///
    /// # Errors
    ///
    /// The database's, or [`StoreError::SchemaTooNew`] for a database
    /// written by a newer stateforge.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let store = stateforge_runtime::db::Store::sqlite(dir.path().join("app.db")).await?;
    /// assert_eq!(store.backend(), "sqlite");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sqlite(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::sqlite_with(path, &SqliteOptions::new()).await
    }

    /// Opens `target`: a `postgres://` or `postgresql://` URL (any case
    /// of the scheme), `:memory:` for SQLite in memory, or else the path
    /// of a SQLite file; the same code then runs on either backend.
    ///
    /// # Errors
    ///
    /// As [`Store::sqlite`] or [`Store::postgres`]; a PostgreSQL URL in a
    /// build without the `postgres` feature (or a path without `sqlite`)
    /// is a [`StoreError::Database`] saying so.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::open(":memory:").await?;
    /// assert_eq!(store.backend(), "sqlite");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open(target: &str) -> Result<Store, StoreError> {
        Store::open_with(target, &TablePrefix::default(), &StoreOptions::new()).await
    }

    /// [`Store::open`] with the store's tables under `prefix`, and
    /// `options` (on SQLite, the lock timeout is the busy timeout).
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    ///
    /// ```
    /// use stateforge_runtime::db::{Store, StoreOptions, TablePrefix};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let prefix = TablePrefix::new("billing_")?;
    /// let store = Store::open_with(":memory:", &prefix, &StoreOptions::new()).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open_with(
        target: &str,
        prefix: &TablePrefix,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        if let Some(_url) = crate::db::postgres_url(target) {
            #[cfg(feature = "postgres")]
            return Store::postgres_with(&_url, prefix, options).await;
            #[cfg(not(feature = "postgres"))]
            return Err(StoreError::Database(
                "this build has no PostgreSQL store; enable the `postgres` feature".to_owned(),
            ));
        }
        #[cfg(feature = "sqlite")]
        {
            let timeout = options.lock_timeout_or(crate::db::SqliteStore::DEFAULT_BUSY_TIMEOUT);
            let sqlite = SqliteOptions::new()
                .prefix(prefix.clone())
                .busy_timeout(timeout)
                .migrate(options.get_migrate());
            let target = match target {
                ":memory:" => Target::Memory,
                path => Target::File(path.into()),
            };
            let backend = SqliteBackend::open(target, &sqlite, Runner::thread()?).await?;
            Ok(Store::on(AnyBackend::Sqlite(backend)))
        }
        #[cfg(not(feature = "sqlite"))]
        Err(StoreError::Database(
            "this build has no SQLite store, and the target is no PostgreSQL URL; enable the `sqlite` feature".to_owned(),
        ))
    }

    /// Connects to PostgreSQL at `url` with a pool of its own, bounded by
    /// the default [`StoreOptions`] (10 connections, 5 s to acquire one).
    /// With the `postgres-tls` feature, `sslmode=require` and
    /// `verify-full` connect over TLS.
    ///
    /// # Errors
    ///
    /// A URL that does not read, a server that does not answer
    /// ([`TransientKind::Connection`](crate::db::TransientKind::Connection)),
    /// [`StoreError::SchemaTooNew`]; never with the password in the
    /// message.
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::postgres("postgres://app@db/app").await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str) -> Result<Store, StoreError> {
        Store::postgres_with(url, &TablePrefix::default(), &StoreOptions::new()).await
    }

    /// [`Store::postgres`] with the tables under `prefix` and `options`
    /// (pool size, acquire timeout, lock timeout).
    ///
    /// # Errors
    ///
    /// As [`Store::postgres`].
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use stateforge_runtime::db::{Store, StoreOptions, TablePrefix};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let options = StoreOptions::new().max_connections(32).acquire_timeout(Duration::from_secs(2));
    /// let store = Store::postgres_with("postgres://app@db/app", &TablePrefix::default(), &options).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "postgres")]
    pub async fn postgres_with(
        url: &str,
        prefix: &TablePrefix,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        let backend = PgBackend::connect(url, prefix, options).await?;
        Ok(Store::on(AnyBackend::Postgres(backend)))
    }

    /// A store on the application's own `sqlx` pool: its size, timeouts
    /// and sessions stay the application's (the store bounds its lock
    /// waits per transaction with `SET LOCAL`).
    ///
    /// # Errors
    ///
    /// The server's; [`StoreError::SchemaTooNew`].
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let pool = sqlx::PgPool::connect("postgres://app@db/app").await?;
    /// let store = stateforge_runtime::db::Store::from_pool(pool.clone()).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "postgres")]
    pub async fn from_pool(pool: sqlx::PgPool) -> Result<Store, StoreError> {
        Store::from_pool_with(pool, &TablePrefix::default(), &StoreOptions::new()).await
    }

    /// [`Store::from_pool`] with the tables under `prefix`, and `options`
    /// (only its lock timeout applies: the pool is the application's).
    ///
    /// # Errors
    ///
    /// As [`Store::from_pool`].
    #[cfg(feature = "postgres")]
    pub async fn from_pool_with(
        pool: sqlx::PgPool,
        prefix: &TablePrefix,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        let backend = PgBackend::from_pool(pool, prefix, options).await?;
        Ok(Store::on(AnyBackend::Postgres(backend)))
    }

    /// The PostgreSQL pool the store runs on (the application's, or its
    /// own), for the application's own queries; `None` on SQLite.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// assert!(stateforge_runtime::db::Store::in_memory().await?.pg_pool().is_none());
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "postgres")]
    pub fn pg_pool(&self) -> Option<&sqlx::PgPool> {
        match &*self.backend {
            AnyBackend::Postgres(backend) => Some(backend.pool()),
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(_) => None,
        }
    }

    /// Closes the store's own PostgreSQL pool, waiting for connections in
    /// use and saying goodbye to the server on each (an application's
    /// pool is left open; on SQLite there is nothing to close). The store
    /// must not be used afterwards.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// stateforge_runtime::db::Store::in_memory().await?.close().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn close(&self) {
        match &*self.backend {
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(backend) => backend.close().await,
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(_) => {}
        }
    }

    #[cfg(feature = "sqlite")]
    /// Opens the SQLite database at `path` with `options`.
    ///
    /// # Errors
    ///
    /// As [`Store::sqlite`].
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteOptions, Store, Synchronous};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let options = SqliteOptions::new().synchronous(Synchronous::Normal);
    /// let store = Store::sqlite_with(dir.path().join("app.db"), &options).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sqlite_with(
        path: impl AsRef<Path>,
        options: &SqliteOptions,
    ) -> Result<Store, StoreError> {
        let target = Target::File(path.as_ref().to_owned());
        let backend = SqliteBackend::open(target, options, Runner::thread()?).await?;
        Ok(Store::on(AnyBackend::Sqlite(backend)))
    }

    #[cfg(feature = "sqlite")]
    /// A store in a SQLite database in memory, gone with the store (tests,
    /// examples).
    ///
    /// # Errors
    ///
    /// Only if SQLite cannot allocate.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn in_memory() -> Result<Store, StoreError> {
        let backend =
            SqliteBackend::open(Target::Memory, &SqliteOptions::new(), Runner::thread()?).await?;
        Ok(Store::on(AnyBackend::Sqlite(backend)))
    }

    fn on(backend: AnyBackend) -> Store {
        Store {
            backend: Arc::new(backend),
        }
    }

    /// `"sqlite"` or `"postgres"`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// assert_eq!(stateforge_runtime::db::Store::in_memory().await?.backend(), "sqlite");
    /// # Ok(())
    /// # }
    /// ```
    pub fn backend(&self) -> &'static str {
        self.backend.name()
    }

    /// Starts a unit of work: the operations run on it commit together
    /// with [`StoreUnit::commit`], or not at all (dropped, or on an error).
    ///
    /// # Errors
    ///
    /// The database's (on SQLite, [`TransientKind::Busy`](crate::db::TransientKind::Busy)
    /// when another process holds the write lock past the busy timeout).
    ///
    /// ```
    /// use stateforge_runtime::db::{Store, TransitionMeta};
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Step { initial state Running; final state Paused; event pause: Running -> Paused; }
    /// }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = Store::in_memory().await?;
    /// let meta = TransitionMeta::new();
    /// let mut unit = store.begin().await?;
    /// for id in ["a", "b"] {
    ///     unit.create(id, &AnyStep::from(Step::new()), &meta).await?;
    ///     unit.fire::<AnyStep>(id, StepEvent::Pause, &meta).await?;
    /// }
    /// unit.commit().await?;
    /// assert_eq!(store.load::<AnyStep>("b").await?.machine.state(), StepState::Paused);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn begin(&self) -> Result<StoreUnit<'static>, StoreError> {
        let conn = self.backend.begin(Scope::Unit).await?;
        Ok(StoreUnit::owned(Work::new(conn), self.backend.name()))
    }

    /// A unit of work inside the application's own transaction `conn` (a
    /// `sqlx::Transaction<Postgres>`, passed as `&mut tx`): the store's
    /// writes (the transition, its history record, its timers) commit or
    /// roll back with the application's, when the application commits or
    /// rolls back `tx`. The unit's reads lock their rows until then, as a
    /// unit's do. Its [`commit`](StoreUnit::commit) commits nothing: it
    /// says whether an operation failed half-way, in which case the
    /// application must roll back.
    ///
    /// The tables are the store's, so `conn` must reach the store's
    /// database; lock waits follow the application's own settings.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] on a store that is not on PostgreSQL (on
    /// SQLite, the application's statements run in the store's unit
    /// instead: [`StoreUnit::sqlite`]).
    ///
    /// ```no_run
    /// use stateforge_runtime::db::{Store, TransitionMeta};
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let pool = sqlx::PgPool::connect("postgres://app@db/app").await?;
    /// let store = Store::from_pool(pool.clone()).await?;
    /// let mut tx = pool.begin().await?;
    /// sqlx::query("INSERT INTO audit (what) VALUES ('opened the door')").execute(&mut *tx).await?;
    /// let mut unit = store.unit_in(&mut tx)?;
    /// unit.fire::<AnyDoor>("front", DoorEvent::Open, &TransitionMeta::new()).await?;
    /// unit.commit().await?; // nothing failed half-way
    /// tx.commit().await?;   // the door and the audit row, together
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "postgres")]
    pub fn unit_in<'c>(
        &self,
        conn: &'c mut sqlx::PgConnection,
    ) -> Result<StoreUnit<'c>, StoreError> {
        match &*self.backend {
            AnyBackend::Postgres(backend) => {
                Ok(StoreUnit::application(Work::new(backend.application(conn))))
            }
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(_) => Err(StoreError::Database(
                "this store is on SQLite: it cannot run in a PostgreSQL transaction; run the \
                 application's statements in the store's unit instead (StoreUnit::sqlite)"
                    .to_owned(),
            )),
        }
    }

    /// Runs `op` on a connection for `scope`, committed when it succeeds.
    pub(crate) async fn run<T>(
        &self,
        scope: Scope,
        op: impl AsyncFnOnce(&mut Work<AnyConnection>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut work = Work::new(self.backend.begin(scope).await?);
        let out = op(&mut work).await?;
        work.commit().await?;
        Ok(out)
    }

    /// Runs `op`, an attempt of a fire outside a unit, as [`Store::run`]
    /// does: racing other writers in [`Scope::Single`] ([`Work::for_fire`]).
    async fn run_fire<T>(
        &self,
        scope: Scope,
        op: impl AsyncFnOnce(&mut Work<AnyConnection>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut work = Work::for_fire(self.backend.begin(scope).await?, scope);
        let out = op(&mut work).await?;
        work.commit().await?;
        Ok(out)
    }

    /// Creates entity `entity_id` holding `machine` (usually in its initial
    /// state), with its first history record, and keeps the machine's
    /// definition.
    ///
    /// # Errors
    ///
    /// [`StoreError::AlreadyExists`], [`StoreError::InvalidEntityId`], or
    /// the database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{Store, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// let door = AnyDoor::from(Door::new());
    /// assert_eq!(store.create("d", &door, &TransitionMeta::new()).await?.version, 1);
    /// let again = store.create("d", &door, &TransitionMeta::new()).await;
    /// assert!(matches!(again, Err(StoreError::AlreadyExists { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create<M>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError>
    where
        M: Machine + Serialize + Sync,
    {
        let span = create_span(self.backend(), entity_id, machine);
        traced(
            span,
            self.run(Scope::Unit, async |w| {
                w.create(entity_id, machine, meta).await
            }),
        )
        .await
    }

    /// Loads entity `entity_id` as machine `M`, checked: another machine's
    /// row, an unknown state, another definition or data that does not
    /// fit is an error saying which.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`], [`StoreError::Restore`],
    /// [`StoreError::BadRow`], [`StoreError::InvalidEntityId`], or the
    /// database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{Store, StoreError};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// assert!(matches!(store.load::<AnyDoor>("nope").await, Err(StoreError::NotFound { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn load<M>(&self, entity_id: &str) -> Result<Loaded<M>, StoreError>
    where
        M: Machine + DeserializeOwned + Send,
    {
        let span = span(self.backend(), "load", M::definition().name(), entity_id);
        traced(
            span,
            self.run(Scope::Read, async |w| w.load::<M>(entity_id).await),
        )
        .await
    }

    /// Fires `event` on entity `entity_id`: loads it, fires, writes the new
    /// state and its history record, atomically. Concurrent transitions of
    /// the same entity take turns: each fires from the state the one
    /// before left. On SQLite the write lock orders them; on PostgreSQL
    /// the read takes no lock (two round trips in all) and a fire that
    /// finds the entity moved since its read reads it again and fires
    /// again, guards included, and after a few such races waits for the
    /// row's lock instead. A fire with an idempotency key or outbox
    /// messages (its meta's, its outbox listeners') runs in a transaction
    /// with the row locked: the messages commit with the transition.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotAllowed`] or [`StoreError::GuardRefused`] when the
    /// machine refuses the event (nothing is written),
    /// [`StoreError::OtherSession`], or those of [`Store::load`].
    ///
    /// ```
    /// # use stateforge_runtime::db::{Store, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// store.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new()).await?;
    /// let err = store.fire::<AnyDoor>("d", DoorEvent::Close, &TransitionMeta::new()).await.unwrap_err();
    /// assert!(matches!(err, StoreError::NotAllowed { .. }));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fire<M>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: Serialize + DeserializeOwned + Send,
    {
        self.fire_with(&Listeners::new(), entity_id, event, meta)
            .await
    }

    /// [`Store::fire`] with listeners: before-listeners run inside the
    /// transaction (a veto writes nothing), after-listeners once it has
    /// committed (their failures are logged, never returned).
    ///
    /// # Errors
    ///
    /// As [`Store::fire`], and [`StoreError::Vetoed`].
    ///
    /// ```
    /// # use stateforge_runtime::{Listeners, db::{Store, StoreError, TransitionMeta}};
    /// # stateforge::state_machine! { #[derive(Debug, Clone)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// store.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new()).await?;
    /// let mut listeners = Listeners::<AnyDoor>::new();
    /// listeners.before("maintenance", |_, _| Err("door under repair".to_owned()));
    /// let err = store.fire_with(&listeners, "d", DoorEvent::Open, &TransitionMeta::new()).await;
    /// assert!(matches!(err, Err(StoreError::Vetoed { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fire_with<M>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: Serialize + DeserializeOwned + Send,
    {
        let span = fire_span::<M>(self.backend(), entity_id, &event);
        let recorded = span.clone();
        let fired = traced(span, async {
            let fired = ops::fire(&self.backend, listeners, entity_id, event, meta).await?;
            record_fired(&recorded, &fired);
            Ok(fired)
        })
        .await?;
        // After-listeners run once the transition is durable (and were
        // told already of a replayed one).
        if !fired.replayed {
            listeners.notify(&fired.info(meta), &fired.loaded.machine);
        }
        Ok(fired.loaded)
    }

    /// Saves `machine` as the new state of `entity_id` after typed code
    /// moved it with `event`: checks that the entity is still at
    /// `expected_version` and that `event` leads from the stored state to
    /// the machine's, then writes it with its history record.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] when someone moved it meanwhile,
    /// [`StoreError::NotATransition`], [`StoreError::OtherSession`], or
    /// the database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{Store, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// let meta = TransitionMeta::new();
    /// store.create("d", &AnyDoor::from(Door::new()), &meta).await?;
    /// let loaded = store.load::<AnyDoor>("d").await?;
    /// let AnyDoor::Closed(door) = loaded.machine else { unreachable!() };
    /// let open = AnyDoor::from(door.open()); // typed, checked by the compiler
    /// assert_eq!(store.save("d", loaded.version, "open", &open, &meta).await?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn save<M>(
        &self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError>
    where
        M: Machine + Serialize + Sync,
    {
        let span = save_span(self.backend(), entity_id, event, machine);
        traced(
            span,
            self.run(Scope::Single, async |w| {
                w.save(entity_id, expected_version, event, machine, meta)
                    .await
            }),
        )
        .await
    }

    /// History records matching `query`, in its order.
    ///
    /// # Errors
    ///
    /// The database's; [`StoreError::BadRow`] for a record that does not
    /// read.
    ///
    /// ```
    /// # use stateforge_runtime::db::{HistoryQuery, Store};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = Store::in_memory().await?;
    /// assert!(store.history(&HistoryQuery::session("nobody")).await?.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn history(&self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        self.run(Scope::Read, async |w| w.history(query).await)
            .await
    }

    /// The entities of `machine` (in `state` only, when given), by id; a
    /// row that does not read is logged and left out (see
    /// [`Store::entities_checked`]).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// assert!(store.entities("door", Some("open")).await?.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        self.run(Scope::Read, async |w| w.entities(machine, state).await)
            .await
    }

    /// One page of the entities `query` selects, by key, and where the
    /// next page starts (see [`EntityPage`](crate::db::EntityPage)): a
    /// range read of an index, however far into the machine's entities
    /// the page is. A row that does not read is logged and left out.
    ///
    /// # Errors
    ///
    /// The database's; [`StoreError::TableMapping`] for a machine kept in
    /// the application's own table, which is paged by its own SQL.
    ///
    /// ```
    /// use stateforge_runtime::db::{EntityQuery, Store, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; final state Open; event open: Closed -> Open; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = Store::in_memory().await?;
    /// for id in ["d-1", "d-2", "d-3"] {
    ///     store.create(id, &AnyDoor::from(Door::new()), &TransitionMeta::new()).await?;
    /// }
    /// let first = store.entity_page(&EntityQuery::machine("door").state("closed").limit(2)).await?;
    /// assert_eq!(first.entities.len(), 2);
    /// let next = EntityQuery::machine("door").state("closed").after(first.next.unwrap());
    /// let second = store.entity_page(&next).await?;
    /// assert_eq!(second.entities[0].entity_id, "d-3");
    /// assert_eq!(second.next, None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn entity_page(&self, query: &EntityQuery) -> Result<EntityPage, StoreError> {
        self.run(Scope::Read, async |w| w.entity_page(query).await)
            .await
    }

    /// Every row of `machine`'s entities, each as its entity or the
    /// [`StoreError::BadRow`] saying what is wrong with it.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// assert!(store.entities_checked("door", None).await?.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn entities_checked(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        self.run(Scope::Read, async |w| {
            w.entities_checked(machine, state).await
        })
        .await
    }

    /// Claims the timers of machine `M` due at `now`, oldest first, and
    /// fires each, in one transaction; with any number of workers on the
    /// same database each timer fires once. How many fired. See
    /// [`SqliteStore::fire_due`](crate::db::SqliteStore::fire_due) for what
    /// is used up, kept and dropped.
    ///
    /// # Errors
    ///
    /// The database's: nothing a row holds stops the other timers.
    ///
    /// ```
    /// use stateforge_runtime::{Timestamp, db::{Store, TransitionMeta}};
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Breaker { initial state Open; state HalfOpen; event reset: Open -> HalfOpen after 30s; event trip: HalfOpen -> Open; }
    /// }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = Store::in_memory().await?;
    /// store.create("b", &AnyBreaker::from(Breaker::new()), &TransitionMeta::new()).await?;
    /// let later = Timestamp::now() + std::time::Duration::from_secs(31);
    /// assert_eq!(store.fire_due::<AnyBreaker>(later, 10).await?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fire_due<M>(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: DeserializeOwned + Send,
    {
        let span = span(self.backend(), "fire_due", M::definition().name(), "");
        traced(
            span,
            self.run(Scope::Unit, async |w| w.fire_due::<M>(now, limit).await),
        )
        .await
    }

    /// [`Store::fire_due`], saying how much of the limit it used.
    pub(crate) async fn fire_due_counted<M>(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: DeserializeOwned + Send,
    {
        // Written out rather than through `run`: the timer worker boxes
        // this future as `Send` for every lifetime of the store, which
        // rustc cannot prove through an async closure.
        let mut work = Work::new(self.backend.begin(Scope::Unit).await?);
        let step = crate::db::due::TimerStep::of::<M>;
        let reshape = crate::db::ops::Reshape::Typed(M::migrate_data);
        let count = work
            .fire_due_by(M::definition(), now, limit, step, reshape)
            .await?;
        work.commit().await?;
        Ok(count)
    }

    /// [`Store::fire_due_dyn`], saying how much of the limit it used.
    pub(crate) async fn fire_due_dyn_counted(
        &self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError> {
        self.run(Scope::Unit, async |w| {
            w.fire_due_dyn(bound, now, limit).await
        })
        .await
    }

    /// When the first timer of `machine` due after `after` is due.
    pub(crate) async fn next_due_after(
        &self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.run(Scope::Read, async |w| w.next_due(machine, after).await)
            .await
    }

    /// When the next timer of `machine` is due, if any.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// assert!(store.next_due("breaker").await?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_due(&self, machine: &str) -> Result<Option<Timestamp>, StoreError> {
        let after = Timestamp::from_micros(i64::MIN);
        self.run(Scope::Read, async |w| w.next_due(machine, after).await)
            .await
    }

    /// Keeps `definition` as the latest of its machine's: tools draw it,
    /// and dynamic machines of its name fire by it.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// let def = stateforge_core::Definition::example();
    /// store.save_definition(&def).await?;
    /// assert_eq!(store.definition("task").await?.fingerprint(), def.fingerprint());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn save_definition(&self, definition: &Definition) -> Result<(), StoreError> {
        self.run(Scope::Unit, async |w| w.save_definition(definition).await)
            .await
    }

    /// The definition of `machine` kept last.
    ///
    /// # Errors
    ///
    /// [`StoreError::NoDefinition`], [`StoreError::BadDefinition`], or the
    /// database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{Store, StoreError};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// assert!(matches!(store.definition("nope").await, Err(StoreError::NoDefinition(_))));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn definition(&self, machine: &str) -> Result<Definition, StoreError> {
        Ok(self.kept_definition(machine).await?.0)
    }

    /// The definition of `machine` kept last, and its kind.
    ///
    /// # Errors
    ///
    /// As [`Store::definition`].
    ///
    /// ```
    /// # use stateforge_runtime::db::{DefinitionKind, Store};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = Store::in_memory().await?;
    /// store.save_definition(&stateforge_core::Definition::example()).await?;
    /// assert_eq!(store.kept_definition("task").await?.1, DefinitionKind::Dynamic);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn kept_definition(
        &self,
        machine: &str,
    ) -> Result<(Definition, DefinitionKind), StoreError> {
        self.run(Scope::Read, async |w| w.kept_definition(machine).await)
            .await
    }

    /// The machines with a kept definition, sorted.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// assert!(store.machines().await?.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn machines(&self) -> Result<Vec<String>, StoreError> {
        self.run(Scope::Read, async |w| w.machines().await).await
    }

    /// Creates an entity of a dynamic machine; its definition is kept.
    ///
    /// # Errors
    ///
    /// As [`Store::create`].
    ///
    /// ```
    /// use std::sync::Arc;
    /// use stateforge_runtime::{DynMachine, Registry, db::{Store, TransitionMeta}};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = Store::in_memory().await?;
    /// let bound = Registry::<serde_json::Value>::new()
    ///     .guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())?;
    /// let task = DynMachine::new(Arc::clone(&bound), serde_json::json!({}));
    /// store.create_dyn("t", &task, &TransitionMeta::new()).await?;
    /// let t = store.fire_dyn(&bound, "t", "assign", &serde_json::Value::Null, &TransitionMeta::new()).await?;
    /// assert_eq!(t.machine.state_name(), "assigned");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_dyn(
        &self,
        entity_id: &str,
        machine: &DynMachine<Json>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        traced(
            create_dyn_span(self.backend(), entity_id, machine),
            self.run(Scope::Unit, async |w| {
                w.create_dyn(entity_id, machine, meta).await
            }),
        )
        .await
    }

    /// Loads an entity as a dynamic machine of `bound`'s definition.
    ///
    /// # Errors
    ///
    /// As [`Store::load`].
    pub async fn load_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        let name = bound.definition().name();
        traced(
            span(self.backend(), "load", name, entity_id),
            self.run(Scope::Read, async |w| w.load_dyn(bound, entity_id).await),
        )
        .await
    }

    /// Fires `event` by name, with `args`, on an entity of a dynamic
    /// machine, through `bound`'s guards and actions.
    ///
    /// # Errors
    ///
    /// As [`Store::fire`], and [`StoreError::UnknownEvent`],
    /// [`StoreError::ActionFailed`].
    pub async fn fire_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
        event: &str,
        args: &Args,
        meta: &TransitionMeta,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        let span = fire_dyn_span(self.backend(), bound.definition().name(), entity_id, event);
        let recorded = span.clone();
        traced(span, async {
            // Written out, not through a helper taking the attempt as a
            // closure: the future would then be `Send` for one lifetime of
            // what it borrows only.
            let racing = ops::racing(self.backend.contention(), entity_id, meta, false);
            let first = if racing.is_some() {
                Scope::Single
            } else {
                Scope::Unit
            };
            let attempt = async |w: &mut Work<AnyConnection>| {
                w.fire_dyn(bound, entity_id, event, args, meta).await
            };
            let mut fired = self.run_fire(first, attempt).await;
            if let (Some(contention), Err(StoreError::Conflict { .. })) = (racing, &fired) {
                contention.lost(entity_id);
                fired = self.run_fire(Scope::Unit, attempt).await;
            }
            let fired = fired?;
            record_fired_dyn(&recorded, &fired);
            Ok(fired)
        })
        .await
    }

    /// Fires up to `limit` due timers of `bound`'s machine; how many fired.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn fire_due_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        let name = bound.definition().name();
        let count = traced(
            span(self.backend(), "fire_due", name, ""),
            self.run(Scope::Unit, async |w| {
                w.fire_due_dyn(bound, now, limit).await
            }),
        )
        .await?;
        Ok(count.fired)
    }

    /// Drops the store's tables and their rows (tests and tools that
    /// reset a database); the store must not be used afterwards.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// stateforge_runtime::db::Store::in_memory().await?.drop_tables().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn drop_tables(&self) -> Result<(), StoreError> {
        self.backend.drop_tables().await
    }

    /// Removes the outcomes of idempotent fires whose keys expired by
    /// `now` ([`TransitionMeta::idempotency_ttl`]); how many. Expired keys
    /// are already ignored and replaced when reused: this only frees their
    /// rows, for a periodic job.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// let now = stateforge_runtime::Timestamp::now();
    /// assert_eq!(store.expire_idempotency_keys(now).await?, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn expire_idempotency_keys(&self, now: Timestamp) -> Result<u64, StoreError> {
        self.run(Scope::Single, async |w| w.expire_outcomes(now).await)
            .await
    }
}
