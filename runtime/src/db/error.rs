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
    /// No arm of the event leaves the entity's state; nothing was written.
    /// (An HTTP handler's 409: the request does not fit the entity's state.)
    #[error("event `{event}` is not allowed in state `{state}`")]
    NotAllowed {
        /// The machine.
        machine: String,
        /// The state the entity is in.
        state: String,
        /// The event.
        event: String,
    },
    /// The arm's guard said no; nothing was written. (An HTTP handler's
    /// 422: the request is understood, and the rule refuses it.)
    #[error("guard `{guard}` refused event `{event}` in state `{state}`")]
    GuardRefused {
        /// The machine.
        machine: String,
        /// The state the entity is in.
        state: String,
        /// The event.
        event: String,
        /// The guard that said no.
        guard: String,
    },
    /// The event has guarded alternatives out of the entity's state and no
    /// else, and every guard said no; nothing was written. The same answer
    /// as [`StoreError::GuardRefused`] (its [`kind`](StoreError::kind) is
    /// `guard_refused` too), naming every guard tried.
    #[error(
        "guards {} refused event `{event}` in state `{state}`",
        backticked(guards)
    )]
    GuardsRefused {
        /// The machine.
        machine: String,
        /// The state the entity is in.
        state: String,
        /// The event.
        event: String,
        /// The guards that said no, in the order they were tried.
        guards: Vec<String>,
    },
    /// A machine defined as data has no event of that name.
    #[error("machine `{machine}` has no event `{event}`")]
    UnknownEvent {
        /// The machine.
        machine: String,
        /// The name given.
        event: String,
    },
    /// The arm's action failed (a machine defined as data, whose actions
    /// can fail); nothing was written.
    #[error("action `{action}` of event `{event}` failed: {message}")]
    ActionFailed {
        /// The machine.
        machine: String,
        /// The event.
        event: String,
        /// The action.
        action: String,
        /// What it said.
        message: String,
    },
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
    /// An idempotency key fired again on another entity, or with another
    /// event, than the request that kept it: a key names one request.
    /// Nothing was written.
    #[error(
        "idempotency key `{key}` names another request ({machine} `{entity_id}`, event `{event}`); use a new key per request"
    )]
    IdempotencyKeyReused {
        /// The key.
        key: String,
        /// The machine of the request that kept it.
        machine: String,
        /// Its entity.
        entity_id: String,
        /// Its event.
        event: String,
    },
    /// The database's schema is older than this stateforge's, and the
    /// store was opened without migration: nothing was changed. Run the
    /// migrations from `migration` on (`runtime/migrations/`, or
    /// [`Migration::after`](crate::db::Migration::after)), or open once
    /// with migration on.
    #[error(
        "database schema version {found} is older than this stateforge needs ({needed}); run the store's migrations from `{migration}` on, or open it with migration on"
    )]
    SchemaTooOld {
        /// The version found.
        found: i64,
        /// The version this build needs.
        needed: i64,
        /// The first migration the database lacks (`0002_...`).
        migration: String,
    },
    /// The database could not do it now, for a reason that passes: the
    /// same call, retried (after a pause, from a fresh read), may succeed.
    /// Nothing was written.
    #[error("{kind}: {message}; retry")]
    Transient {
        /// Why the database gave up.
        kind: TransientKind,
        /// The database's words.
        message: String,
        /// The database's own code, when it gave one: PostgreSQL's
        /// SQLSTATE (`40P01`), SQLite's extended result code (`5` for
        /// `SQLITE_BUSY`).
        code: Option<String>,
        /// The driver's error, as [`source`](std::error::Error::source)
        /// returns it (none where it could show a connection string).
        #[source]
        source: Option<Cause>,
    },
    /// A stored row that does not read as an entity (edited by hand,
    /// corrupt, or written by something else): the row is left as it is.
    #[error("{machine} `{entity_id}`: bad row: {what}")]
    BadRow {
        /// The machine.
        machine: String,
        /// The entity's id (escaped if it is not printable).
        entity_id: String,
        /// What is wrong with it.
        what: String,
    },
    /// An entity id a store does not take: empty, longer than
    /// [`MAX_ENTITY_ID_BYTES`](crate::db::MAX_ENTITY_ID_BYTES), or holding a NUL.
    #[error("invalid entity id: {0}")]
    InvalidEntityId(String),
    /// The database has no stateforge tables, and was opened to read only
    /// (or without creating the schema): nothing was created.
    #[error("no stateforge tables in {0}")]
    NoSchema(String),
    /// The store was called from inside one of its own units of work, on
    /// the same thread: the call would wait on the unit's own lock (for
    /// ever on SQLite, until the lock timeout on PostgreSQL) or read
    /// around its writes. Use the unit's methods instead.
    #[error(
        "the store was called from inside one of its own units of work; call the unit's methods (it has the same reads and writes) instead"
    )]
    InsideUnit,
    /// A statement the database refused or failed for a reason that
    /// retrying does not change (a constraint, a missing table, a full
    /// disk), with the database's own code.
    #[error("database error: {message}")]
    Sql {
        /// The database's own code, when it gave one: PostgreSQL's
        /// SQLSTATE (`23505`), SQLite's extended result code (`2067`
        /// for a UNIQUE constraint).
        code: Option<String>,
        /// The database's words.
        message: String,
        /// The driver's error, as [`source`](std::error::Error::source)
        /// returns it (none where it could show a connection string).
        #[source]
        source: Option<Cause>,
    },
    /// A machine mapped onto the application's own table (`TableMapping`,
    /// with a store feature) that the table cannot
    /// hold: a name that is not an identifier, a missing table or
    /// column, a key that is not unique, a column of a type the store
    /// cannot compare, or a write
    /// the columns cannot keep whole (a context field without a column,
    /// state data without a column). Nothing was written.
    #[error("machine `{machine}` in table `{table}`: {why}")]
    TableMapping {
        /// The machine.
        machine: String,
        /// The application's table.
        table: String,
        /// What is wrong.
        why: String,
    },
    /// The store could not go on (a unit that failed half-way, a row it
    /// cannot read, a connection's thread gone), in its own words.
    #[error("database error: {0}")]
    Database(String),
}

