//! The blocking store, written once: every operation of
//! [`SqliteStore`](crate::db::SqliteStore), [`PgStore`](crate::db::PgStore)
//! and [`Store`](super::Store), over the operations of `db::ops`, driven
//! to its end as its backend's [`Driver`] says.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::UnitOn;
use super::driver::Driver;
use crate::db::backend::Scope;
use crate::db::due::{DueCount, TimerStep};
use crate::db::open_unit::{OpenUnit, check_outside};
use crate::db::ops::{self, Connections, Reshape, Work};
use crate::db::store::trace::{create_span, fire_span, record_fired, save_span, span, traced};
use crate::db::{
    EntityPage, EntityQuery, EntityRow, HistoryQuery, Loaded, StoreError, TransitionMeta,
};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::time::Timestamp;

/// A blocking store on the backend `D`: [`SqliteStore`](crate::db::SqliteStore)
/// is `StoreOn<Sqlite>`, [`PgStore`](crate::db::PgStore) `StoreOn<Postgres>`
/// and [`Store`](super::Store) `StoreOn<Either>`, one chosen at run time.
/// Each method blocks until its operation has ended; from async code use
/// the async [`Store`](crate::db::Store).
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
// The driver is the crate's own: its trait stays private while the
// stores' methods are public.
#[allow(private_bounds)]
pub struct StoreOn<D: Driver> {
    pub(crate) driver: D,
}

#[allow(private_bounds)]
impl<D: Driver + std::fmt::Debug> std::fmt::Debug for StoreOn<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.driver.fmt(f)
    }
}

#[allow(private_bounds)]
impl<D: Driver> StoreOn<D> {
    pub(crate) fn on(driver: D) -> StoreOn<D> {
        StoreOn { driver }
    }

