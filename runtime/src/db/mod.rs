//! Stores: a machine's state, data and history in a database, moved
//! atomically. `SqliteStore` (feature `sqlite`) is the embedded default,
//! `PgStore` (feature `postgres`) the one for many processes on many
//! machines, and `Store` either, chosen by the target.
//!
//! A transition updates the entity `WHERE version = expected` and appends
//! its history record in one database transaction: both or neither. A
//! stale version is a [`StoreError::Conflict`], never an overwrite.
//!
//! An entity id is 1 to [`MAX_ENTITY_ID_BYTES`] bytes of UTF-8 without
//! U+0000, on every backend: anything else is a
//! [`StoreError::InvalidEntityId`] before anything is read or written.

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod any_backend;
// The primitives each backend gives; the operations over them follow.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod backend;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod blocking;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod due;
mod entity_id;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod entity_page_sql;
mod entity_query;
mod error;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod fingerprint_text;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod history_sql;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod idempotency;
mod meta;
mod migrations;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod notice;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod open_unit;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod ops;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod options;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod outbox;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod pace;
// The PostgreSQL backend on sqlx, under the async store and the
// blocking `PgStore`.
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "postgres")]
mod redact;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod refusal;
mod schema;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod shared;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod store;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod stored_row;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod table_mapping;
mod target;

#[cfg(feature = "postgres")]
pub use blocking::{PgStore, PgUnit};
#[cfg(feature = "sqlite")]
pub use blocking::{SqliteStore, Unit};
pub use entity_id::MAX_ENTITY_ID_BYTES;
pub use entity_query::{EntityPage, EntityQuery};
pub use error::{Cause, StoreError, TransientKind};
pub use meta::{DefinitionKind, EntityRow, Fired, HistoryQuery, Loaded, TransitionMeta};
pub use migrations::{Migration, MigrationDialect};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use ops::{MigrateOptions, MigrationReport};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use options::StoreOptions;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use outbox::{OutboxMessage, OutboxWorker};
#[cfg(feature = "postgres")]
pub use redact::redact_url;
pub use schema::TablePrefix;
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteOptions, Synchronous};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use store::{Store, StoreUnit, TimerWorker};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) use stored_row::{StoredRow, json_or_text};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use table_mapping::TableMapping;
pub use target::postgres_url;
