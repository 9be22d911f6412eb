//! The embedded store: one SQLite file (or memory), WAL, one write
//! transaction per unit of work.

mod backend;
mod busy_wait;
mod checkpointer;
mod connection;
mod due_page;
mod idempotency;
mod listing;
mod mapped;
mod options;
mod outbox;
mod primitives;
mod rows;
mod sql;
mod transition;

pub use options::SqliteOptions;

pub(crate) use backend::{SqliteBackend, Target};
pub(crate) use connection::{Runner, SqliteConnection};

/// How hard SQLite works to keep a committed transaction across a power
/// cut (`PRAGMA synchronous`).
///
/// ```
/// assert_ne!(stateforge_runtime::db::Synchronous::Full, stateforge_runtime::db::Synchronous::Normal);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// Every commit reaches the disk before it returns (the default).
    #[default]
    Full,
    /// With WAL: a power cut may lose the last commits, never corrupt.
    Normal,
}
