//! Idempotent fires: the outcome of a fire with an idempotency key is
//! kept in the same transaction as the transition; the same key fired
//! again, read after the entity's row is locked (so that two requests
//! with one key take turns), returns that outcome instead of moving the
//! entity again.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

use crate::db::shared::{restore, restore_dyn};
use crate::db::{EntityRow, Fired, Loaded, StoreError, TransitionMeta};
use crate::dynamic::{Bound, DynMachine};
use crate::time::Timestamp;

type Json = serde_json::Value;

/// A fire's outcome, as kept under its key.
#[derive(Debug, Clone)]
pub(crate) struct KeptOutcome {
    pub(crate) key: String,
    pub(crate) machine: String,
    pub(crate) entity_id: String,
    pub(crate) event: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) version: u64,
    pub(crate) data: String,
    pub(crate) fingerprint: String,
    pub(crate) at: i64,
    pub(crate) expires_at: i64,
}

impl KeptOutcome {
    /// The outcome of a transition of `entity_id` by `event`, to keep
    /// under `meta`'s key (if it has one).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn of(
        meta: &TransitionMeta,
        machine: &str,
        entity_id: &str,
        event: &str,
        from: &str,
        to: &str,
        version: u64,
        data: &str,
        fingerprint: String,
    ) -> Option<KeptOutcome> {
        let key = meta.idempotency_key.as_ref()?;
        let now = Timestamp::now();
        let ttl = meta
            .idempotency_ttl
            .unwrap_or(TransitionMeta::DEFAULT_KEY_TTL);
        Some(KeptOutcome {
            key: key.clone(),
            machine: machine.to_owned(),
            entity_id: entity_id.to_owned(),
            event: event.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            version,
            data: data.to_owned(),
            fingerprint,
            at: now.as_micros(),
            expires_at: (now + ttl).as_micros(),
        })
    }

    /// Refuses the key of another request.
    pub(crate) fn check_same(
        &self,
        machine: &str,
        entity_id: &str,
        event: &str,
    ) -> Result<(), StoreError> {
        if self.machine == machine && self.entity_id == entity_id && self.event == event {
            Ok(())
        } else {
            Err(self.reused())
        }
    }

    /// The error for a key another request kept.
    pub(crate) fn reused(&self) -> StoreError {
        StoreError::IdempotencyKeyReused {
            key: self.key.clone(),
            machine: self.machine.clone(),
            entity_id: self.entity_id.clone(),
            event: self.event.clone(),
        }
    }

    fn row(&self) -> Result<EntityRow, StoreError> {
        Ok(EntityRow {
            machine: self.machine.clone(),
            entity_id: self.entity_id.clone(),
            state: self.to.clone(),
            data: serde_json::from_str(&self.data)?,
            version: self.version,
            fingerprint: self.fingerprint.clone(),
            session: None,
            created_at: Timestamp::from_micros(self.at),
            updated_at: Timestamp::from_micros(self.at),
        })
    }

    fn bad(&self, what: String) -> StoreError {
        StoreError::BadRow {
            machine: self.machine.clone(),
            entity_id: self.entity_id.clone(),
            what,
        }
    }

    /// The typed transition this outcome was, again.
    pub(crate) fn replay<M: Machine + DeserializeOwned>(
        &self,
        def: &'static Definition,
    ) -> Result<Fired<M>, StoreError> {
        let state = |name: &str| {
            def.state_id(name)
                .map(|id| def.state_name(id))
                .ok_or_else(|| {
                    self.bad(format!("idempotency key `{}`: no state `{name}`", self.key))
                })
        };
        let event = def
            .event_id(&self.event)
            .map(|id| def.event_name(id))
            .ok_or_else(|| {
                self.bad(format!(
                    "idempotency key `{}`: no event `{}`",
                    self.key, self.event
                ))
            })?;
        let (from, to) = (state(&self.from)?, state(&self.to)?);
        let loaded: Loaded<M> = restore(self.row()?)?;
        Ok(Fired {
            loaded,
            machine: def.name(),
            event,
            from,
            to,
            replayed: true,
        })
    }

    /// The dynamic transition this outcome was, again.
    pub(crate) fn replay_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        restore_dyn(bound, self.row()?)
    }
}
