//! Generated machines with the runtime (`stateforge::runtime`): a
//! `DynMachine` over a generated definition, listeners around generated
//! machines, replaying their histories, and their rows. The runtime's own
//! tests, without generated code, are the runtime crate's.

// The facade's `runtime` feature (a default one).
#![cfg(feature = "runtime")]

mod dynamic;
mod state_actions;

// Stores and rows need the `sqlite` feature (a default one).

// The `stored_row` fuzz property declares the stored task machine (the
// fuzz crate includes the property alone); the row and replay tests use
// that module, as a file can be a module only once in a crate.
#[cfg(feature = "sqlite")]
#[path = "../fuzz_properties/stored_row.rs"]
mod stored_row_property;
#[cfg(feature = "sqlite")]
use stored_row_property::stored_task;

#[cfg(feature = "sqlite")]
mod guarded_alternatives;
#[cfg(feature = "sqlite")]
mod history_states;
#[cfg(feature = "sqlite")]
mod stored_row_corpus;
#[cfg(feature = "sqlite")]
mod stored_rows;
#[cfg(feature = "sqlite")]
mod typed_listeners;
#[cfg(feature = "sqlite")]
mod typed_replay;
