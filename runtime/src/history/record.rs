//! What happened to an entity: one record per transition.

use serde::{Deserialize, Serialize};

use crate::time::Timestamp;

/// One transition of one entity, as kept in a history.
///
/// The first record of an entity has no `from` and no `event`: it records
/// the entity's creation in its initial state, at version 1. Each later
/// record's `from` is the previous record's `to`, and its `version` the
/// previous one plus one.
///
/// ```
/// use stateforge_runtime::{HistoryRecord, Timestamp};
/// let created = HistoryRecord::created("task", "t-1", "pending", Timestamp::now());
/// assert_eq!(created.version, 1);
/// assert!(created.from.is_none());
/// let next = created.next("assign", "assigned", Timestamp::now());
/// assert_eq!((next.from.as_deref(), next.version), (Some("pending"), 2));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// The machine's name (`task`).
    pub machine: String,
    /// The entity's id, unique within its machine.
    pub entity_id: String,
    /// The state left; `None` for the record of the entity's creation.
    pub from: Option<String>,
    /// The state entered.
    pub to: String,
    /// The event fired; `None` for the creation record.
    pub event: Option<String>,
    /// Why, in the words of whoever fired it.
    pub reason: Option<String>,
    /// Who fired it (a user, a worker, `timer`).
    pub actor: Option<String>,
    /// The session the entity belongs to, if any.
    pub session: Option<String>,
    /// When it was applied.
    pub at: Timestamp,
    /// Free-form JSON (`null` when none was given).
    pub metadata: serde_json::Value,
    /// The entity's version after this transition: 1 for the creation record.
    pub version: u64,
}

impl HistoryRecord {
    /// The record of an entity created in `state`, at version 1.
    ///
    /// ```
    /// # use stateforge_runtime::{HistoryRecord, Timestamp};
    /// let r = HistoryRecord::created("task", "t-1", "pending", Timestamp::from_micros(0));
    /// assert_eq!(r.to, "pending");
    /// ```
    pub fn created(
        machine: impl Into<String>,
        entity_id: impl Into<String>,
        state: impl Into<String>,
        at: Timestamp,
    ) -> HistoryRecord {
        HistoryRecord {
            machine: machine.into(),
            entity_id: entity_id.into(),
            from: None,
            to: state.into(),
            event: None,
            reason: None,
            actor: None,
            session: None,
            at,
            metadata: serde_json::Value::Null,
            version: 1,
        }
    }

    /// The record that follows this one: `event` moved the entity to `to`.
    /// Reason, actor and metadata start empty; the session carries over.
    ///
    /// ```
    /// # use stateforge_runtime::{HistoryRecord, Timestamp};
    /// let r = HistoryRecord::created("task", "t-1", "pending", Timestamp::from_micros(0))
    ///     .next("assign", "assigned", Timestamp::from_micros(1));
    /// assert_eq!(r.event.as_deref(), Some("assign"));
    /// ```
    #[must_use]
    pub fn next(
        &self,
        event: impl Into<String>,
        to: impl Into<String>,
        at: Timestamp,
    ) -> HistoryRecord {
        HistoryRecord {
            machine: self.machine.clone(),
            entity_id: self.entity_id.clone(),
            from: Some(self.to.clone()),
            to: to.into(),
            event: Some(event.into()),
            reason: None,
            actor: None,
            session: self.session.clone(),
            at,
            metadata: serde_json::Value::Null,
            version: self.version + 1,
        }
    }
}
