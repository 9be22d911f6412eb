//! Definitions kept in a blocking store, and machines whose definition
//! is data (dynamic machines), on every backend.

use std::sync::Arc;

use stateforge_core::Definition;

use super::StoreOn;
use super::driver::Driver;
use crate::db::backend::Scope;
use crate::db::due::DueCount;
use crate::db::store::trace::{create_dyn_span, fire_dyn_span, record_fired_dyn, span};
use crate::db::{DefinitionKind, Loaded, StoreError, TransitionMeta};
use crate::dynamic::{Args, Bound, DynMachine};
use crate::time::Timestamp;

type Json = serde_json::Value;

#[allow(private_bounds)]
impl<D: Driver> StoreOn<D> {
    /// Keeps `definition` (once per fingerprint), so that dynamic machines
    /// and operators' tools can load it by the machine's name, and makes
    /// it the one [`StoreOn::definition`] returns, even if it was kept
    /// before (a return to an earlier definition). Machines created with
    /// [`StoreOn::create`] have theirs kept already (creating an entity
    /// keeps a new definition, and leaves one kept before where it was).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// let store = stateforge_runtime::db::SqliteStore::open_in_memory()?;
    /// store.save_definition(&stateforge_core::Definition::example())?;
    /// assert_eq!(store.definition("task")?.name(), "task");
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn save_definition(&self, definition: &Definition) -> Result<(), StoreError> {
        self.run(Scope::Unit, async |w| w.save_definition(definition).await)
    }

