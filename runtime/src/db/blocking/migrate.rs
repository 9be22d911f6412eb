//! [`StoreOn::migrate`]: a machine's rows brought to its current
//! definition in batches, as [`Store::migrate`](crate::db::Store::migrate)
//! does on the async store.

use stateforge_core::{Definition, Machine};

use super::StoreOn;
use super::driver::Driver;
use crate::db::backend::Scope;
use crate::db::{MigrateOptions, MigrationReport, StoreError};

#[allow(private_bounds)]
impl<D: Driver> StoreOn<D> {
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
                w.migrate_rows(def, batch, options.dry_run, &mut part).await
            })?;
            report.migrated += part.migrated;
            report.current += part.current;
            report.refused.extend(part.refused);
        }
        tracing::info!(machine = def.name(), definition = %def.fingerprint(),
            migrated = report.migrated, current = report.current,
            refused = report.refused.len(), dry_run = options.dry_run, "rows migrated");
        Ok(report)
    }

    /// [`Self::migrate`] to `M`'s definition.
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
        self.migrate(M::definition(), options)
    }
}
