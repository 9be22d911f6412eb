//! An entity's row as a backend reads it for an operation: what the
//! operation needs of it, its data still the column's JSON text, so that
//! a typed machine is read from it straight, without a
//! `serde_json::Value` tree in between. The machine and the entity id are
//! the operation's own (the row was read by them).

/// What an operation reads of an entity's row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredRow {
    pub(crate) state: String,
    /// The context and state data: JSON text, unless written past the
    /// store (then reported when the row is restored).
    pub(crate) data: String,
    pub(crate) version: u64,
    pub(crate) fingerprint: String,
    pub(crate) session: Option<String>,
}

/// A JSON column as a value: text that is not JSON becomes a JSON string,
/// so that the row still lists, and restoring it says what is wrong.
pub(crate) fn json_or_text(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
}
