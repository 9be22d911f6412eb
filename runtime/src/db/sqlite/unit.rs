//! One unit of work: the operations whose writes commit together.

use std::cell::RefCell;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

use super::{SqliteConnection, block_on};
use crate::db::due::{DueCount, DueTimer, TimerStep};
use crate::db::notice::Notices;
use crate::db::ops::Reshape;
use crate::db::ops::Work;
use crate::db::{EntityRow, Fired, HistoryQuery, Loaded, StoreError, TransitionMeta};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::time::Timestamp;

/// The operations of one unit of work ([`SqliteStore::unit`](crate::db::SqliteStore::unit)): what they
/// write commits with the unit, or not at all.
pub struct Unit<'a> {
    pub(super) work: RefCell<Work<SqliteConnection<'a>>>,
    /// For the after-listeners, once the unit has committed.
    notices: Notices,
    store: PhantomData<&'a super::SqliteStore>,
}

impl std::fmt::Debug for Unit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unit").finish_non_exhaustive()
    }
}

impl<'a> Unit<'a> {
    pub(super) fn new(work: Work<SqliteConnection<'a>>) -> Self {
        Unit {
            work: RefCell::new(work),
            notices: Notices::default(),
            store: PhantomData,
        }
    }

    /// Commits the unit, then tells the after-listeners of what it fired.
    pub(super) fn commit(self) -> Result<(), StoreError> {
        block_on(self.work.into_inner().commit())?;
        self.notices.tell();
        Ok(())
    }

    /// [`SqliteStore::history`](crate::db::SqliteStore::history), inside the
    /// unit: its own writes included.
    ///
    /// # Errors
    ///
    /// The database's.
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
        block_on(self.work.borrow_mut().history(query))
    }

    /// [`SqliteStore::entities`](crate::db::SqliteStore::entities), inside
    /// the unit: its own writes included.
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
        block_on(self.work.borrow_mut().entities(machine, state))
    }

    /// [`SqliteStore::create`](crate::db::SqliteStore::create), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::create`](crate::db::SqliteStore::create).
    pub fn create<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        block_on(self.work.borrow_mut().create(entity_id, machine, meta))
    }

    /// [`SqliteStore::load`](crate::db::SqliteStore::load), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::load`](crate::db::SqliteStore::load).
    pub fn load<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        block_on(self.work.borrow_mut().load::<M>(entity_id))
    }

    /// [`SqliteStore::fire`](crate::db::SqliteStore::fire), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire`](crate::db::SqliteStore::fire).
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
    /// [`SqliteStore::fire_with`](crate::db::SqliteStore::fire_with) tells
    /// them after its own commit. Returns the transition ([`Fired`]).
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire_with`](crate::db::SqliteStore::fire_with).
    pub fn fire_with<M: Machine + Serialize + DeserializeOwned>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Fired<M>, StoreError> {
        let fired = block_on(
            self.work
                .borrow_mut()
                .fire_with(listeners, entity_id, event, meta),
        )?;
        self.notices.keep(listeners, &fired, meta)?;
        Ok(fired)
    }

    /// Writes an outbox message about entity `entity_id` of `machine`,
    /// committed with the unit: as
    /// [`StoreUnit::enqueue`](crate::db::StoreUnit::enqueue) in the async
    /// store.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// let store = stateforge_runtime::db::SqliteStore::open_in_memory()?;
    /// store.unit(|u| u.enqueue("order", "o-1", "shipped", serde_json::json!({"carrier": "ups"})))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn enqueue(
        &self,
        machine: &str,
        entity_id: &str,
        topic: &str,
        payload: serde_json::Value,
    ) -> Result<(), StoreError> {
        let messages = [(topic.to_owned(), payload)];
        block_on(
            self.work
                .borrow_mut()
                .send_messages(machine, entity_id, &messages),
        )
    }

    /// [`SqliteStore::save`](crate::db::SqliteStore::save), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::save`](crate::db::SqliteStore::save).
    pub fn save<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        block_on(
            self.work
                .borrow_mut()
                .save(entity_id, expected_version, event, machine, meta),
        )
    }

    /// What [`PgUnit::lock_entities`](crate::db::PgUnit::lock_entities)
    /// does on PostgreSQL, where a unit that touches several entities
    /// should call it first. Here a unit holds the database's write lock
    /// from its start (`BEGIN IMMEDIATE`), so no other unit can hold any
    /// of the entities, nor deadlock with this one: nothing is left to
    /// lock, and this only checks that the entities exist, so that code
    /// written for both backends fails the same way on each.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for the first id (in the order given) with
    /// no entity; or the database's.
    ///
    /// ```
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// use stateforge_runtime::db::{SqliteStore, StoreError, TransitionMeta};
    /// let store = SqliteStore::open_in_memory()?;
    /// let meta = TransitionMeta::new();
    /// store.create("front", &AnyDoor::from(Door::new()), &meta)?;
    /// let missing = store.unit(|u| u.lock_entities("door", &["front", "back"]));
    /// assert!(matches!(missing, Err(StoreError::NotFound { entity_id, .. }) if entity_id == "back"));
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn lock_entities(&self, machine: &str, entity_ids: &[&str]) -> Result<(), StoreError> {
        block_on(self.work.borrow_mut().lock_entities(machine, entity_ids))
    }

    /// Fires the due timers of `M`; see [`SqliteStore::fire_due`](crate::db::SqliteStore::fire_due).
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire_due`](crate::db::SqliteStore::fire_due).
    pub fn fire_due<M>(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        block_on(self.work.borrow_mut().fire_due::<M>(now, limit))
    }

    /// Fires the due timers of `def`'s machine, each as `step` decides
    /// (`TimerStep::of` for a typed machine, `of_dyn` for a dynamic one),
    /// saying how much of the limit it used.
    pub(crate) fn fire_due_by(
        &self,
        def: &Definition,
        now: Timestamp,
        limit: usize,
        step: impl Fn(&DueTimer, Option<EntityRow>) -> TimerStep + Send,
        reshape: Reshape<'_>,
    ) -> Result<DueCount, StoreError> {
        block_on(
            self.work
                .borrow_mut()
                .fire_due_by(def, now, limit, step, reshape),
        )
    }
}
