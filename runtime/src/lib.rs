//! The runtime half of stateforge: dynamic machines, listeners, history,
//! timers and stores.
#![forbid(unsafe_code)]

mod history;

pub use history::{HistoryRecord, Timestamp};
pub use stateforge_core as core;
