//! The runtime crate on its own, as code that uses it without the macro
//! does: machines whose definition is data (`Definition::example`, JSON)
//! or a hand-written `Machine`. The same features with machines the macro
//! generates are tested through the facade, in the root crate's `runtime`
//! test binary.

mod definition_json_corpus;
mod dyn_machine;
mod hierarchy;
mod hierarchy_actions;
mod listeners;
mod replay;
#[cfg(feature = "sqlite")]
mod sqlx_sqlite_beside;
