//! Locking a unit's entities up front, in one order, so that units that
//! touch the same entities wait for each other instead of deadlocking.

use super::PgUnit;
use crate::db::StoreError;

impl PgUnit<'_> {
    /// Locks the entities `entity_ids` of `machine` until the unit ends,
    /// in one statement and in one order whatever the order given: their
    /// ids sorted by their bytes (as Rust sorts `str`).
    ///
    /// A unit that fires or saves several entities should call it first.
    /// Each fire locks its entity until the unit ends, so two units that
    /// fire the same entities in opposite orders can each hold one and
    /// wait for the other: PostgreSQL then ends one of them with
    /// [`StoreError::Transient`] of kind
    /// [`Deadlock`](crate::db::TransientKind::Deadlock), after its
    /// `deadlock_timeout` (1 s unless configured). Locked up front in one
    /// order, the second unit waits for the first to end instead. Entities
    /// of several machines are locked a machine at a time, in the same
    /// order of machines in every unit. Any deadlock left (a unit that
    /// locks more as it goes) is that retryable error: run the unit again.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for the first id (in the order given) with
    /// no entity (the others stay locked until the unit ends);
    /// [`StoreError::Transient`] when a lock is held elsewhere past the
    /// lock timeout, or in a deadlock; or the server's.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// store.unit(|u| {
    ///     u.lock_entities("door", &["front", "back"])?;
    ///     u.fire::<AnyDoor>("front", DoorEvent::Open, &meta)?;
    ///     u.fire::<AnyDoor>("back", DoorEvent::Open, &meta)
    /// })?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn lock_entities(&self, machine: &str, entity_ids: &[&str]) -> Result<(), StoreError> {
        self.run(async |w| w.lock_entities(machine, entity_ids).await)
    }
}
