//! What happened to entities: one record per transition, an in-memory
//! log of them, and the replay that checks a history holds together.

mod log;
mod record;
mod replay;
mod replay_across;

pub use log::HistoryLog;
pub use record::HistoryRecord;
pub use replay::{ReplayError, replay};
pub use replay_across::{MIGRATED_EVENT, replay_across};
