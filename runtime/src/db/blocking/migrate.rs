//! [`StoreOn::migrate`]: a machine's rows brought to its current
//! definition in batches, as [`Store::migrate`](crate::db::Store::migrate)
//! does on the async store.

use stateforge_core::{Definition, Machine};

use super::StoreOn;
use super::driver::Driver;
use crate::db::backend::Scope;
use crate::db::ops::Reshape;
use crate::db::{MigrateOptions, MigrationReport, StoreError};
use crate::dynamic::Bound;

#[allow(private_bounds)]
impl<D: Driver> StoreOn<D> {
    /// Brings the machine's rows of older definitions to `def`, in units
    /// of [`MigrateOptions::batch`] rows; see
    /// [`Store::migrate`](crate::db::Store::migrate). A row whose
    /// migration names a function (`with`) is refused here, in the report:
    /// [`Self::migrate_machine`] runs a generated machine's,
    /// [`Self::migrate_dyn`] a registry's.
    ///
    /// # Errors
    ///
    /// The database's; the units committed before it stay.
    ///
    /// ```
    /// use stateforge_runtime::db::{MigrateOptions, SqliteStore};
    /// let store = SqliteStore::open(":memory:")?;
    /// let report = store.migrate(&stateforge_core::Definition::example(), MigrateOptions::new())?;
    /// assert_eq!(report.current, 0);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn migrate(
        &self,
        def: &Definition,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.migrate_by(def, options, Reshape::Nothing)
    }

    fn migrate_by(
        &self,
        def: &Definition,
        options: MigrateOptions,
        reshape: Reshape<'_>,
    ) -> Result<MigrationReport, StoreError> {
        let mut report = MigrationReport::default();
        let ids = self.run(Scope::Read, async |w| {
            w.rows_to_migrate(def, &mut report).await
        })?;
        if let (Some(first), false) = (ids.first(), options.dry_run) {
            self.run(Scope::Unit, async |w| {
                w.keep_before_migrating(def, first).await
            })?;
        }
        for batch in ids.chunks(options.batch.max(1)) {
            let mut part = MigrationReport::default();
            self.run(Scope::Unit, async |w| {
                w.migrate_rows(def, batch, options.dry_run, &mut part, reshape)
                    .await
            })?;
            report.absorb(part);
        }
        report.log(def, options.dry_run);
        Ok(report)
    }

    /// [`Self::migrate`] to `M`'s definition, the data of rows whose
    /// migration names a function made by it
    /// ([`Machine::migrate_data`]).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # let store = stateforge_runtime::db::SqliteStore::open(":memory:")?;
    /// # stateforge::state_machine! { machine Lamp { initial state Off; state On; event on: Off -> On; event off: On -> Off; } }
    /// let report = store.migrate_machine::<AnyLamp>(Default::default())?;
    /// assert_eq!(report.migrated, 0);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn migrate_machine<M: Machine>(
        &self,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.migrate_by(M::definition(), options, Reshape::Typed(M::migrate_data))
    }

    /// [`Self::migrate`] to `bound`'s definition, the data of rows whose
    /// migration names a function made by the one its registry gave
    /// ([`Registry::data_migration`](crate::Registry::data_migration)).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # let store = stateforge_runtime::db::SqliteStore::open(":memory:")?;
    /// let bound = stateforge_runtime::Registry::<serde_json::Value>::new()
    ///     .guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())
    ///     .unwrap();
    /// let report = store.migrate_dyn(&bound, Default::default())?;
    /// assert_eq!(report.migrated, 0);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn migrate_dyn(
        &self,
        bound: &Bound<serde_json::Value>,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.migrate_by(bound.definition(), options, Reshape::Bound(bound))
    }
}
