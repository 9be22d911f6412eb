//! The runtime half of stateforge: dynamic machines, listeners, history,
//! timers and stores.
#![forbid(unsafe_code)]

mod bound;
pub mod db;
mod definition_load;
mod dyn_error;
mod dyn_listeners;
mod dyn_machine;
mod event_names;
mod guard_registry;
mod history;
mod history_log;
mod listener;
mod replay;
mod stored;

pub use bound::Bound;
pub use definition_load::{DefinitionError, FingerprintMismatch, check_fingerprint};
pub use dyn_error::{DynError, RefusedAt};
pub use dyn_machine::DynMachine;
pub use guard_registry::{Args, MissingBehaviour, Registry};
pub use history::{HistoryRecord, Timestamp};
pub use history_log::HistoryLog;
pub use listener::{FireError, Listeners, TransitionInfo};
pub use replay::{ReplayError, replay};
pub use stateforge_core as core;
pub use stored::{RestoreError, Stored, from_stored, to_stored};
