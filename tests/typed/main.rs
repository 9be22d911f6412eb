//! The code `state_machine!` generates, as a crate that only declares
//! machines uses it: typed machines and their any-enums, definitions,
//! serde, hygiene; no store, and the runtime (its feature on) only to
//! check that a `DynMachine` over a generated definition agrees.

mod any_edges;
mod compound_states;
mod declared_migrations;
mod generated_definition;
mod guarded_alternatives;
mod history_actions;
mod history_states;
mod in_place;
// Public, as in a user's crate: what the module declares is reachable
// from the root, so the lints it denies (`missing_docs`, `unreachable_pub`)
// check the generated code.
pub mod hygiene;
mod machine_without_serde;
mod nested_state_actions;
mod parallel_states;
mod reexport;
mod state_actions;
// Public: the machine is declared `pub`, as the trybuild case that shares
// it needs, and a `pub` item must be reachable from the root
// (`unreachable_pub`).
pub mod task_machine;
mod unit_event_serde;
