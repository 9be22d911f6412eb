//! What can go wrong in a store, each case typed.

use crate::stored::RestoreError;

/// A store operation that did not happen. Nothing was written.
///
/// ```
/// let e = stateforge_runtime::db::StoreError::Conflict {
///     machine: "task".into(),
///     entity_id: "t-1".into(),
///     expected: 3,
///     current: 4,
/// };
/// assert_eq!(e.to_string(), "task `t-1` moved on: expected version 3, it is at 4; reload and retry");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No entity with this id.
    #[error("no {machine} `{entity_id}`")]
    NotFound {
        /// The machine.
        machine: String,
        /// The entity's id.
        entity_id: String,
    },
    /// The entity exists already.
    #[error("{machine} `{entity_id}` exists already")]
    AlreadyExists {
        /// The machine.
        machine: String,
        /// The entity's id.
        entity_id: String,
    },
    /// Someone else moved the entity since it was read.
    #[error(
        "{machine} `{entity_id}` moved on: expected version {expected}, it is at {current}; reload and retry"
    )]
    Conflict {
        /// The machine.
        machine: String,
        /// The entity's id.
        entity_id: String,
        /// The version the caller read.
        expected: u64,
        /// The version it is at now.
        current: u64,
    },
    /// The entity belongs to another session.
    #[error(
        "{machine} `{entity_id}` belongs to another session; pass the session or allow crossing sessions explicitly"
    )]
    OtherSession {
        /// The machine.
        machine: String,
        /// The entity's id.
        entity_id: String,
    },
    /// The event does not lead from the stored state to the new one.
    #[error("event `{event}` does not lead from `{from}` to `{to}` in machine `{machine}`")]
    NotATransition {
        /// The machine.
        machine: String,
        /// The event.
        event: String,
        /// The stored state.
        from: String,
        /// The state asked for.
        to: String,
    },
    /// The machine refused the event; the stored entity is unchanged.
    #[error("{0}")]
    Refused(String),
    /// A before-listener vetoed the transition; nothing was written.
    #[error("listener `{listener}` vetoed the transition: {reason}")]
    Vetoed {
        /// The listener's name.
        listener: String,
        /// Why.
        reason: String,
    },
    /// The stored row could not be rebuilt into a machine.
    #[error(transparent)]
    Restore(#[from] RestoreError),
    /// Data that cannot be written as JSON.
    #[error("cannot write data as JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// No definition of this machine is kept in the store.
    #[error("no definition of machine `{0}` in this store")]
    NoDefinition(String),
    /// A kept definition no longer reads (edited by hand, or corrupt).
    #[error("the kept definition of machine `{machine}` does not read: {message}")]
    BadDefinition {
        /// The machine.
        machine: String,
        /// What is wrong with it.
        message: String,
    },
    /// A table prefix that is not `[a-z][a-z0-9_]{0,30}`.
    #[error(
        "invalid table prefix `{0}`; use 1 to 31 lowercase letters, digits and `_`, starting with a letter"
    )]
    InvalidPrefix(String),
    /// The database was written by a newer stateforge.
    #[error(
        "database schema version {found} is newer than this stateforge knows ({supported}); upgrade stateforge"
    )]
    SchemaTooNew {
        /// The version found.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// The database itself failed (I/O, locked, full, corrupt).
    #[error("database error: {0}")]
    Database(String),
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

/// A PostgreSQL client error as [`StoreError::Database`]. The client's
/// messages never carry the connection URL; [`PgStore`](crate::db::PgStore)
/// adds the URL itself, with the password redacted.
#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Database(pg_message(&e))
    }
}

/// A PostgreSQL client error with its causes: the client's own message
/// for a server error is only `db error`, the server's words (and an I/O
/// error's) are in its source.
#[cfg(feature = "postgres")]
pub(crate) fn pg_message(e: &tokio_postgres::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string().replace('\n', " "));
        source = cause.source();
    }
    message
}
