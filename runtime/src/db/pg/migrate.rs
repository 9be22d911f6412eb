//! [`PgStore::migrate`]: as [`Store::migrate`](crate::db::Store::migrate).

use stateforge_core::{Definition, Machine};

use super::PgStore;
use crate::db::{MigrateOptions, MigrationReport, StoreError};
use crate::dynamic::Bound;

impl PgStore {
    /// Brings the machine's rows of older definitions to `def`, in units
    /// of [`MigrateOptions::batch`] rows; see
    /// [`Store::migrate`](crate::db::Store::migrate).
    ///
    /// # Errors
    ///
    /// The server's; the units committed before it stay.
    ///
    /// ```no_run
    /// use stateforge_runtime::db::{MigrateOptions, PgStore};
    /// let store = PgStore::connect("postgres://localhost/app")?;
    /// let report = store.migrate(&stateforge_core::Definition::example(), MigrateOptions::new())?;
    /// println!("{} rows migrated", report.migrated);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn migrate(
        &self,
        def: &Definition,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.call(async |s| s.migrate(def, options).await)
    }

    /// [`PgStore::migrate`] to `M`'s definition, the data of rows whose
    /// migration names a function made by it
    /// ([`Machine::migrate_data`]).
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// # let store = stateforge_runtime::db::PgStore::connect("postgres://localhost/app")?;
    /// # stateforge::state_machine! { machine Lamp { initial state Off; state On; event on: Off -> On; event off: On -> Off; } }
    /// store.migrate_machine::<AnyLamp>(Default::default())?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn migrate_machine<M: Machine>(
        &self,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.call(async |s| s.migrate_machine::<M>(options).await)
    }

    /// [`PgStore::migrate`] to `bound`'s definition, the data of rows
    /// whose migration names a function made by the one its registry gave.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// # let store = stateforge_runtime::db::PgStore::connect("postgres://localhost/app")?;
    /// let bound = stateforge_runtime::Registry::<serde_json::Value>::new()
    ///     .guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())
    ///     .unwrap();
    /// store.migrate_dyn(&bound, Default::default())?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn migrate_dyn(
        &self,
        bound: &Bound<serde_json::Value>,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.call(async |s| s.migrate_dyn(bound, options).await)
    }
}
