//! The task machine as the store, row and CLI tests keep it: states with
//! and without data and a plain serializable record, but no guards or
//! actions, so every event its arms allow is accepted and a row holds
//! nothing a test cannot write by hand. The `stored_row` fuzz corpus was
//! grown on this machine (its rows carry this fingerprint and this record),
//! so changing it would make the corpus test other things.
//!
//! Included by `#[path]` wherever a test needs it, other crates and the
//! fuzz crate too.

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub(crate) machine Task {
        context: Record;
        initial state Pending;
        state Assigned { agent: String }
        state InProgress { agent: String }
        final state Completed;
        state Failed { reason: String }
        final state Escalated { reason: String }

        event assign(agent: String): Pending -> Assigned;
        event start: Assigned -> InProgress;
        event complete: InProgress -> Completed;
        event fail(reason: String): Assigned | InProgress -> Failed;
        event escalate(reason: String): Assigned | InProgress -> Escalated;
        event retry: Failed -> Pending;
    }
}

/// The task's record.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Record {
    /// What the task is.
    pub(crate) title: String,
    /// How often it was retried.
    pub(crate) retries: u32,
}
