//! The real `stateforge` binary, run as a user would: on definition files,
//! on SQLite and PostgreSQL databases the library wrote, and with
//! connection strings that hold passwords.

// Shared with the root crate's tests, which use all of it.
#[allow(dead_code)]
#[path = "../../../tests/support/pg_fixture.rs"]
mod pg_fixture;
#[path = "../../../tests/support/stored_task.rs"]
mod stored_task;

mod definition_files;
mod output;
mod postgres_database;
mod secrets;
mod sqlite_database;
