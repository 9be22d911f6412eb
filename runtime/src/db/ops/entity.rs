//! Typed machines: create, load, fire, save.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

use super::Work;
use super::carry_over::{Admit, Reshape};
use super::write::Source;
use crate::db::backend::{Connection, NewEntity};
use crate::db::entity_id::check_entity_id;
use crate::db::fingerprint_text::FingerprintText;
use crate::db::idempotency::KeptOutcome;
use crate::db::refusal::refused;
use crate::db::shared::{Keep, check_session_of, fill, restore_row};
use crate::db::{DefinitionKind, Fired, Loaded, StoreError, TransitionMeta};
use crate::history::HistoryRecord;
use crate::listener::{Listeners, TransitionInfo};
use crate::stored::to_stored_text;
use crate::time::Timestamp;

impl<C: Connection> Work<C> {
    /// Inserts an entity row in `state` with `data` (JSON text) and its
    /// creation record; keeps its definition and starts the initial
    /// state's timers.
    pub(crate) async fn create_stored(
        &mut self,
        def: &Definition,
        kind: DefinitionKind,
        entity_id: &str,
        state: &str,
        data: &str,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        check_entity_id(entity_id)?;
        let now = Timestamp::now();
        let fingerprint = FingerprintText::new(def.fingerprint());
        let inserted = self
            .conn
            .insert_entity(&NewEntity {
                machine: def.name(),
                entity_id,
                state,
                data,
                fingerprint: fingerprint.as_str(),
                session: meta.session.as_deref(),
                now,
            })
            .await?;
        if !inserted {
            return Err(StoreError::AlreadyExists {
                machine: def.name().to_owned(),
                entity_id: entity_id.to_owned(),
            });
        }
        let mut record = HistoryRecord::created(def.name(), entity_id, state, now);
        fill(&mut record, meta);
        // Kept after the insert, so that an entity that exists keeps no
        // definition behind a refusal the caller may swallow. Past the
        // insert, a failure must not let the work commit.
        let kept = self.rest_of_create(def, kind, entity_id, state, &record, now);
        kept.await.map_err(|e| self.broke(e))?;
        Ok(Loaded {
            entity_id: entity_id.to_owned(),
            machine: (),
            version: 1,
        })
    }

    async fn rest_of_create(
        &mut self,
        def: &Definition,
        kind: DefinitionKind,
        entity_id: &str,
        state: &str,
        record: &HistoryRecord,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.conn
            .keep_definition(def, kind, now, Keep::Once)
            .await?;
        self.conn.insert_history(record).await?;
        if let Some(state_id) = def.state_id(state) {
            let timers: Vec<(&str, i64)> = def
                .timers_of(state_id)
                .map(|t| (def.event_name(t.event), (now + t.after).as_micros()))
                .collect();
            if !timers.is_empty() {
                self.conn
                    .reset_timers(def.name(), entity_id, state, &timers)
                    .await?;
            }
        }
        Ok(())
    }

    /// A new entity of a typed machine.
    pub(crate) async fn create<M: Machine + Serialize>(
        &mut self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        let data = to_stored_text(machine)?;
        self.create_stored(
            M::definition(),
            DefinitionKind::Typed,
            entity_id,
            machine.state_name(),
            &data,
            meta,
        )
        .await
    }

    /// The entity as a machine `M`.
    pub(crate) async fn load<M: Machine + DeserializeOwned>(
        &mut self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        let def = M::definition();
        let mut row = super::row(&mut self.conn, def.name(), entity_id, false).await?;
        self.admit(
            def,
            entity_id,
            &mut row,
            Admit::Read,
            Reshape::Typed(M::migrate_data),
        )
        .await?;
        restore_row(entity_id, row)
    }

    /// Fires `event` on the entity, with `listeners`' before-listeners (a
    /// veto writes nothing); the transition, whose
    /// [`info`](Fired::info) the caller passes to the after-listeners
    /// once it has committed.
    pub(crate) async fn fire_with<M>(
        &mut self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Fired<M>, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
    {
        let def = M::definition();
        let mut row = super::row(&mut self.conn, def.name(), entity_id, true).await?;
        check_session_of(def.name(), entity_id, row.session.as_ref(), meta)?;
        let event_name = def.event_name(stateforge_core::Event::id(&event));
        if let Some(kept) = self
            .kept_outcome(meta, def.name(), entity_id, event_name)
            .await?
        {
            return kept.replay(def);
        }
        self.admit(
            def,
            entity_id,
            &mut row,
            Admit::Write,
            Reshape::Typed(M::migrate_data),
        )
        .await?;
        let session = row.session.clone();
        let loaded: Loaded<M> = restore_row(entity_id, row)?;
        if let Err((listener, reason)) = listeners.check(&loaded.machine, &event, Some(entity_id)) {
            return Err(StoreError::Vetoed { listener, reason });
        }
        let from = def.state_name(loaded.machine.state_id());
        let version = loaded.version;
        let next = loaded
            .machine
            .fire(event)
            .map_err(|r| refused(def.name(), &r))?;
        let data = to_stored_text(&next)?;
        let to = next.state_name();
        // Composed before anything is written: a listener that panics
        // leaves the work with nothing half done.
        let composed = if listeners.has_outbox() {
            let info = TransitionInfo::new(def.name(), Some(entity_id), event_name, from, to)
                .with_meta(meta);
            listeners.messages(&info, &next)
        } else {
            Vec::new()
        };
        let source = Source {
            state: from,
            version,
            session: session.as_deref(),
        };
        let version = self
            .write_stored(def, entity_id, source, event_name, to, &data, meta)
            .await?;
        let outcome = KeptOutcome::of(
            meta,
            def.name(),
            entity_id,
            event_name,
            from,
            to,
            version,
            &data,
            def.fingerprint().to_string(),
        );
        self.keep_outcome(outcome).await?;
        if composed.is_empty() {
            self.send_meta_messages(def.name(), entity_id, meta).await?;
        } else {
            let mut messages = meta.messages.clone();
            messages.extend(composed);
            self.send_messages(def.name(), entity_id, &messages).await?;
        }
        Ok(Fired {
            loaded: Loaded {
                entity_id: entity_id.to_owned(),
                machine: next,
                version,
            },
            machine: def.name(),
            event: event_name,
            from,
            to,
            replayed: false,
        })
    }

    /// Writes a transition the caller made (`event` moved the entity, read
    /// at `expected_version`, to `machine`); the new version.
    pub(crate) async fn save<M: Machine + Serialize>(
        &mut self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        let def = M::definition();
        let to = machine.state_name();
        // What is wrong with the row is said before what is wrong with the
        // machine.
        let row = self
            .check_row(
                def,
                entity_id,
                (expected_version, event, to),
                meta,
                Reshape::Typed(M::migrate_data),
            )
            .await?;
        let data = to_stored_text(machine)?;
        let source = Source {
            state: &row.state,
            version: row.version,
            session: row.session.as_deref(),
        };
        self.write_stored(def, entity_id, source, event, to, &data, meta)
            .await
    }
}
