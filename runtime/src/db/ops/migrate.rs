//! Migrating a machine's rows in batches: every row of an older
//! definition the store keeps is brought to the current one, a
//! `(migrated)` transition each, in units of a few rows so that live
//! traffic waits little and a crash loses at most one unit (a run after
//! it skips the rows done: they carry the current fingerprint).

use stateforge_core::Definition;

use super::Work;
use super::carry_over::{Admit, Reshape};
use crate::db::StoreError;
use crate::db::backend::Connection;

/// How a batch migration runs.
///
/// ```
/// let options = stateforge_runtime::db::MigrateOptions::new().batch(100).dry_run(true);
/// assert_eq!((options.batch, options.dry_run), (100, true));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrateOptions {
    /// Rows migrated per unit of work (at least 1).
    pub batch: usize,
    /// Say what would be migrated, writing nothing.
    pub dry_run: bool,
}

impl MigrateOptions {
    /// Units of 500 rows, written.
    ///
    /// ```
    /// assert!(!stateforge_runtime::db::MigrateOptions::new().dry_run);
    /// ```
    pub fn new() -> Self {
        MigrateOptions {
            batch: 500,
            dry_run: false,
        }
    }

    /// Rows per unit of work.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::MigrateOptions::new().batch(0).batch, 1);
    /// ```
    #[must_use]
    pub fn batch(mut self, batch: usize) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// Writes nothing, only says what would be migrated.
    ///
    /// ```
    /// assert!(stateforge_runtime::db::MigrateOptions::new().dry_run(true).dry_run);
    /// ```
    #[must_use]
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

impl Default for MigrateOptions {
    fn default() -> Self {
        MigrateOptions::new()
    }
}

/// What a batch migration did (or, dry, would do).
///
/// ```
/// let report = stateforge_runtime::db::MigrationReport::default();
/// assert_eq!((report.migrated, report.current), (0, 0));
/// assert!(report.refused.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationReport {
    /// Rows brought to the current definition (or that would be).
    pub migrated: u64,
    /// Rows already written under it, left alone.
    pub current: u64,
    /// Rows that cannot be migrated, by entity id, with why (a state gone
    /// with no declared migration, a definition the store does not keep).
    pub refused: Vec<(String, String)>,
}

impl MigrationReport {
    /// Adds a batch's report to the whole run's.
    pub(crate) fn absorb(&mut self, batch: MigrationReport) {
        self.migrated += batch.migrated;
        self.current += batch.current;
        self.refused.extend(batch.refused);
    }

    /// Logs the run's report for `def`'s machine.
    pub(crate) fn log(&self, def: &Definition, dry_run: bool) {
        tracing::info!(machine = def.name(), definition = %def.fingerprint(),
            migrated = self.migrated, current = self.current,
            refused = self.refused.len(), dry_run, "rows migrated");
    }
}

impl<C: Connection> Work<C> {
    /// The ids of the machine's rows, and how many are already under
    /// `def`; rows that do not read are left out (a listing logs them).
    pub(crate) async fn rows_to_migrate(
        &mut self,
        def: &Definition,
        report: &mut MigrationReport,
    ) -> Result<Vec<String>, StoreError> {
        let current = def.fingerprint().to_string();
        let rows = self.entities(def.name(), None).await?;
        let mut ids = Vec::new();
        for row in rows {
            if row.fingerprint == current {
                report.current += 1;
            } else {
                ids.push(row.entity_id);
            }
        }
        Ok(ids)
    }

    /// Migrates the rows `ids` (read again, locked: one moved or migrated
    /// since the listing is taken as it is now).
    pub(crate) async fn migrate_rows(
        &mut self,
        def: &Definition,
        ids: &[String],
        dry_run: bool,
        report: &mut MigrationReport,
        reshape: Reshape<'_>,
    ) -> Result<(), StoreError> {
        let current = def.fingerprint().to_string();
        for id in ids {
            let mut row = match super::row(&mut self.conn, def.name(), id, true).await {
                Ok(row) => row,
                // Deleted since the listing.
                Err(StoreError::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            if row.fingerprint == current {
                report.current += 1;
                continue;
            }
            let admit = if dry_run { Admit::Read } else { Admit::Migrate };
            match self.admit(def, id, &mut row, admit, reshape).await {
                Ok(()) if row.fingerprint == current => report.migrated += 1,
                // A definition the store does not keep: nothing to migrate from.
                Ok(()) => report.refused.push((
                    id.clone(),
                    format!(
                        "written under definition {}, which the store does not keep",
                        row.fingerprint
                    ),
                )),
                Err(StoreError::Restore(e)) => report.refused.push((id.clone(), e.to_string())),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
