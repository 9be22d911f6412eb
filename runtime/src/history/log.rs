//! An in-memory history, fed by listeners or by hand.

use std::sync::{Arc, Mutex, PoisonError};

use stateforge_core::{Event, Machine};

use super::record::HistoryRecord;
use crate::db::TransitionMeta;
use crate::dynamic::{Args, DynError, DynMachine};
use crate::listener::{FireError, Listeners, TransitionInfo};
use crate::time::Timestamp;

/// History records kept in memory, in order; cheap to clone (shared).
///
/// ```
/// use stateforge_runtime::{HistoryLog, Listeners};
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; }
/// }
/// let log = HistoryLog::new();
/// log.created("door", "front", "closed");
/// let mut listeners = Listeners::<AnyDoor>::new();
/// log.attach(&mut listeners);
/// let door = listeners.fire(AnyDoor::from(Door::new()), DoorEvent::Open, Some("front")).unwrap();
/// let records = log.records();
/// assert_eq!((records[1].from.as_deref(), records[1].to.as_str(), records[1].version), (Some("closed"), "open", 2));
/// stateforge_runtime::replay(AnyDoor::definition(), &records).unwrap();
/// ```
#[derive(Debug, Clone, Default)]
pub struct HistoryLog {
    records: Arc<Mutex<Vec<HistoryRecord>>>,
}

