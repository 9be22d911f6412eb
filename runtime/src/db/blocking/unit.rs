//! One unit of work of a blocking store, written once for every backend:
//! the operations whose writes commit together.

use std::cell::RefCell;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::driver::Driver;
use crate::db::notice::Notices;
use crate::db::ops::Work;
use crate::db::{
    EntityPage, EntityQuery, EntityRow, Fired, HistoryQuery, Loaded, StoreError, TransitionMeta,
};
use crate::dynamic::{Bound, DynMachine};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::time::Timestamp;

type Json = serde_json::Value;

/// The operations of one unit of work ([`StoreOn::unit`](super::StoreOn::unit)):
/// what they write commits with the unit, or not at all.
/// [`Unit`](crate::db::Unit) is SQLite's, [`PgUnit`](crate::db::PgUnit)
/// PostgreSQL's and [`StoreUnit`](super::StoreUnit) the one of a
/// [`Store`](super::Store).
///
/// ```
/// # use stateforge_runtime::db::{SqliteStore, TransitionMeta};
/// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
/// let store = SqliteStore::open_in_memory()?;
/// let meta = TransitionMeta::new();
/// store.unit(|u| {
///     u.create("a", &AnyDoor::from(Door::new()), &meta)?;
///     u.create("b", &AnyDoor::from(Door::new()), &meta)
/// })?; // both doors, or neither
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
// As `StoreOn`: the driver's trait is the crate's own.
#[allow(private_bounds)]
pub struct UnitOn<'a, D: Driver> {
    /// Present until the unit commits or is dropped.
    work: RefCell<Option<Work<D::Conn<'a>>>>,
    /// For the after-listeners, once the unit has committed.
    notices: Notices,
    driver: &'a D,
}

#[allow(private_bounds)]
impl<D: Driver> std::fmt::Debug for UnitOn<'_, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unit")
            .field("backend", &self.driver.name())
            .finish_non_exhaustive()
    }
}

#[allow(private_bounds)]
impl<D: Driver> Drop for UnitOn<'_, D> {
    fn drop(&mut self) {
        // Uncommitted: rolled back as the connection goes.
        if let Some(work) = self.work.get_mut().take() {
            self.driver.discard(work.conn);
        }
    }
}

#[allow(private_bounds)]
impl<'a, D: Driver> UnitOn<'a, D> {
    pub(crate) fn new(work: Work<D::Conn<'a>>, driver: &'a D) -> Self {
        UnitOn {
            work: RefCell::new(Some(work)),
            notices: Notices::default(),
            driver,
        }
    }

