//! Registering a machine kept in the application's own table, on the
//! blocking stores.

use stateforge_core::Machine;

use super::StoreOn;
use super::driver::Driver;
use crate::db::table_mapping::MappedTable;
use crate::db::{StoreError, TableMapping};

#[allow(private_bounds)]
impl<D: Driver> StoreOn<D> {
    /// Keeps machine `M`'s entities in the application's own table, as
    /// [`Store::map_table`](crate::db::Store::map_table) does, for this
    /// store and its units (SQLite's
    /// [`unit_in`](crate::db::SqliteStore::unit_in) on the application's
    /// connection too).
    ///
    /// # Errors
    ///
    /// As [`Store::map_table`](crate::db::Store::map_table).
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteStore, StoreError, TableMapping};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// let missing = store.map_table::<AnyDoor>(TableMapping::new("doors"));
    /// assert!(matches!(missing, Err(StoreError::TableMapping { .. })));
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn map_table<M: Machine>(&self, mapping: TableMapping) -> Result<(), StoreError> {
        self.driver
            .map_table(MappedTable::new(M::definition(), mapping)?)
    }
}
