//! The transactional outbox: messages written in the same transaction as
//! a transition (from its [`TransitionMeta`](crate::db::TransitionMeta),
//! or by the caller through a unit), delivered afterwards by an
//! [`OutboxWorker`] at least once, in order per entity.

mod delivery;
pub(crate) mod message;
mod worker;

pub(crate) use delivery::deliver;
pub use message::OutboxMessage;
pub use worker::OutboxWorker;
