//! Registering a machine kept in the application's own table, on the
//! blocking PostgreSQL store.

use stateforge_core::Machine;

use super::PgStore;
use crate::db::{StoreError, TableMapping};

impl PgStore {
    /// Keeps machine `M`'s entities in the application's own table, as
    /// [`Store::map_table`](crate::db::Store::map_table) does.
    ///
    /// # Errors
    ///
    /// As [`Store::map_table`](crate::db::Store::map_table).
    ///
    /// ```no_run
    /// use stateforge_runtime::db::{PgStore, TableMapping};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// store.map_table::<AnyDoor>(TableMapping::new("doors").state("position"))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn map_table<M: Machine>(&self, mapping: TableMapping) -> Result<(), StoreError> {
        self.call(async |s| s.map_table::<M>(mapping).await)
    }
}