/// A driver's error under a [`StoreError`].
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a database gave up on a call that may succeed if retried
/// ([`StoreError::Transient`]).
///
/// ```
/// use stateforge_runtime::db::{StoreError, TransientKind};
/// let e = StoreError::Transient {
///     kind: TransientKind::Deadlock,
///     message: "deadlock detected".into(),
///     code: Some("40P01".into()),
///     source: None,
/// };
/// assert!(e.is_retryable());
/// assert_eq!(e.to_string(), "deadlock: deadlock detected; retry");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TransientKind {
    /// Another connection held the database's lock past the busy timeout
    /// (SQLite `SQLITE_BUSY`, `SQLITE_LOCKED`).
    #[error("database busy")]
    Busy,
    /// A row lock was not granted within the lock timeout (PostgreSQL
    /// `55P03`, or a statement cancelled by its timeout, `57014`).
    #[error("lock timeout")]
    LockTimeout,
    /// Two transactions waited on each other and this one was chosen to
    /// end (PostgreSQL `40P01`).
    #[error("deadlock")]
    Deadlock,
    /// The transaction could not be serialized with a concurrent one
    /// (PostgreSQL `40001`).
    #[error("serialization failure")]
    Serialization,
    /// The connection to the server was lost or refused (PostgreSQL class
    /// `08`, a terminated backend `57P01`..`57P03`).
    #[error("connection lost")]
    Connection,
    /// No pooled connection came free within the pool's acquire timeout
    /// (`StoreOptions::acquire_timeout`, with the `postgres` feature):
    /// every connection was in use (more concurrent operations than
    /// `StoreOptions::max_connections`), or no new one could be opened in
    /// time (the server unreachable, or refusing connections).
    #[error("no pooled connection within the acquire timeout")]
    PoolTimeout,
}

