//! Stores: a machine's state, data and history in a database, moved
//! atomically. [`SqliteStore`] is the embedded default.
//!
//! A transition updates the entity `WHERE version = expected` and appends
//! its history record in one database transaction: both or neither. A
//! stale version is a [`StoreError::Conflict`], never an overwrite.

mod error;
mod meta;
mod schema;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
mod store;

pub use error::StoreError;
pub use meta::{DefinitionKind, EntityRow, HistoryQuery, Loaded, TransitionMeta};
pub use schema::TablePrefix;
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteStore, Synchronous, Unit};
#[cfg(feature = "sqlite")]
pub use store::{Store, StoreUnit};
