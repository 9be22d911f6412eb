//! The embedded store: one SQLite file (or memory), WAL, one write
//! transaction per unit of work.

use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

mod backend;
mod busy_wait;
mod connection;
mod dynamic;
mod idempotency;
mod listing;
mod mapped;
mod migrate;
mod options;
mod outbox;
mod primitives;
mod rows;
mod sql;
mod transition;
mod unit;

pub use options::SqliteOptions;
pub use unit::Unit;

use super::backend::{Backend, Scope};
use super::open_unit::{OpenUnit, check_outside};
use super::ops::Work;
use super::schema::TablePrefix;
use super::{HistoryQuery, Loaded, StoreError, TransitionMeta};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::time::Timestamp;
pub(crate) use backend::{SqliteBackend, Target};
pub(crate) use connection::{Runner, SqliteConnection};

/// Runs an operation of the blocking API to its end on this thread.
///
/// The blocking store runs its statements inside the poll, on this
/// thread, so an operation is done after one poll unless it waits for the
/// connection another thread holds: only then is a real waker needed,
/// and the operation is blocked on from where it stands.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut noop = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut noop) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => futures_executor::block_on(future),
    }
}

/// How hard SQLite works to keep a committed transaction across a power
/// cut (`PRAGMA synchronous`).
///
/// ```
/// assert_ne!(stateforge_runtime::db::Synchronous::Full, stateforge_runtime::db::Synchronous::Normal);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// Every commit reaches the disk before it returns (the default).
    #[default]
    Full,
    /// With WAL: a power cut may lose the last commits, never corrupt.
    Normal,
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
pub struct SqliteStore {
    backend: SqliteBackend,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("tables", &self.backend.tables().entities)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
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
        let backend = block_on(SqliteBackend::open(target, options, Runner::Caller))?;
        Ok(SqliteStore { backend })
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
        self.backend.set_busy_timeout(timeout);
        Ok(())
    }

    /// The connection, waiting for another thread's use of it to end;
    /// refused on this thread while a unit of this store is open on it
    /// (it would wait for ever on itself).
    /// Runs `f` on the store's connection, outside any unit (tests that
    /// look at what SQLite does with a statement).
    #[cfg(test)]
    pub(crate) fn with_connection<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
        f(&self.backend.connection())
    }

    pub(crate) fn with_work<T>(
        &self,
        scope: Scope,
        op: impl AsyncFnOnce(&mut Work<SqliteConnection>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        check_outside(self)?;
        block_on(async {
            let mut work = Work::new(self.backend.begin(scope).await?);
            let out = op(&mut work).await?;
            work.commit().await?;
            Ok(out)
        })
    }

    /// See [`Store::drop_tables`](crate::db::blocking::Store::drop_tables): this
    /// store's tables, and their rows, dropped, in one transaction.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// let store = stateforge_runtime::db::SqliteStore::open_in_memory()?;
    /// store.drop_tables()?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn drop_tables(&self) -> Result<(), StoreError> {
        check_outside(self)?;
        block_on(self.backend.drop_tables())
    }

    /// Runs `work` as one unit: everything it writes commits together, or,
    /// if it returns an error or panics, nothing does. Nor does it when an
    /// operation in it failed after writing part of its changes (a history
    /// record refused after the entity's update), even if `work` went on
    /// past that error: the unit is rolled back, as PostgreSQL rolls back
    /// a transaction after a failed statement.
    ///
    /// # Errors
    ///
    /// The first error of `work`; [`StoreError::Database`] when an
    /// operation failed halfway; or the database's.
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteStore, TransitionMeta};
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Step { initial state Running; final state Paused; event pause: Running -> Paused; }
    /// }
    /// let store = SqliteStore::open_in_memory()?;
    /// let meta = TransitionMeta::new();
    /// for id in ["a", "b"] {
    ///     store.create(id, &AnyStep::from(Step::new()), &meta)?;
    /// }
    /// store.unit(|unit| {
    ///     for id in ["a", "b"] {
    ///         unit.fire::<AnyStep>(id, StepEvent::Pause, &meta)?;
    ///     }
    ///     Ok(())
    /// })?;
    /// assert_eq!(store.load::<AnyStep>("b")?.machine.state(), StepState::Paused);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn unit<T>(
        &self,
        work: impl FnOnce(&Unit<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        check_outside(self)?;
        let _open = OpenUnit::mark(self);
        let conn = block_on(self.backend.begin(Scope::Unit))?;
        let unit = Unit::new(Work::new(conn));
        // On an error or a panic the unit is dropped: its transaction is
        // rolled back.
        let out = work(&unit)?;
        unit.commit()?;
        Ok(out)
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
        let unit = Unit::new(Work::new(self.backend.application(conn)));
        let out = work(&unit)?;
        unit.commit()?;
        Ok(out)
    }

    /// Creates entity `entity_id` holding `machine` (usually in its initial
    /// state); its first history record has no `from`.
    ///
    /// An entity id is 1 to [`MAX_ENTITY_ID_BYTES`](crate::db::MAX_ENTITY_ID_BYTES)
    /// (1024) bytes of UTF-8 without U+0000, on every backend; every
    /// operation that takes an id refuses another one the same way.
    ///
    /// # Errors
    ///
    /// [`StoreError::AlreadyExists`], [`StoreError::InvalidEntityId`]
    /// (nothing written), or the database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{SqliteStore, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// let created = store.create("d-1", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    /// assert_eq!(created.version, 1);
    /// let too_long = "d".repeat(1025);
    /// let err = store.create(&too_long, &AnyDoor::from(Door::new()), &TransitionMeta::new());
    /// assert!(matches!(err, Err(StoreError::InvalidEntityId(_))));
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn create<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        self.unit(|u| u.create(entity_id, machine, meta))
    }

    /// Loads entity `entity_id` as machine `M`, checked: another machine's
    /// row, an unknown state, another definition or data that does not fit
    /// is an error saying which.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`], [`StoreError::Restore`],
    /// [`StoreError::BadRow`] for a row a store did not write (a version
    /// below 1, a column holding another type than the schema's),
    /// [`StoreError::InvalidEntityId`] (see [`Self::create`]), or the
    /// database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{SqliteStore, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// assert!(matches!(store.load::<AnyDoor>("nope"), Err(StoreError::NotFound { .. })));
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn load<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        self.with_work(Scope::Read, async |w| w.load::<M>(entity_id).await)
    }

    /// Fires `event` on entity `entity_id`: loads it, fires, writes the new
    /// state and its history record, in one transaction.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotAllowed`] or [`StoreError::GuardRefused`] when the
    /// machine refuses the event (nothing is written), [`StoreError::OtherSession`], [`StoreError::BadRow`]
    /// for an entity whose version is the last a row can hold (it cannot
    /// move again), or those of [`Self::load`].
    ///
    /// ```
    /// # use stateforge_runtime::db::{SqliteStore, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    /// let err = store.fire::<AnyDoor>("d", DoorEvent::Close, &TransitionMeta::new()).unwrap_err();
    /// assert_eq!(err.to_string(), "event `close` is not allowed in state `closed`");
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn fire<M: Machine + Serialize + DeserializeOwned>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        self.unit(|u| u.fire::<M>(entity_id, event, meta))
    }

    /// [`Self::fire`] with listeners: before-listeners run inside the
    /// transaction (a veto writes nothing), after-listeners once it has
    /// committed (their failures are logged, never returned).
    ///
    /// # Errors
    ///
    /// As [`Self::fire`], and [`StoreError::Vetoed`].
    ///
    /// ```
    /// # use stateforge_runtime::{Listeners, db::{SqliteStore, StoreError, TransitionMeta}};
    /// # stateforge::state_machine! { #[derive(Debug, Clone)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    /// let mut listeners = Listeners::<AnyDoor>::new();
    /// listeners.before("maintenance", |_, _| Err("door under repair".to_owned()));
    /// let err = store.fire_with(&listeners, "d", DoorEvent::Open, &TransitionMeta::new()).unwrap_err();
    /// assert!(matches!(err, StoreError::Vetoed { .. }));
    /// assert_eq!(store.load::<AnyDoor>("d")?.version, 1);
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn fire_with<M: Machine + Serialize + DeserializeOwned>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        // Fired on the unit's work itself, so the unit keeps no notice:
        // the after-listeners are told below.
        let fired = self.unit(|u| {
            block_on(
                u.work
                    .borrow_mut()
                    .fire_with(listeners, entity_id, event, meta),
            )
        })?;
        // After-listeners run once the transition is durable, and outside
        // the lock: a slow listener does not hold up other writers.
        if !fired.replayed {
            listeners.notify(&fired.info(meta), &fired.loaded.machine);
        }
        Ok(fired.loaded)
    }

    /// Saves `machine` as the new state of `entity_id` after typed code
    /// moved it with `event`: checks the entity is still at
    /// `expected_version` and that `event` leads from the stored state to
    /// the machine's, then writes it with its history record.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] when someone moved it meanwhile,
    /// [`StoreError::NotATransition`], [`StoreError::OtherSession`],
    /// [`StoreError::BadRow`] as for [`Self::fire`].
    ///
    /// ```
    /// # use stateforge_runtime::db::{SqliteStore, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    /// let loaded = store.load::<AnyDoor>("d")?;
    /// let AnyDoor::Closed(door) = loaded.machine else { unreachable!() };
    /// let open = door.open();                     // typed, checked by the compiler
    /// store.save("d", loaded.version, "open", &AnyDoor::from(open), &TransitionMeta::new())?;
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn save<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        self.unit(|u| u.save(entity_id, expected_version, event, machine, meta))
    }

    /// History records matching `query`, oldest first.
    ///
    /// # Errors
    ///
    /// The database's; [`StoreError::BadRow`] for a record that does not
    /// read, naming its entity.
    ///
    /// ```
    /// # use stateforge_runtime::db::{HistoryQuery, SqliteStore};
    /// let store = SqliteStore::open_in_memory()?;
    /// assert!(store.history(&HistoryQuery::session("nobody"))?.is_empty());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn history(&self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        self.with_work(Scope::Read, async |w| w.history(query).await)
    }

    /// Claims the timers of machine `M` due at `now`, oldest first, and
    /// fires each, in one transaction: with any number of workers on the
    /// same database, each timer fires once. Returns how many fired.
    ///
    /// At most `limit` timers are used up: fired, or dropped because the
    /// event is refused or cannot be built from its stored name (logged),
    /// or because the entity left the timer's state. A timer whose entity
    /// does not restore as `M` (a row written under another definition,
    /// data that does not fit) is kept for a worker that can restore it,
    /// logged, and not counted: the timers behind it still fire.
    /// A transition fired by a timer cancels the entity's other timers,
    /// even those already claimed in the same call.
    ///
    /// # Errors
    ///
    /// The database's: nothing a row holds stops the other timers.
    ///
    /// ```
    /// use stateforge_runtime::{Timestamp, db::{SqliteStore, TransitionMeta}};
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Breaker {
    ///         initial state Open;
    ///         state HalfOpen;
    ///         event reset: Open -> HalfOpen after 30s;
    ///         event trip: HalfOpen -> Open;
    ///     }
    /// }
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create("b", &AnyBreaker::from(Breaker::new()), &TransitionMeta::new())?;
    /// assert_eq!(store.fire_due::<AnyBreaker>(Timestamp::now(), 10)?, 0);
    /// let later = Timestamp::now() + std::time::Duration::from_secs(31);
    /// assert_eq!(store.fire_due::<AnyBreaker>(later, 10)?, 1);
    /// assert_eq!(store.load::<AnyBreaker>("b")?.machine.state(), BreakerState::HalfOpen);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_due<M>(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        self.unit(|u| u.fire_due::<M>(now, limit))
    }

    /// When the next timer of machine `machine` is due, if any.
    ///
    /// Kept timers count (see [`SqliteStore::fire_due`]: an entity this
    /// worker cannot restore keeps its timer for one that can), so a due
    /// time in the past is not a promise that `fire_due` will fire
    /// something: a worker that sleeps until `next_due` should sleep at
    /// least its polling interval when `fire_due` used nothing, or it
    /// spins on a timer it cannot fire.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::SqliteStore;
    /// assert!(SqliteStore::open_in_memory()?.next_due("breaker")?.is_none());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn next_due(&self, machine: &str) -> Result<Option<Timestamp>, StoreError> {
        self.next_due_after(machine, Timestamp::from_micros(i64::MIN))
    }

    /// When the first timer of `machine` due after `after` is due.
    pub(crate) fn next_due_after(
        &self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.with_work(Scope::Read, async |w| w.next_due(machine, after).await)
    }
}
