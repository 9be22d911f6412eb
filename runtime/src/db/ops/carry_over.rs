//! Rows written under an older definition of the machine at hand: read
//! as rows of the current one when the two are compatible (see
//! [`stateforge_core::compare`]), refused naming both otherwise.

use stateforge_core::{Definition, compare};

use super::Work;
use crate::db::backend::Connection;
use crate::db::shared::{Keep, parse_fingerprint};
use crate::db::{DefinitionKind, EntityRow, StoreError};
use crate::stored::RestoreError;
use crate::time::Timestamp;

/// What admitting a row may write: nothing for a read; for a transition,
/// the current definition, so that a row written under it can be read by
/// any binary that looks its definition up.
#[derive(Clone, Copy)]
pub(crate) enum Admit {
    /// The row is only read.
    Read,
    /// The row is about to be written under the current definition, which
    /// is kept as the same kind as the row's (typed stays typed).
    Write,
}

impl<C: Connection> Work<C> {
    /// Makes `row`, when written under another definition the store keeps
    /// and compatible with `def`, a row of `def`: its fingerprint becomes
    /// `def`'s, and every check after this one reads it as such. A row of
    /// a definition the store does not keep is left as it is, for the
    /// fingerprint check to refuse.
    ///
    /// # Errors
    ///
    /// [`RestoreError::NeedsMigration`] naming both definitions and what
    /// keeps the row from carrying over; a kept definition that does not
    /// read as one.
    pub(crate) async fn admit(
        &mut self,
        def: &Definition,
        row: &mut EntityRow,
        admit: Admit,
    ) -> Result<(), StoreError> {
        let found = parse_fingerprint(&row.machine, &row.fingerprint)?;
        if found == def.fingerprint() {
            return Ok(());
        }
        let pair = (found, def.fingerprint());
        if self.carried_over.contains(&pair) {
            row.fingerprint = def.fingerprint().to_string();
            return Ok(());
        }
        let Some((json, kind)) = self
            .conn
            .definition_under(def.name(), &row.fingerprint)
            .await?
        else {
            return Ok(());
        };
        let stored = Definition::from_json(&json).map_err(|e| StoreError::BadDefinition {
            machine: def.name().to_owned(),
            message: e.to_string().replace('\n', " "),
        })?;
        let compatibility = compare(&stored, def);
        if !compatibility.is_compatible() {
            return Err(StoreError::Restore(RestoreError::NeedsMigration {
                machine: def.name().to_owned(),
                expected: def.fingerprint(),
                found,
                why: compatibility.to_string(),
            }));
        }
        tracing::debug!(machine = def.name(), entity_id = %row.entity_id, %found,
            current = %def.fingerprint(), "a row of a compatible older definition");
        if let Admit::Write = admit {
            let kind = DefinitionKind::parse(&kind);
            self.conn
                .keep_definition(def, kind, Timestamp::now(), Keep::Once)
                .await?;
            self.carried_over.push(pair);
        }
        row.fingerprint = def.fingerprint().to_string();
        Ok(())
    }
}
