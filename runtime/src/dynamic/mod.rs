//! Machines whose definition is data: a [`Registry`] of guards and actions
//! binds a definition once ([`Bound`]), and [`DynMachine`]s of that
//! definition fire events by name or by id.

mod behaviour;
mod bind_error;
mod bound;
mod event_names;
mod machine;
mod refusal;
mod registry;

pub use behaviour::Args;
pub use bind_error::{DefinitionError, MissingBehaviour};
pub use bound::Bound;
pub use machine::DynMachine;
pub use refusal::{DynError, RefusedAt};
pub use registry::Registry;
