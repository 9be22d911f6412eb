//! [`SqliteStore::migrate`]: as [`Store::migrate`](crate::db::Store::migrate).

use stateforge_core::{Definition, Machine};

use super::SqliteStore;
use crate::db::backend::Scope;
use crate::db::ops::Reshape;
use crate::db::{MigrateOptions, MigrationReport, StoreError};
use crate::dynamic::Bound;

impl SqliteStore {
    /// Brings the machine's rows of older definitions to `def`, in units
    /// of [`MigrateOptions::batch`] rows; see
    /// [`Store::migrate`](crate::db::Store::migrate).
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
        let ids = self.with_work(Scope::Read, async |w| {
            w.rows_to_migrate(def, &mut report).await
        })?;
        if let (Some(first), false) = (ids.first(), options.dry_run) {
            self.with_work(Scope::Unit, async |w| {
                w.keep_before_migrating(def, first).await
            })?;
        }
        for batch in ids.chunks(options.batch.max(1)) {
            let mut part = MigrationReport::default();
            self.with_work(Scope::Unit, async |w| {
                w.migrate_rows(def, batch, options.dry_run, &mut part, reshape)
                    .await
            })?;
            report.migrated += part.migrated;
            report.current += part.current;
            report.refused.extend(part.refused);
        }
        Ok(report)
    }

    /// [`SqliteStore::migrate`] to `M`'s definition, the data of rows
    /// whose migration names a function made by it
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

    /// [`SqliteStore::migrate`] to `bound`'s definition, the data of rows
    /// whose migration names a function made by the one its registry gave.
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
    /// assert!(store.migrate_dyn(&bound, Default::default())?.refused.is_empty());
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
