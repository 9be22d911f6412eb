//! What happened to entities: one record per transition, an in-memory
//! log of them, and the replay that checks a history holds together.

mod log;
mod record;
mod replay;

pub use log::HistoryLog;
pub use record::HistoryRecord;
pub use replay::{ReplayError, replay};
