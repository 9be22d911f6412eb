//! What a definition's guards and actions are once an application has
//! given them: functions of the context and the event's arguments.

use std::sync::Arc;

/// An event's arguments, as JSON (`null` when there are none).
pub type Args = serde_json::Value;

/// A guard as a [`Registry`](super::Registry) keeps it: shared by every
/// definition bound with it.
pub(crate) type GuardFn<C> = Arc<dyn Fn(&C, &Args) -> bool + Send + Sync>;
/// An action as a [`Registry`](super::Registry) keeps it.
pub(crate) type ActionFn<C> = Arc<dyn Fn(&mut C, &Args) -> Result<(), String> + Send + Sync>;

/// A data migration: a row's data as an older definition wrote it -> its
/// data now, or why it cannot be.
pub(crate) type DataFn =
    Arc<dyn Fn(serde_json::Value) -> Result<serde_json::Value, String> + Send + Sync>;
