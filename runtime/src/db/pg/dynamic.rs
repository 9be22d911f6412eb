//! Definitions kept in a PostgreSQL store, and machines loaded from them
//! (dynamic machines).

use std::sync::Arc;

use stateforge_core::Definition;

use super::PgStore;
use crate::db::{DefinitionKind, Loaded, StoreError, TransitionMeta};
use crate::dynamic::{Args, Bound, DynMachine};
use crate::time::Timestamp;

type Json = serde_json::Value;

impl PgStore {
    /// See [`SqliteStore::save_definition`](crate::db::SqliteStore::save_definition).
    ///
    /// # Errors
    ///
    /// The server's.
    pub fn save_definition(&self, definition: &Definition) -> Result<(), StoreError> {
        self.call(async |s| s.save_definition(definition).await)
    }

    /// See [`SqliteStore::kept_definition`](crate::db::SqliteStore::kept_definition).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn kept_definition(
        &self,
        machine: &str,
    ) -> Result<(Definition, DefinitionKind), StoreError> {
        self.call(async |s| s.kept_definition(machine).await)
    }

    /// See [`SqliteStore::definition`](crate::db::SqliteStore::definition).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn definition(&self, machine: &str) -> Result<Definition, StoreError> {
        self.kept_definition(machine).map(|(d, _)| d)
    }

    /// See [`SqliteStore::create_dyn`](crate::db::SqliteStore::create_dyn).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn create_dyn(
        &self,
        entity_id: &str,
        machine: &DynMachine<Json>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        self.call(async |s| s.create_dyn(entity_id, machine, meta).await)
    }

    /// See [`SqliteStore::load_dyn`](crate::db::SqliteStore::load_dyn).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn load_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        self.call(async |s| s.load_dyn(bound, entity_id).await)
    }

    /// See [`SqliteStore::fire_dyn`](crate::db::SqliteStore::fire_dyn).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn fire_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
        event: &str,
        args: &Args,
        meta: &TransitionMeta,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        self.call(async |s| s.fire_dyn(bound, entity_id, event, args, meta).await)
    }

    /// See [`SqliteStore::fire_due_dyn`](crate::db::SqliteStore::fire_due_dyn):
    /// timers are claimed as [`PgStore::fire_due`] claims them.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// use stateforge_runtime::{Registry, Timestamp, db::PgStore};
    /// let bound = Registry::new().guard("can_retry", |_: &serde_json::Value, _| true)
    ///     .bind(stateforge_core::Definition::example()).unwrap();
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let fired = store.fire_due_dyn(&bound, Timestamp::now(), 100)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_due_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        self.call(async |s| s.fire_due_dyn(bound, now, limit).await)
    }

    /// See [`SqliteStore::machines`](crate::db::SqliteStore::machines).
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// let store = stateforge_runtime::db::PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// for machine in store.machines()? {
    ///     println!("{machine}");
    /// }
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn machines(&self) -> Result<Vec<String>, StoreError> {
        self.call(async |s| s.machines().await)
    }
}
