//! The runtime half of stateforge: dynamic machines, listeners, history,
//! timers and stores.
#![forbid(unsafe_code)]

pub mod db;
mod dynamic;
mod fingerprint_check;
mod history;
mod listener;
mod stored;
mod time;

pub use dynamic::{
    Args, Bound, DefinitionError, DynError, DynMachine, MissingBehaviour, RefusedAt, Registry,
};
pub use fingerprint_check::{FingerprintMismatch, check_fingerprint};
pub use history::{HistoryLog, HistoryRecord, MIGRATED_EVENT, ReplayError, replay, replay_across};
pub use listener::{FireError, Listeners, TransitionInfo};
pub use stateforge_core as core;
pub use stored::{RestoreError, Stored, from_stored, to_stored};
pub use time::Timestamp;
