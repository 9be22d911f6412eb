//! The examples, run: each module includes its example's code as a module
//! (an example is a binary, so its items are private there), runs it on
//! SQLite and on PostgreSQL, and checks that it ends where its use case
//! says.

// The examples keep their machines in a store: the `sqlite` feature (a
// default one).
#![cfg(feature = "sqlite")]

use stateforge::runtime::db::blocking::Store;

#[path = "../support/pg_fixture.rs"]
mod pg_fixture;

mod circuit_breaker;
mod dynamic_definition;
mod orchestrator;
mod orders;
mod pictures;
mod platform;
mod task_lifecycle;
mod task_service;
mod workflow;

/// A store in a fresh SQLite file in `dir`.
fn sqlite(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path().join("store.db").to_str().unwrap()).unwrap()
}
