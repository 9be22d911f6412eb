//! One unit of work on PostgreSQL: the operations whose writes commit
//! together, each run on the store's runtime to its end.

use std::cell::RefCell;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::PgStore;
use crate::db::notice::Notices;
use crate::db::{Fired, Loaded, StoreError, StoreUnit, TransitionMeta};
use crate::listener::Listeners;

/// The operations of one unit of work on PostgreSQL ([`PgStore::unit`]).
///
/// ```no_run
/// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
/// use stateforge_runtime::db::{PgStore, TransitionMeta};
/// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
/// let meta = TransitionMeta::new();
/// store.unit(|u| {
///     u.create("a", &AnyDoor::from(Door::new(0)), &meta)?;
///     u.create("b", &AnyDoor::from(Door::new(0)), &meta)
/// })?; // both doors, or neither
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
pub struct PgUnit<'a> {
    /// Present until the unit commits or is dropped.
    unit: RefCell<Option<StoreUnit<'static>>>,
    /// For the after-listeners, once the unit has committed.
    notices: Notices,
    pub(super) store: &'a PgStore,
}

impl std::fmt::Debug for PgUnit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgUnit").finish_non_exhaustive()
    }
}

impl Drop for PgUnit<'_> {
    fn drop(&mut self) {
        // Uncommitted, the transaction rolls back as its connection goes
        // back to the pool, which a task on the store's runtime does.
        if let Some(unit) = self.unit.get_mut().take() {
            let _current = self.store.runtime.enter();
            drop(unit);
        }
    }
}

impl<'a> PgUnit<'a> {
    pub(super) fn new(unit: StoreUnit<'static>, store: &'a PgStore) -> Self {
        PgUnit {
            unit: RefCell::new(Some(unit)),
            notices: Notices::default(),
            store,
        }
    }

    /// Commits the unit's transaction, then tells the after-listeners of
    /// what it fired.
    pub(super) fn commit(mut self) -> Result<(), StoreError> {
        let unit = self.unit.borrow_mut().take();
        self.store.runtime.block_on(async move {
            match unit {
                Some(unit) => unit.commit().await,
                None => Ok(()),
            }
        })?;
        std::mem::take(&mut self.notices).tell();
        Ok(())
    }

    /// Rolls the unit's transaction back.
    pub(super) fn rollback(self) {
        let unit = self.unit.borrow_mut().take();
        // The transaction rolls back as its connection goes back to the
        // pool, which a task on the store's runtime does.
        let _current = self.store.runtime.enter();
        drop(unit);
    }

    /// Runs `op` on the unit's transaction, on the store's runtime.
    pub(super) fn run<T>(
        &self,
        op: impl AsyncFnOnce(
            &mut crate::db::ops::Work<crate::db::any_backend::AnyConnection>,
        ) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut unit = self.unit.borrow_mut();
        let work = unit
            .as_mut()
            .and_then(StoreUnit::work_mut)
            .ok_or_else(|| StoreError::Database("transaction is closed".into()))?;
        self.store.runtime.block_on(op(work))
    }

    /// [`PgStore::create`], inside the unit.
    ///
    /// # Errors
    ///
    /// As [`PgStore::create`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// store.unit(|u| u.create("d", &AnyDoor::from(Door::new(0)), &meta))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn create<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        self.run(async |w| w.create(entity_id, machine, meta).await)
    }

    /// [`PgStore::load`], inside the unit.
    ///
    /// # Errors
    ///
    /// As [`PgStore::load`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// let version = store.unit(|u| Ok(u.load::<AnyDoor>("d")?.version))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn load<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        self.run(async |w| w.load::<M>(entity_id).await)
    }

    /// [`PgStore::fire`], inside the unit.
    ///
    /// # Errors
    ///
    /// As [`PgStore::fire`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// store.unit(|u| u.fire::<AnyDoor>("d", DoorEvent::Open, &meta))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire<M: Machine + Serialize + DeserializeOwned>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        self.fire_with(&Listeners::new(), entity_id, event, meta)
            .map(|fired| fired.loaded)
    }

    /// Fires with `listeners`: the before-listeners now, the
    /// after-listeners once the unit has committed; see
    /// [`SqliteUnit::fire_with`](crate::db::Unit::fire_with).
    ///
    /// # Errors
    ///
    /// As [`PgStore::fire_with`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// let listeners = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// store.unit(|u| u.fire_with(&listeners, "d", DoorEvent::Open, &meta))?;
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

    /// Writes an outbox message about entity `entity_id` of `machine`,
    /// committed with the unit: see
    /// [`SqliteUnit::enqueue`](crate::db::Unit::enqueue).
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// let store = stateforge_runtime::db::PgStore::connect("postgres://postgres@127.0.0.1/test")?;
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
        self.run(async |w| w.send_messages(machine, entity_id, &messages).await)
    }

    /// [`PgStore::save`], inside the unit.
    ///
    /// # Errors
    ///
    /// As [`PgStore::save`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// store.unit(|u| {
    ///     let loaded = u.load::<AnyDoor>("d")?;
    ///     let next = loaded.machine.fire(DoorEvent::Open).expect("closed doors open");
    ///     u.save("d", loaded.version, "open", &next, &meta)
    /// })?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
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
}
