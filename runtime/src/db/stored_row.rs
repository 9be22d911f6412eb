//! An entity's row as a backend reads it for an operation: its data still
//! the column's JSON text, so that a typed machine is read from it
//! straight, without a `serde_json::Value` tree in between.

use crate::db::EntityRow;
use crate::time::Timestamp;

/// An entity's row, its data as the column holds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredRow {
    pub(crate) machine: String,
    pub(crate) entity_id: String,
    pub(crate) state: String,
    /// The context and state data: JSON text, unless written past the
    /// store (then reported when the row is restored).
    pub(crate) data: String,
    pub(crate) version: u64,
    pub(crate) fingerprint: String,
    pub(crate) session: Option<String>,
    pub(crate) created_at: Timestamp,
    pub(crate) updated_at: Timestamp,
}

impl StoredRow {
    /// The row as listings give it, its data as a JSON value.
    pub(crate) fn into_entity_row(self) -> EntityRow {
        EntityRow {
            machine: self.machine,
            entity_id: self.entity_id,
            state: self.state,
            data: json_or_text(self.data),
            version: self.version,
            fingerprint: self.fingerprint,
            session: self.session,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// A JSON column as a value: text that is not JSON becomes a JSON string,
/// so that the row still lists, and restoring it says what is wrong.
pub(crate) fn json_or_text(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
}
