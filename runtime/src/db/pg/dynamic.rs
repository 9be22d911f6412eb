//! Definitions kept in a PostgreSQL store, and machines loaded from them
//! (dynamic machines): the rest of [`PgUnit`]'s operations.

use std::sync::Arc;

use stateforge_core::Definition;

use super::PgUnit;
use crate::db::due::TimerStep;
use crate::db::refusal::refused_dyn;
use crate::db::shared::{Keep, check_session, restore_dyn};
use crate::db::{DefinitionKind, Loaded, StoreError, TransitionMeta};
use crate::dynamic::{Args, Bound, DynMachine};
use crate::stored::Stored;
use crate::time::Timestamp;

type Json = serde_json::Value;

impl PgUnit<'_> {
    pub(super) fn keep_definition(
        &self,
        def: &Definition,
        kind: DefinitionKind,
        now: Timestamp,
        keep: Keep,
    ) -> Result<(), StoreError> {
        self.execute(
            &format!(
                "INSERT INTO {d} (machine, fingerprint, json, kind, saved_at)
                 VALUES ($1, $2, $3, $4, GREATEST($5::BIGINT, (SELECT MAX(saved_at) + 1 FROM {d} WHERE machine = $1)))
                 ON CONFLICT (machine, fingerprint) {}",
                keep.on_conflict(),
                d = self.tables.definitions,
            ),
            &[&def.name(), &def.fingerprint().to_string(), &def.to_json(), &kind.as_str(), &now.as_micros()],
        )?;
        Ok(())
    }

    pub(super) fn kept_definition(
        &self,
        machine: &str,
    ) -> Result<(Definition, DefinitionKind), StoreError> {
        let row = self.query_opt(
            &format!(
                "SELECT json, kind FROM {} WHERE machine = $1 ORDER BY saved_at DESC, fingerprint DESC LIMIT 1",
                self.tables.definitions
            ),
            &[&machine],
        )?;
        let row = row.ok_or_else(|| StoreError::NoDefinition(machine.to_owned()))?;
        let (json, kind): (String, String) = (row.get(0), row.get(1));
        let def = Definition::from_json(&json).map_err(|e| StoreError::BadDefinition {
            machine: machine.to_owned(),
            message: e.to_string().replace('\n', " "),
        })?;
        Ok((def, DefinitionKind::parse(&kind)))
    }

    pub(super) fn create_dyn(
        &self,
        entity_id: &str,
        machine: &DynMachine<Json>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        let def = machine.definition();
        let stored = Stored {
            machine: def.name().to_owned(),
            state: machine.state_name().to_owned(),
            data: machine.context().clone(),
            fingerprint: def.fingerprint(),
        };
        self.create_stored(def, DefinitionKind::Dynamic, entity_id, stored, meta)
    }

    pub(super) fn load_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        restore_dyn(bound, self.row(bound.definition().name(), entity_id)?)
    }

    pub(super) fn fire_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
        event: &str,
        args: &Args,
        meta: &TransitionMeta,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        let def = bound.definition();
        let row = self.row(def.name(), entity_id)?;
        check_session(&row, meta)?;
        let mut loaded = restore_dyn(bound, row)?;
        loaded
            .machine
            .fire(event, args)
            .map_err(|e| refused_dyn(def.name(), entity_id, e))?;
        let stored = Stored {
            machine: def.name().to_owned(),
            state: loaded.machine.state_name().to_owned(),
            data: loaded.machine.context().clone(),
            fingerprint: def.fingerprint(),
        };
        let version = self.write_stored(def, entity_id, loaded.version, event, stored, meta)?;
        Ok(Loaded {
            entity_id: loaded.entity_id,
            machine: loaded.machine,
            version,
        })
    }

    pub(super) fn fire_due_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        self.fire_due_by(bound.definition(), now, limit, |timer, row| {
            TimerStep::of_dyn(bound, timer, row)
        })
        .map(|c| c.fired)
    }
}
