//! Registering a machine kept in the application's own table.

use stateforge_core::Machine;

use super::Store;
use crate::db::table_mapping::MappedTable;
use crate::db::{StoreError, TableMapping};

impl Store {
    /// Keeps machine `M`'s entities in the application's own table, as
    /// `mapping` says, from now on: create, load, fire, save, units, the
    /// application's transaction ([`Store::unit_in`]), listings and due
    /// timers read and write that table's rows, with the same version
    /// check as the store's own rows, and append history to the store's
    /// history table in the same transaction. Rows the application
    /// inserts itself (a state name, no version) load and fire.
    ///
    /// The table's rows are read as rows of `M`'s definition (the table
    /// has no column for a fingerprint): register the mapping again with
    /// the new definition when the machine changes. Entities of `M`
    /// already in the store's own table are not moved.
    ///
    /// # Errors
    ///
    /// [`StoreError::TableMapping`] for a name that is not an identifier,
    /// a missing table or column, a key column that is not unique on its
    /// own (a primary key, or a unique index of it alone), or (on
    /// PostgreSQL) a key column that is
    /// neither text nor an integer, a version column that is not an
    /// integer; the database's.
    ///
    /// ```
    /// use stateforge_runtime::db::{Store, TableMapping, TransitionMeta};
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Door {
    ///         initial state Closed;
    ///         state Open;
    ///         event open: Closed -> Open;
    ///         event close: Open -> Closed;
    ///     }
    /// }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("app.db");
    /// let app = rusqlite::Connection::open(&path)?;
    /// app.execute_batch(
    ///     "CREATE TABLE doors (id TEXT PRIMARY KEY, position TEXT NOT NULL, version INTEGER);
    ///      INSERT INTO doors (id, position) VALUES ('front', 'closed');",
    /// )?;
    /// let store = Store::sqlite(&path).await?;
    /// store.map_table::<AnyDoor>(TableMapping::new("doors").state("position")).await?;
    /// let door = store.fire::<AnyDoor>("front", DoorEvent::Open, &TransitionMeta::new()).await?;
    /// assert_eq!(door.version, 2);
    /// let position: String = app.query_row("SELECT position FROM doors WHERE id = 'front'", [], |r| r.get(0))?;
    /// assert_eq!(position, "open");
    ///
    /// let missing = store.map_table::<AnyDoor>(TableMapping::new("doors").state("status")).await;
    /// assert_eq!(
    ///     missing.unwrap_err().to_string(),
    ///     "machine `door` in table `doors`: the table has no column `status`"
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub async fn map_table<M: Machine>(&self, mapping: TableMapping) -> Result<(), StoreError> {
        let table = MappedTable::new(M::definition(), mapping)?;
        self.backend.map_table(table).await
    }
}
