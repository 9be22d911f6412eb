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
mod migrate_command;
mod output;
mod pictures;
mod postgres_database;
mod readme;
mod secrets;
mod sqlite_database;
mod typed_machine_evolution;

use std::process::{Command, Output};

/// Runs the real binary with `args`; `STATEFORGE_DB` is `db_env` if given,
/// else unset (the shell running the tests may have one).
pub(crate) fn stateforge_with_db_env(args: &[&str], db_env: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stateforge"));
    command.args(args).env_remove("STATEFORGE_DB");
    if let Some(db) = db_env {
        command.env("STATEFORGE_DB", db);
    }
    command.output().unwrap()
}

/// Runs the real binary with `args`, without `STATEFORGE_DB`.
pub(crate) fn stateforge(args: &[&str]) -> Output {
    stateforge_with_db_env(args, None)
}

/// Exit code, stdout and stderr.
pub(crate) fn out(o: &Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