impl HistoryLog {
    /// An empty log.
    ///
    /// ```
    /// assert!(stateforge_runtime::HistoryLog::new().records().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Every record, oldest first.
    ///
    /// ```
    /// let log = stateforge_runtime::HistoryLog::new();
    /// log.created("task", "t-1", "pending");
    /// assert_eq!(log.records().len(), 1);
    /// ```
    pub fn records(&self) -> Vec<HistoryRecord> {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Records an entity's creation in `state` (version 1).
    ///
    /// ```
    /// let log = stateforge_runtime::HistoryLog::new();
    /// log.created("task", "t-1", "pending");
    /// assert!(log.records()[0].from.is_none());
    /// ```
    pub fn created(&self, machine: &str, entity_id: &str, state: &str) {
        self.push(HistoryRecord::created(
            machine,
            entity_id,
            state,
            Timestamp::now(),
        ));
    }

    /// Records a transition of `entity_id`: its version follows the
    /// entity's last record (1 if it has none).
    ///
    /// ```
    /// let log = stateforge_runtime::HistoryLog::new();
    /// log.created("task", "t-1", "pending");
    /// log.transition("task", "t-1", "pending", "assign", "assigned");
    /// assert_eq!(log.records()[1].version, 2);
    /// ```
    pub fn transition(&self, machine: &str, entity_id: &str, from: &str, event: &str, to: &str) {
        let info = TransitionInfo::new(machine, Some(entity_id), event, from, to);
        self.record(&info, &TransitionMeta::new());
    }

    /// Records transition `info` with the caller's reason, actor, session
    /// and metadata; its version follows the entity's last record (entity
    /// id `""` when `info` has none).
    ///
    /// ```
    /// use stateforge_runtime::{HistoryLog, TransitionInfo, db::TransitionMeta};
    /// let log = HistoryLog::new();
    /// let t = TransitionInfo::new("task", Some("t-1"), "fail", "assigned", "failed");
    /// log.record(&t, &TransitionMeta::new().reason("agent crashed").actor("watchdog"));
    /// assert_eq!(log.records()[0].actor.as_deref(), Some("watchdog"));
    /// ```
    pub fn record(&self, info: &TransitionInfo<'_>, meta: &TransitionMeta) {
        let entity_id = info.entity_id.unwrap_or_default();
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        let version = records
            .iter()
            .rev()
            .find(|r| r.machine == info.machine && r.entity_id == entity_id)
            .map_or(1, |r| r.version + 1);
        let mut record = HistoryRecord::created(info.machine, entity_id, info.to, Timestamp::now());
        record.from = Some(info.from.to_owned());
        record.event = Some(info.event.to_owned());
        record.reason.clone_from(&meta.reason);
        record.actor.clone_from(&meta.actor);
        record.session.clone_from(&meta.session);
        record.metadata = meta.metadata.clone();
        record.version = version;
        records.push(record);
    }

    /// Fires `event` on the dynamic `machine` through `listeners` and, once
    /// the transition is applied, records it with `meta`. A refused event
    /// records nothing.
    ///
    /// # Errors
    ///
    /// The [`DynError`] of [`Listeners::fire_dyn`]; machine and log unchanged.
    ///
    /// ```
    /// use stateforge_runtime::{DynMachine, HistoryLog, Listeners, Registry, db::TransitionMeta};
    /// let bound = Registry::<u32>::new().guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())?;
    /// let mut task = DynMachine::new(bound, 0);
    /// let log = HistoryLog::new();
    /// log.created("task", "t-1", task.state_name());
    /// let meta = TransitionMeta::new().actor("dispatcher");
    /// log.fire_dyn(&Listeners::new(), &mut task, "assign", &serde_json::Value::Null, "t-1", &meta).unwrap();
    /// assert!(log.fire_dyn(&Listeners::new(), &mut task, "assign", &serde_json::Value::Null, "t-1", &meta).is_err());
    /// let records = log.records();
    /// assert_eq!(records.len(), 2);
    /// assert_eq!(stateforge_runtime::replay(task.definition(), &records).unwrap(), ("assigned".into(), 2));
    /// # Ok::<(), stateforge_runtime::MissingBehaviour>(())
    /// ```
    pub fn fire_dyn<C: Clone>(
        &self,
        listeners: &Listeners<DynMachine<C>>,
        machine: &mut DynMachine<C>,
        event: &str,
        args: &Args,
        entity_id: &str,
        meta: &TransitionMeta,
    ) -> Result<(), DynError> {
        let from = machine.state();
        listeners.fire_dyn(machine, event, args, Some(entity_id))?;
        let def = machine.definition();
        self.record(
            &TransitionInfo::new(
                def.name(),
                Some(entity_id),
                event,
                def.state_name(from),
                machine.state_name(),
            ),
            meta,
        );
        Ok(())
    }

    /// Fires `event` on the generated (or any [`Machine`]) `machine`
    /// through `listeners` and, once the transition is applied, records it
    /// with `meta`. A refused event records nothing.
    ///
    /// # Errors
    ///
    /// The [`FireError`] of [`Listeners::fire`], handing the machine back.
    ///
    /// ```
    /// use stateforge_runtime::{HistoryLog, Listeners, db::TransitionMeta};
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; }
    /// }
    /// let log = HistoryLog::new();
    /// log.created("door", "front", "closed");
    /// let meta = TransitionMeta::new().reason("delivery");
    /// let door = log.fire(&Listeners::new(), AnyDoor::from(Door::new()), DoorEvent::Open, "front", &meta).unwrap();
    /// assert_eq!(log.records()[1].reason.as_deref(), Some("delivery"));
    /// ```
    pub fn fire<M: Machine>(
        &self,
        listeners: &Listeners<M>,
        machine: M,
        event: M::Event,
        entity_id: &str,
        meta: &TransitionMeta,
    ) -> Result<M, FireError<M, M::Event>> {
        let (from, event_id) = (machine.state_id(), event.id());
        let next = listeners.fire(machine, event, Some(entity_id))?;
        let def = M::definition();
        self.record(
            &TransitionInfo::new(
                def.name(),
                Some(entity_id),
                def.event_name(event_id),
                def.state_name(from),
                next.state_name(),
            ),
            meta,
        );
        Ok(next)
    }

    fn push(&self, record: HistoryRecord) {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(record);
    }

    /// Adds an after-listener to `listeners` that records every transition
    /// (entity id `""` when the machine is not kept under one).
    ///
    /// ```
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let log = stateforge_runtime::HistoryLog::new();
    /// let mut listeners = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// log.attach(&mut listeners);
    /// ```
    pub fn attach<M>(&self, listeners: &mut Listeners<M>) {
        let log = self.clone();
        listeners.after("history", move |t: &TransitionInfo<'_>, _| {
            log.transition(
                t.machine,
                t.entity_id.unwrap_or_default(),
                t.from,
                t.event,
                t.to,
            );
            Ok(())
        });
    }
}
