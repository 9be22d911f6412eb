//! [`Store::migrate`]: a machine's rows brought to its current definition
//! in batches.

use stateforge_core::{Definition, Machine};

use super::Store;
use crate::db::backend::Scope;
use crate::db::ops::Reshape;
use crate::db::{MigrateOptions, MigrationReport, StoreError};
use crate::dynamic::Bound;

impl Store {
    /// Brings every row of `def`'s machine written under an older
    /// definition the store keeps to `def`: each gets a `(migrated)`
    /// transition naming both definitions (its state moved where a
    /// declared migration says, else kept), in units of
    /// [`MigrateOptions::batch`] rows, each row read again locked, so that
    /// live traffic goes on meanwhile and a version check holds. Resumable:
    /// rows done carry `def`'s fingerprint and are skipped. `def` is kept.
    /// A row whose migration names a function (`with`) is refused here,
    /// in the report: [`Store::migrate_machine`] runs a generated
    /// machine's, [`Store::migrate_dyn`] a registry's.
    ///
    /// # Errors
    ///
    /// The database's; the units committed before it stay.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use stateforge_runtime::db::{MigrateOptions, Store};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let store = Store::open(":memory:").await?;
    /// let def = stateforge_core::Definition::example();
    /// let report = store.migrate(&def, MigrateOptions::new()).await?;
    /// assert_eq!(report.migrated, 0);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// # }).unwrap();
    /// # }
    /// ```
    pub async fn migrate(
        &self,
        def: &Definition,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.migrate_by(def, options, Reshape::Nothing).await
    }

    async fn migrate_by(
        &self,
        def: &Definition,
        options: MigrateOptions,
        reshape: Reshape<'_>,
    ) -> Result<MigrationReport, StoreError> {
        let mut report = MigrationReport::default();
        let ids = self
            .run(Scope::Read, async |w| {
                w.rows_to_migrate(def, &mut report).await
            })
            .await?;
        if let (Some(first), false) = (ids.first(), options.dry_run) {
            self.run(Scope::Unit, async |w| {
                w.keep_before_migrating(def, first).await
            })
            .await?;
        }
        for batch in ids.chunks(options.batch.max(1)) {
            let mut part = MigrationReport::default();
            self.run(Scope::Unit, async |w| {
                w.migrate_rows(def, batch, options.dry_run, &mut part, reshape)
                    .await
            })
            .await?;
            report.absorb(part);
        }
        report.log(def, options.dry_run);
        Ok(report)
    }

    /// [`Store::migrate`] to `M`'s definition, the data of rows whose
    /// migration names a function made by it
    /// ([`Machine::migrate_data`]).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use stateforge_runtime::db::{MigrateOptions, Store};
    /// stateforge::state_machine! {
    ///     machine Door {
    ///         initial state Closed;
    ///         state Open;
    ///         event open: Closed -> Open;
    ///         event close: Open -> Closed;
    ///     }
    /// }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let store = Store::open(":memory:").await?;
    /// let report = store.migrate_machine::<AnyDoor>(MigrateOptions::new().dry_run(true)).await?;
    /// assert!(report.refused.is_empty());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// # }).unwrap();
    /// # }
    /// ```
    pub async fn migrate_machine<M: Machine>(
        &self,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.migrate_by(M::definition(), options, Reshape::Typed(M::migrate_data))
            .await
    }

    /// [`Store::migrate`] to `bound`'s definition, the data of rows whose
    /// migration names a function made by the one its registry gave
    /// ([`Registry::data_migration`](crate::Registry::data_migration)).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use stateforge_runtime::Registry;
    /// use stateforge_runtime::db::{MigrateOptions, Store};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let store = Store::open(":memory:").await?;
    /// let bound = Registry::<serde_json::Value>::new()
    ///     .guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())
    ///     .unwrap();
    /// let report = store.migrate_dyn(&bound, MigrateOptions::new()).await?;
    /// assert_eq!(report.migrated, 0);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// # }).unwrap();
    /// # }
    /// ```
    pub async fn migrate_dyn(
        &self,
        bound: &Bound<serde_json::Value>,
        options: MigrateOptions,
    ) -> Result<MigrationReport, StoreError> {
        self.migrate_by(bound.definition(), options, Reshape::Bound(bound))
            .await
    }
}