impl StoreError {
    /// Whether the same call may succeed if made again: a
    /// [`Transient`](StoreError::Transient) failure of the database, or a
    /// [`Conflict`](StoreError::Conflict) (reload, then retry).
    ///
    /// ```
    /// use stateforge_runtime::db::StoreError;
    /// assert!(!StoreError::NoDefinition("task".into()).is_retryable());
    /// ```
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            StoreError::Transient { .. } | StoreError::Conflict { .. }
        )
    }

    /// A short, stable name of the error's kind, for logs, metrics and
    /// the `outcome` of the store's spans.
    ///
    /// ```
    /// use stateforge_runtime::db::StoreError;
    /// assert_eq!(StoreError::InsideUnit.kind(), "inside_unit");
    /// ```
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not_found",
            StoreError::AlreadyExists { .. } => "already_exists",
            StoreError::Conflict { .. } => "conflict",
            StoreError::OtherSession { .. } => "other_session",
            StoreError::NotATransition { .. } => "not_a_transition",
            StoreError::NotAllowed { .. } => "not_allowed",
            StoreError::GuardRefused { .. } | StoreError::GuardsRefused { .. } => "guard_refused",
            StoreError::UnknownEvent { .. } => "unknown_event",
            StoreError::ActionFailed { .. } => "action_failed",
            StoreError::Vetoed { .. } => "vetoed",
            StoreError::Restore(_) => "restore",
            StoreError::Json(_) => "json",
            StoreError::NoDefinition(_) => "no_definition",
            StoreError::BadDefinition { .. } => "bad_definition",
            StoreError::InvalidPrefix(_) => "invalid_prefix",
            StoreError::SchemaTooNew { .. } => "schema_too_new",
            StoreError::SchemaTooOld { .. } => "schema_too_old",
            StoreError::Transient { kind, .. } => match kind {
                TransientKind::Busy => "busy",
                TransientKind::LockTimeout => "lock_timeout",
                TransientKind::Deadlock => "deadlock",
                TransientKind::Serialization => "serialization",
                TransientKind::Connection => "connection",
                TransientKind::PoolTimeout => "pool_timeout",
            },
            StoreError::BadRow { .. } => "bad_row",
            StoreError::InvalidEntityId(_) => "invalid_entity_id",
            StoreError::InsideUnit => "inside_unit",
            StoreError::IdempotencyKeyReused { .. } => "idempotency_key_reused",
            StoreError::NoSchema(_) => "no_schema",
            StoreError::TableMapping { .. } => "table_mapping",
            StoreError::Sql { .. } | StoreError::Database(_) => "database",
        }
    }

    /// The database's own code under the error, if it gave one:
    /// PostgreSQL's SQLSTATE, SQLite's extended result code.
    ///
    /// ```
    /// use stateforge_runtime::db::StoreError;
    /// let e = StoreError::Sql { code: Some("23505".into()), message: "duplicate key".into(), source: None };
    /// assert_eq!(e.code(), Some("23505"));
    /// ```
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match self {
            StoreError::Transient { code, .. } | StoreError::Sql { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

#[cfg(feature = "sqlite")]
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        let code = e.sqlite_error().map(|ffi| ffi.extended_code.to_string());
        let message = e.to_string();
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Transient {
                kind: TransientKind::Busy,
                message,
                code,
                source: Some(Box::new(e)),
            },
            _ => StoreError::Sql {
                code,
                message,
                source: Some(Box::new(e)),
            },
        }
    }
}

/// The retryable kind of a PostgreSQL error by its SQLSTATE (five
/// characters), whatever the client that read it: `40P01` a deadlock,
/// `40001` a serialization failure, `55P03` a lock not granted within
/// `lock_timeout` (or `57014`, a statement cancelled by its timeout),
/// class `08` and `57P01`..`57P03` a connection lost or refused.
#[cfg(feature = "postgres")]
pub(crate) fn sqlstate_transient_kind(code: &str) -> Option<TransientKind> {
    match code {
        "40P01" => Some(TransientKind::Deadlock),
        "40001" => Some(TransientKind::Serialization),
        "55P03" | "57014" => Some(TransientKind::LockTimeout),
        "57P01" | "57P02" | "57P03" => Some(TransientKind::Connection),
        _ if code.starts_with("08") => Some(TransientKind::Connection),
        _ => None,
    }
}

/// `` `a`, `b` ``: names as a message lists them.
fn backticked(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
