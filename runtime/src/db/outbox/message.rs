//! A message of the outbox, as a worker hands it to its handler.

use crate::time::Timestamp;

/// A message written in an entity's transaction, for delivery.
///
/// ```
/// use stateforge_runtime::db::OutboxMessage;
/// use stateforge_runtime::Timestamp;
/// let m = OutboxMessage {
///     key: "sf_outbox/7".into(), machine: "order".into(), entity_id: "o-1".into(),
///     topic: "invoice".into(), payload: serde_json::json!({"total": 12}),
///     created_at: Timestamp::from_micros(0),
/// };
/// assert_eq!(m.payload["total"], 12);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMessage {
    /// Unique per database and table prefix, the same on every delivery:
    /// the receiver deduplicates by it (a message is delivered again when
    /// its acknowledgement was lost).
    pub key: String,
    /// The machine of the entity whose transaction wrote it.
    pub machine: String,
    /// That entity: messages of one entity are delivered in the order
    /// they were written.
    pub entity_id: String,
    /// What the message is about, in the application's words.
    pub topic: String,
    /// Its content.
    pub payload: serde_json::Value,
    /// When it was written.
    pub created_at: Timestamp,
}

/// A message read from the table: its row id beside it.
#[derive(Debug, Clone)]
pub(crate) struct ClaimedMessage {
    pub(crate) id: i64,
    pub(crate) message: OutboxMessage,
}

/// The key of message `id` of `table`.
pub(crate) fn message_key(table: &str, id: i64) -> String {
    format!("{table}/{id}")
}