    /// Commits the unit, then tells the after-listeners of what it fired.
    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        if let Some(work) = self.work.get_mut().take() {
            self.driver.block_on(work.commit())?;
        }
        std::mem::take(&mut self.notices).tell();
        Ok(())
    }

    /// Runs `op` on the unit's work to its end.
    fn run<T>(
        &self,
        op: impl AsyncFnOnce(&mut Work<D::Conn<'a>>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut work = self.work.borrow_mut();
        let work = work
            .as_mut()
            .ok_or_else(|| StoreError::Database("the unit has ended".into()))?;
        self.driver.block_on(op(work))
    }

    /// [`StoreOn::create`](super::StoreOn::create), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`StoreOn::create`](super::StoreOn::create).
    pub fn create<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        self.run(async |w| w.create(entity_id, machine, meta).await)
    }

    /// [`StoreOn::load`](super::StoreOn::load), inside the unit: its own
    /// writes included.
    ///
    /// # Errors
    ///
    /// As [`StoreOn::load`](super::StoreOn::load).
    pub fn load<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        self.run(async |w| w.load::<M>(entity_id).await)
    }

    /// [`StoreOn::fire`](super::StoreOn::fire), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`StoreOn::fire`](super::StoreOn::fire).
    pub fn fire<M: Machine + Serialize + DeserializeOwned>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        self.fire_with(&Listeners::new(), entity_id, event, meta)
            .map(|fired| fired.loaded)
    }

    /// Fires with `listeners`: the before-listeners now (a veto fails the
    /// call and writes nothing), the after-listeners once the unit has
    /// committed (not at all if it rolls back), as
    /// [`StoreOn::fire_with`](super::StoreOn::fire_with) tells them after
    /// its own commit; a panic in one is caught and logged, as
    /// [`Listeners::notify`] does. Returns the transition ([`Fired`]).
    ///
    /// # Errors
    ///
    /// As [`StoreOn::fire_with`](super::StoreOn::fire_with).
    ///
    /// ```
    /// # use stateforge_runtime::{Listeners, db::{SqliteStore, TransitionMeta}};
    /// # stateforge::state_machine! { #[derive(Debug, Clone)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// let (meta, listeners) = (TransitionMeta::new(), Listeners::<AnyDoor>::new());
    /// let fired = store.unit(|u| {
    ///     u.create("d", &AnyDoor::from(Door::new()), &meta)?;
    ///     u.fire_with(&listeners, "d", DoorEvent::Open, &meta)
    /// })?;
    /// assert_eq!((fired.from, fired.to), ("closed", "open"));
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_with<M: Machine + Serialize + DeserializeOwned>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Fired<M>, StoreError> {
        let fired = self.run(async |w| w.fire_with(listeners, entity_id, event, meta).await)?;
        self.notices.keep(listeners, &fired, meta)?;
        Ok(fired)
    }

    /// [`StoreOn::save`](super::StoreOn::save), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`StoreOn::save`](super::StoreOn::save).
    pub fn save<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        self.run(async |w| {
            w.save(entity_id, expected_version, event, machine, meta)
                .await
        })
    }

    /// Locks the entities `entity_ids` of `machine` until the unit ends,
    /// in one order whatever the order given: their ids sorted by their
    /// bytes (as Rust sorts `str`). A unit that fires or saves several
    /// entities should call it first.
    ///
    /// On PostgreSQL each fire locks its entity until the unit ends, so
    /// two units that fire the same entities in opposite orders can each
    /// hold one and wait for the other: PostgreSQL then ends one of them
    /// with [`StoreError::Transient`] of kind
    /// [`Deadlock`](crate::db::TransientKind::Deadlock), after its
    /// `deadlock_timeout` (1 s unless configured). Locked up front in one
    /// order, the second unit waits for the first to end instead. Entities
    /// of several machines are locked a machine at a time, in the same
    /// order of machines in every unit. Any deadlock left (a unit that
    /// locks more as it goes) is that retryable error: run the unit again.
    ///
    /// On SQLite a unit holds the database's write lock from its start
    /// (`BEGIN IMMEDIATE`), so no other unit can hold any of the entities,
    /// nor deadlock with this one: this only checks that the entities
    /// exist, so that code written for both backends fails the same way on
    /// each.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for the first id (in the order given) with
    /// no entity (on PostgreSQL the others stay locked until the unit
    /// ends); on PostgreSQL [`StoreError::Transient`] when a lock is held
    /// elsewhere past the lock timeout, or in a deadlock; or the
    /// database's.
    ///
    /// ```
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// use stateforge_runtime::db::{StoreError, TransitionMeta, blocking::Store};
    /// let store = Store::open(":memory:")?;
    /// let meta = TransitionMeta::new();
    /// for id in ["front", "back"] {
    ///     store.create(id, &AnyDoor::from(Door::new()), &meta)?;
    /// }
    /// store.unit(|u| {
    ///     u.lock_entities("door", &["front", "back"])?;
    ///     u.fire::<AnyDoor>("back", DoorEvent::Open, &meta)?;
    ///     u.fire::<AnyDoor>("front", DoorEvent::Open, &meta)
    /// })?;
    /// let missing = store.unit(|u| u.lock_entities("door", &["front", "side"]));
    /// assert!(matches!(missing, Err(StoreError::NotFound { entity_id, .. }) if entity_id == "side"));
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn lock_entities(&self, machine: &str, entity_ids: &[&str]) -> Result<(), StoreError> {
        self.run(async |w| w.lock_entities(machine, entity_ids).await)
    }

    /// [`StoreOn::history`](super::StoreOn::history), inside the unit:
    /// its own writes included.
    ///
    /// # Errors
    ///
    /// As [`StoreOn::history`](super::StoreOn::history).
    ///
    /// ```
    /// # use stateforge_runtime::db::{HistoryQuery, SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// let records = store.unit(|u| {
    ///     u.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    ///     u.history(&HistoryQuery::entity("door", "d"))
    /// })?;
    /// assert_eq!(records.len(), 1);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn history(&self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        self.run(async |w| w.history(query).await)
    }

    /// [`StoreOn::entities`](super::StoreOn::entities), inside the unit:
    /// its own writes included.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// let closed = store.unit(|u| {
    ///     u.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    ///     u.entities("door", Some("closed"))
    /// })?;
    /// assert_eq!(closed.len(), 1);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        self.run(async |w| w.entities(machine, state).await)
    }

    /// [`StoreOn::entity_page`](super::StoreOn::entity_page), inside the
    /// unit: its own writes included.
    ///
    /// # Errors
    ///
    /// The database's; [`StoreError::TableMapping`] for a machine kept in
    /// the application's own table.
    ///
    /// ```
    /// # use stateforge_runtime::db::{EntityQuery, SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// let page = store.unit(|u| {
    ///     u.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    ///     u.entity_page(&EntityQuery::machine("door").state("closed"))
    /// })?;
    /// assert_eq!(page.entities.len(), 1);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entity_page(&self, query: &EntityQuery) -> Result<EntityPage, StoreError> {
        self.run(async |w| w.entity_page(query).await)
    }

    /// [`StoreOn::entities_checked`](super::StoreOn::entities_checked),
    /// inside the unit.
    ///
    /// # Errors
    ///
    /// The database's.
    pub fn entities_checked(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        self.run(async |w| w.entities_checked(machine, state).await)
    }

    /// Writes an outbox message about entity `entity_id` of `machine`,
    /// committed with the unit, for an
    /// [`OutboxWorker`](super::OutboxWorker) to deliver: as
    /// [`StoreUnit::enqueue`](crate::db::StoreUnit::enqueue) in the async
    /// store.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// let store = stateforge_runtime::db::blocking::Store::open(":memory:")?;
    /// store.unit(|u| u.enqueue("order", "o-1", "shipped", serde_json::json!({"carrier": "ups"})))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn enqueue(
        &self,
        machine: &str,
        entity_id: &str,
        topic: &str,
        payload: Json,
    ) -> Result<(), StoreError> {
        let messages = [(topic.to_owned(), payload)];
        self.run(async |w| w.send_messages(machine, entity_id, &messages).await)
    }

    /// Fires the due timers of `M`; see
    /// [`StoreOn::fire_due`](super::StoreOn::fire_due).
    ///
    /// # Errors
    ///
    /// As [`StoreOn::fire_due`](super::StoreOn::fire_due).
    pub fn fire_due<M>(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        self.run(async |w| w.fire_due::<M>(now, limit).await)
    }

    /// [`StoreOn::fire_due_dyn`](super::StoreOn::fire_due_dyn), inside the
    /// unit.
    ///
    /// # Errors
    ///
    /// As [`StoreOn::fire_due_dyn`](super::StoreOn::fire_due_dyn).
    ///
    /// ```
    /// # use stateforge_runtime::{Registry, Timestamp, db::SqliteStore};
    /// # let bound = Registry::new().guard("can_retry", |_: &serde_json::Value, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// let store = SqliteStore::open_in_memory()?;
    /// let fired = store.unit(|u| u.fire_due_dyn(&bound, Timestamp::now(), 10))?;
    /// assert_eq!(fired, 0);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_due_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        self.run(async |w| w.fire_due_dyn(bound, now, limit).await)
            .map(|c| c.fired)
    }

    /// When the next timer of `machine` is due, read inside the unit.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::SqliteStore;
    /// let store = SqliteStore::open_in_memory()?;
    /// assert!(store.unit(|u| u.next_due("door"))?.is_none());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn next_due(&self, machine: &str) -> Result<Option<Timestamp>, StoreError> {
        let after = Timestamp::from_micros(i64::MIN);
        self.run(async |w| w.next_due(machine, after).await)
    }

    /// [`StoreOn::create_dyn`](super::StoreOn::create_dyn), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`StoreOn::create`](super::StoreOn::create).
    pub fn create_dyn(
        &self,
        entity_id: &str,
        machine: &DynMachine<Json>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        self.run(async |w| w.create_dyn(entity_id, machine, meta).await)
    }
}