    /// Which backend this is: `sqlite` or `postgres`.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::blocking::Store::open(":memory:").unwrap().backend(), "sqlite");
    /// ```
    pub fn backend(&self) -> &'static str {
        self.driver.name()
    }

    /// Runs `op` on a connection for `scope`, committed when it succeeds;
    /// refused on this thread while a unit of this store is open on it
    /// (on SQLite it would wait for ever on the unit's connection; on
    /// PostgreSQL on the unit's row locks, or read around its writes).
    /// The operation counts as a unit meanwhile: a guard or listener it
    /// runs that calls the store is refused the same way.
    pub(crate) fn run<T>(
        &self,
        scope: Scope,
        op: impl AsyncFnOnce(&mut Work<D::Conn<'static>>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        check_outside(self)?;
        let _open = OpenUnit::mark(self);
        self.driver.block_on(async {
            let mut work = Work::new(self.driver.begin(scope).await?);
            let out = op(&mut work).await?;
            work.commit().await?;
            Ok(out)
        })
    }

    /// [`Self::run`] in `span`, the span the async store opens for the
    /// same operation, its outcome and duration recorded.
    pub(super) fn run_traced<T>(
        &self,
        span: tracing::Span,
        scope: Scope,
        op: impl AsyncFnOnce(&mut Work<D::Conn<'static>>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        check_outside(self)?;
        let _open = OpenUnit::mark(self);
        self.driver.block_on(traced(span, async {
            let mut work = Work::new(self.driver.begin(scope).await?);
            let out = op(&mut work).await?;
            work.commit().await?;
            Ok(out)
        }))
    }

    /// Runs `op`, a fire outside a unit, in a transaction of its own as
    /// [`run_traced`](Self::run_traced) does, or, where the backend races
    /// writers ([`ops::racing`]), first without one, then, if another
    /// writer came between its read and its write, in one.
    pub(super) fn run_racing<T>(
        &self,
        span: tracing::Span,
        entity_id: &str,
        meta: &TransitionMeta,
        op: impl AsyncFn(&mut Work<D::Conn<'static>>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        check_outside(self)?;
        let _open = OpenUnit::mark(self);
        let shared = self.driver.shared();
        let racing = ops::racing(shared.contention(), entity_id, meta, false);
        let attempt = async |scope| {
            let mut work = Work::for_fire(self.driver.begin(scope).await?, scope);
            let out = op(&mut work).await?;
            work.commit().await?;
            Ok(out)
        };
        self.driver.block_on(traced(span, async {
            let Some(contention) = racing else {
                return attempt(Scope::Unit).await;
            };
            match attempt(Scope::Single).await {
                Err(StoreError::Conflict { .. }) => contention.lost(entity_id),
                outcome => return outcome,
            }
            attempt(Scope::Unit).await
        }))
    }

    /// Runs the future `call` makes of the backend as
    /// [`Driver::spawn_wait`] does: `call` owns what it needs.
    fn spawned<T, F>(
        &self,
        span: tracing::Span,
        call: impl FnOnce(D::Shared) -> F,
    ) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        check_outside(self)?;
        let _open = OpenUnit::mark(self);
        self.driver
            .spawn_wait(traced(span, call(self.driver.shared())))
    }

    /// Runs `work` as one unit: everything it writes commits together, or,
    /// if it returns an error or panics, nothing does. Nor does it when an
    /// operation in it failed after writing part of its changes (a history
    /// record refused after the entity's update), even if `work` went on
    /// past that error: the unit is rolled back, as PostgreSQL rolls back
    /// a transaction after a failed statement.
    ///
    /// On PostgreSQL each entity the unit fires or saves stays locked until
    /// it ends: a unit that touches several entities should lock them
    /// first, in one order, with [`UnitOn::lock_entities`], or two units
    /// that take the same entities in opposite orders can deadlock. A
    /// deadlock that remains, like a lock held past the lock timeout, is
    /// [`StoreError::Transient`] ([`is_retryable`](StoreError::is_retryable)):
    /// nothing was written; run the unit again.
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
        work: impl FnOnce(&UnitOn<'_, D>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        check_outside(self)?;
        let _open = OpenUnit::mark(self);
        let conn = self.driver.block_on(self.driver.begin(Scope::Unit))?;
        let unit = UnitOn::new(Work::new(D::shorten(conn)), &self.driver);
        // On an error or a panic the unit is dropped: its transaction is
        // rolled back.
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
        let span = create_span(self.driver.name(), entity_id, machine);
        self.run_traced(span, Scope::Unit, async |w| {
            w.create(entity_id, machine, meta).await
        })
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
    pub fn load<M: Machine + DeserializeOwned + Send>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        let span = span(
            self.driver.name(),
            "load",
            M::definition().name(),
            entity_id,
        );
        let entity_id = entity_id.to_owned();
        self.spawned(span, move |backend| async move {
            let mut work = Work::new(backend.begin(Scope::Read).await?);
            let loaded = work.load::<M>(&entity_id).await?;
            work.commit().await?;
            Ok(loaded)
        })
    }

    /// Fires `event` on entity `entity_id`: loads it, fires, writes the new
    /// state and its history record. The event applies to the state the
    /// entity is in and never fails with a conflict: on SQLite the entity
    /// stays locked while the event fires (one transaction); on
    /// PostgreSQL the row is read without a lock and written in one
    /// statement checking the version read, two round trips, and when
    /// another writer came between the two the event fires again from
    /// where that one left the entity (after a few lost races, with the
    /// row locked), as the async [`Store::fire`](crate::db::Store::fire)
    /// does. Code that holds a loaded machine saves it with
    /// [`Self::save`].
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
    pub fn fire<M>(
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
    pub fn fire_with<M>(
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
        let span = fire_span::<M>(self.driver.name(), entity_id, &event);
        let recorded = span.clone();
        // Owned, for a fire that runs as a task of the store's runtime.
        let (shared, id, owned_meta) = (listeners.share(), entity_id.to_owned(), meta.clone());
        let fired = self.spawned(span, move |backend| async move {
            let fired = ops::fire(&backend, &shared, &id, event, &owned_meta).await?;
            record_fired(&recorded, &fired);
            Ok(fired)
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
    /// the machine's, then writes it with its history record. On
    /// PostgreSQL the save takes no transaction: the row is read to check
    /// it, and the write, one statement, checks the version read.
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
        let span = save_span(self.driver.name(), entity_id, event, machine);
        self.run_traced(span, Scope::Single, async |w| {
            w.save(entity_id, expected_version, event, machine, meta)
                .await
        })
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
        self.run(Scope::Read, async |w| w.history(query).await)
    }

    /// The entities of `machine`, optionally only those in `state`, by
    /// entity id. A row that does not read (edited past the store: a
    /// version below 1, a column holding another type) is left out, and
    /// logged with `tracing::warn!` naming its entity;
    /// [`Self::entities_checked`] returns it as an error instead.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::SqliteStore;
    /// let store = SqliteStore::open_in_memory()?;
    /// assert!(store.entities("task", None)?.is_empty());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        self.run(Scope::Read, async |w| w.entities(machine, state).await)
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
    /// use stateforge_runtime::db::{EntityQuery, SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; final state Open; event open: Closed -> Open; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// for id in ["d-1", "d-2", "d-3"] {
    ///     store.create(id, &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    /// }
    /// let first = store.entity_page(&EntityQuery::machine("door").limit(2))?;
    /// assert_eq!(first.next.as_deref(), Some("d-2"));
    /// let second = store.entity_page(&EntityQuery::machine("door").after("d-2"))?;
    /// assert_eq!((second.entities.len(), second.next), (1, None));
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entity_page(&self, query: &EntityQuery) -> Result<EntityPage, StoreError> {
        self.run(Scope::Read, async |w| w.entity_page(query).await)
    }

    /// Every row of [`Self::entities`], by entity id, each as the entity
    /// it holds or the [`StoreError::BadRow`] saying what is wrong with
    /// it: for tools that show the good rows and report the others.
    ///
    /// # Errors
    ///
    /// The database's: a bad row is an error in the list, not of the call.
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; final state Open; event open: Closed -> Open; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create("front", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    /// for row in store.entities_checked("door", None)? {
    ///     match row {
    ///         Ok(row) => println!("{} is {}", row.entity_id, row.state),
    ///         Err(bad) => eprintln!("{bad}"),
    ///     }
    /// }
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities_checked(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        self.run(Scope::Read, async |w| {
            w.entities_checked(machine, state).await
        })
    }

    /// Claims the timers of machine `M` due at `now`, oldest first, and
    /// fires each, in one transaction: with any number of workers on the
    /// same database, each timer fires once (on PostgreSQL they are
    /// claimed with `FOR UPDATE SKIP LOCKED`). Returns how many fired.
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
        let span = span(self.driver.name(), "fire_due", M::definition().name(), "");
        self.run_traced(span, Scope::Unit, async |w| {
            w.fire_due::<M>(now, limit).await
        })
    }

    /// [`Self::fire_due`], saying how much of the limit it used.
    pub(crate) fn fire_due_counted<M>(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        self.run(Scope::Unit, async |w| {
            w.fire_due_by(
                M::definition(),
                now,
                limit,
                TimerStep::of::<M>,
                Reshape::Typed(M::migrate_data),
            )
            .await
        })
    }

    /// When the next timer of machine `machine` is due, if any.
    ///
    /// Kept timers count (see [`Self::fire_due`]: an entity this worker
    /// cannot restore keeps its timer for one that can), so a due time in
    /// the past is not a promise that `fire_due` will fire something: a
    /// worker that sleeps until `next_due` should sleep at least its
    /// polling interval when `fire_due` used nothing, or it spins on a
    /// timer it cannot fire.
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
        self.run(Scope::Read, async |w| w.next_due(machine, after).await)
    }

    /// Drops the store's tables, every entity, history record, timer and
    /// kept definition under its prefix with them: the reset of a test or a
    /// tool. Other prefixes in the same database are untouched. The store
    /// is for dropping only afterwards: open a new one to start over (it
    /// creates the tables again).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// use stateforge_runtime::db::{TablePrefix, blocking::Store};
    /// let dir = tempfile::tempdir().unwrap();
    /// let target = dir.path().join("t.db");
    /// let target = target.to_str().unwrap();
    /// let prefix = TablePrefix::new("test_")?;
    /// Store::open_with(target, &prefix)?.drop_tables()?;
    /// let store = Store::open_with(target, &prefix)?; // empty again
    /// assert!(store.entities("task", None)?.is_empty());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn drop_tables(&self) -> Result<(), StoreError> {
        check_outside(self)?;
        self.driver.drop_tables()
    }
}
