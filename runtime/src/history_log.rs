//! An in-memory history, fed by listeners or by hand.

use std::sync::{Arc, Mutex, PoisonError};

use stateforge_core::Machine;

use crate::history::{HistoryRecord, Timestamp};
use crate::listener::{Listeners, TransitionInfo};

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
        let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        let version = records
            .iter()
            .rev()
            .find(|r| r.machine == machine && r.entity_id == entity_id)
            .map_or(1, |r| r.version + 1);
        let mut record = HistoryRecord::created(machine, entity_id, to, Timestamp::now());
        record.from = Some(from.to_owned());
        record.event = Some(event.to_owned());
        record.version = version;
        records.push(record);
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
    pub fn attach<M: Machine>(&self, listeners: &mut Listeners<M>) {
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
