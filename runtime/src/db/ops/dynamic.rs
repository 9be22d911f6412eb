//! Machines whose definition is data.

use std::sync::Arc;

use super::Work;
use super::write::Source;
use crate::db::backend::Connection;
use crate::db::due::{DueCount, TimerStep};
use crate::db::idempotency::KeptOutcome;
use crate::db::refusal::refused_dyn;
use crate::db::shared::{check_session, restore_dyn};
use crate::db::{DefinitionKind, Loaded, StoreError, TransitionMeta};
use crate::dynamic::{Args, Bound, DynMachine};
use crate::stored::Stored;
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
        let stored = Stored {
            machine: def.name().to_owned(),
            state: machine.state_name().to_owned(),
            data: machine.context().clone(),
            fingerprint: def.fingerprint(),
        };
        self.create_stored(def, DefinitionKind::Dynamic, entity_id, stored, meta)
            .await
    }

    /// The entity as a machine of `bound`'s definition.
    pub(crate) async fn load_dyn(
        &mut self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        let row = super::row(&mut self.conn, bound.definition().name(), entity_id, false).await?;
        restore_dyn(bound, row)
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
        let row = super::row(&mut self.conn, def.name(), entity_id, true).await?;
        check_session(&row, meta)?;
        if let Some(kept) = self
            .kept_outcome(meta, def.name(), entity_id, event)
            .await?
        {
            return kept.replay_dyn(bound);
        }
        let (state, session) = (row.state.clone(), row.session.clone());
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
        let from = Source {
            state: &state,
            version: loaded.version,
            session: session.as_deref(),
        };
        let version = self
            .write_stored(def, entity_id, from, event, &stored, meta)
            .await?;
        let outcome = KeptOutcome::of(
            meta,
            def.name(),
            entity_id,
            event,
            &state,
            &stored.state,
            version,
            &stored.data,
            stored.fingerprint.to_string(),
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
        self.fire_due_by(bound.definition(), now, limit, |timer, row| {
            TimerStep::of_dyn(bound, timer, row)
        })
        .await
    }
}