    /// The definition of `machine` kept most recently (see
    /// [`StoreOn::save_definition`]), checked again as it is read.
    ///
    /// # Errors
    ///
    /// [`StoreError::NoDefinition`], [`StoreError::BadDefinition`].
    ///
    /// ```
    /// let store = stateforge_runtime::db::SqliteStore::open_in_memory()?;
    /// assert!(store.definition("nothing").is_err());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn definition(&self, machine: &str) -> Result<Definition, StoreError> {
        self.kept_definition(machine).map(|(def, _)| def)
    }

    /// [`StoreOn::definition`] with its kind: declared in Rust (typed) or
    /// loaded as data (dynamic).
    ///
    /// # Errors
    ///
    /// As [`StoreOn::definition`].
    ///
    /// ```
    /// use stateforge_runtime::db::{DefinitionKind, SqliteStore};
    /// let store = SqliteStore::open_in_memory()?;
    /// store.save_definition(&stateforge_core::Definition::example())?;
    /// assert_eq!(store.kept_definition("task")?.1, DefinitionKind::Dynamic);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn kept_definition(
        &self,
        machine: &str,
    ) -> Result<(Definition, DefinitionKind), StoreError> {
        self.run(Scope::Read, async |w| w.kept_definition(machine).await)
    }

    /// The names of the machines whose definitions are kept, sorted.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// let store = stateforge_runtime::db::SqliteStore::open_in_memory()?;
    /// assert!(store.machines()?.is_empty());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn machines(&self) -> Result<Vec<String>, StoreError> {
        self.run(Scope::Read, async |w| w.machines().await)
    }

    /// Creates entity `entity_id` holding a dynamic machine; its data is
    /// the machine's JSON context.
    ///
    /// # Errors
    ///
    /// As [`StoreOn::create`].
    ///
    /// ```
    /// use stateforge_runtime::{DynMachine, Registry, db::{SqliteStore, TransitionMeta}};
    /// let bound = Registry::new().guard("can_retry", |_: &serde_json::Value, _| true)
    ///     .bind(stateforge_core::Definition::example()).unwrap();
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create_dyn("t-1", &DynMachine::new(bound.clone(), serde_json::json!({})), &TransitionMeta::new())?;
    /// let t = store.fire_dyn(&bound, "t-1", "assign", &serde_json::Value::Null, &TransitionMeta::new())?;
    /// assert_eq!((t.machine.state_name(), t.version), ("assigned", 2));
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn create_dyn(
        &self,
        entity_id: &str,
        machine: &DynMachine<Json>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        let span = create_dyn_span(self.driver.name(), entity_id, machine);
        self.run_traced(span, Scope::Unit, async |w| {
            w.create_dyn(entity_id, machine, meta).await
        })
    }

    /// Loads entity `entity_id` as a dynamic machine of `bound`'s
    /// definition: the state's name and the fingerprint are checked.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`], [`StoreError::Restore`].
    ///
    /// ```
    /// # use stateforge_runtime::{Registry, db::SqliteStore};
    /// # let bound = Registry::new().guard("can_retry", |_: &serde_json::Value, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// let store = SqliteStore::open_in_memory()?;
    /// assert!(store.load_dyn(&bound, "nope").is_err());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn load_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        let name = bound.definition().name();
        let span = span(self.driver.name(), "load", name, entity_id);
        self.run_traced(span, Scope::Read, async |w| {
            w.load_dyn(bound, entity_id).await
        })
    }

    /// Fires the event named `event` with `args` on entity `entity_id`, in
    /// one transaction with its history record.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotAllowed`], [`StoreError::GuardRefused`],
    /// [`StoreError::UnknownEvent`], [`StoreError::ActionFailed`] or
    /// [`StoreError::Vetoed`] (nothing written), those of
    /// [`StoreOn::load_dyn`], [`StoreError::OtherSession`].
    ///
    /// ```
    /// # use stateforge_runtime::{DynMachine, Registry, db::{SqliteStore, TransitionMeta}};
    /// # let bound = Registry::new().guard("can_retry", |_: &serde_json::Value, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create_dyn("t", &DynMachine::new(bound.clone(), serde_json::json!({})), &TransitionMeta::new())?;
    /// let err = store.fire_dyn(&bound, "t", "complete", &serde_json::Value::Null, &TransitionMeta::new());
    /// assert!(err.is_err());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
        event: &str,
        args: &Args,
        meta: &TransitionMeta,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        let name = bound.definition().name();
        let span = fire_dyn_span(self.driver.name(), name, entity_id, event);
        let recorded = span.clone();
        self.run_racing(span, entity_id, meta, async |w| {
            let fired = w.fire_dyn(bound, entity_id, event, args, meta).await?;
            record_fired_dyn(&recorded, &fired);
            Ok(fired)
        })
    }

    /// Claims the due timers of `bound`'s machine and fires each, as
    /// [`StoreOn::fire_due`] does for a generated machine: the timer's
    /// event is fired by name, without arguments, through `bound`'s guards
    /// and actions (a refusal drops the timer, logged). Returns how many
    /// fired.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// use stateforge_core::Definition;
    /// use stateforge_runtime::{DynMachine, Registry, Timestamp, db::{SqliteStore, TransitionMeta}};
    /// let def = Definition::from_json(r#"{"name": "lease",
    ///     "states": [{"name": "held", "initial": true}, {"name": "expired", "final": true}],
    ///     "events": [{"name": "expire", "arms": [{"from": ["held"], "to": "expired"}]}],
    ///     "timers": [{"state": "held", "event": "expire", "after_ms": 60000}]}"#).unwrap();
    /// let bound = Registry::new().bind(def).unwrap();
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create_dyn("l-1", &DynMachine::new(bound.clone(), serde_json::json!({})), &TransitionMeta::new())?;
    /// let later = Timestamp::now() + std::time::Duration::from_secs(61);
    /// assert_eq!(store.fire_due_dyn(&bound, later, 10)?, 1);
    /// assert_eq!(store.load_dyn(&bound, "l-1")?.machine.state_name(), "expired");
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_due_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        self.fire_due_dyn_counted(bound, now, limit)
            .map(|count| count.fired)
    }

    /// [`StoreOn::fire_due_dyn`], saying how much of the limit it used.
    pub(crate) fn fire_due_dyn_counted(
        &self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError> {
        let name = bound.definition().name();
        let span = span(self.driver.name(), "fire_due", name, "");
        self.run_traced(span, Scope::Unit, async |w| {
            w.fire_due_dyn(bound, now, limit).await
        })
    }
}
