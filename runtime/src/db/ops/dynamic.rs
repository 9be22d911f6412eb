//! Machines whose definition is data.

use std::sync::Arc;

use super::Work;
use super::carry_over::{Admit, Reshape};
use super::write::Source;
use crate::db::backend::Connection;
use crate::db::due::{DueCount, TimerStep};
use crate::db::idempotency::KeptOutcome;
use crate::db::refusal::refused_dyn;
use crate::db::shared::{check_session_of, restore_dyn_row};
use crate::db::{DefinitionKind, Loaded, StoreError, TransitionMeta};
use crate::dynamic::{Args, Bound, DynMachine};
use crate::time::Timestamp;

type Json = serde_json::Value;

impl<C: Connection> Work<C> {
    /// A new entity of a dynamic machine; its definition is kept.
    pub(crate) async fn create_dyn(
        &mut self,
        entity_id: &str,
        machine: &DynMachine<Json>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        let def = machine.definition();
        let data = machine.context().to_string();
        let state = machine.state_name();
        self.create_stored(def, DefinitionKind::Dynamic, entity_id, state, &data, meta)
            .await
    }

    /// The entity as a machine of `bound`'s definition.
    pub(crate) async fn load_dyn(
        &mut self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        let def = bound.definition();
        let mut row = super::row(&mut self.conn, def.name(), entity_id, false).await?;
        self.admit(def, entity_id, &mut row, Admit::Read, Reshape::Bound(bound))
            .await?;
        restore_dyn_row(bound, entity_id, row)
    }

    /// Fires `event` by name with `args` through `bound`'s guards and
    /// actions.
    pub(crate) async fn fire_dyn(
        &mut self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
        event: &str,
        args: &Args,
        meta: &TransitionMeta,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        let def = bound.definition();
        let mut row = super::row(&mut self.conn, def.name(), entity_id, true).await?;
        check_session_of(def.name(), entity_id, row.session.as_ref(), meta)?;
        if let Some(kept) = self
            .kept_outcome(meta, def.name(), entity_id, event)
            .await?
        {
            return kept.replay_dyn(bound);
        }
        self.admit(
            def,
            entity_id,
            &mut row,
            Admit::Write,
            Reshape::Bound(bound),
        )
        .await?;
        let (state, session) = (row.state.clone(), row.session.clone());
        let mut loaded = restore_dyn_row(bound, entity_id, row)?;
        loaded
            .machine
            .fire(event, args)
            .map_err(|e| refused_dyn(def.name(), entity_id, e))?;
        let data = loaded.machine.context().to_string();
        let from = Source {
            state: &state,
            version: loaded.version,
            session: session.as_deref(),
        };
        let version = self
            .write_stored(
                def,
                entity_id,
                from,
                event,
                loaded.machine.state_name(),
                &data,
                meta,
            )
            .await?;
        let outcome = KeptOutcome::of(
            meta,
            def.name(),
            entity_id,
            event,
            &state,
            loaded.machine.state_name(),
            version,
            &data,
            def.fingerprint().to_string(),
        );
        self.keep_outcome(outcome).await?;
        self.send_meta_messages(def.name(), entity_id, meta).await?;
        Ok(Loaded {
            entity_id: loaded.entity_id,
            machine: loaded.machine,
            version,
        })
    }

    /// Fires up to `limit` due timers of `bound`'s machine.
    pub(crate) async fn fire_due_dyn(
        &mut self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError> {
        self.fire_due_by(
            bound.definition(),
            now,
            limit,
            |timer, row| TimerStep::of_dyn(bound, timer, row),
            Reshape::Bound(bound),
        )
        .await
    }
}
