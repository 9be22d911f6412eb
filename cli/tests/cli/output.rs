//! What scripts read from the command: one time format in every JSON
//! output, `fire --json`, the database from `STATEFORGE_DB`, and the exit
//! codes in `--help`.

use std::process::Output;

use crate::sqlite_database::database as tickets;
use crate::stateforge_with_db_env as stateforge;

fn stdout_of(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn is_rfc3339(t: &serde_json::Value) -> bool {
    let Some(t) = t.as_str() else { return false };
    let b = t.as_bytes();
    t.len() == 27 && b[4] == b'-' && b[10] == b'T' && t.ends_with('Z')
}

#[test]
fn history_and_entities_write_times_in_one_form() {
    let (_dir, db) = tickets();
    let history: serde_json::Value = serde_json::from_str(&stdout_of(&stateforge(
        &[
            "history",
            "--db",
            &db,
            "--machine",
            "ticket",
            "--entity",
            "k-1",
            "--json",
        ],
        None,
    )))
    .unwrap();
    let entities: serde_json::Value = serde_json::from_str(&stdout_of(&stateforge(
        &["entities", "--db", &db, "--machine", "ticket", "--json"],
        None,
    )))
    .unwrap();
    let at = &history[0]["at"];
    let updated = &entities[0]["updated_at"];
    assert!(is_rfc3339(at), "{at}");
    assert!(is_rfc3339(updated), "{updated}");
    assert_eq!(history[0]["to"], "open");
}

#[test]
fn fire_json_says_where_the_entity_went() {
    let (_dir, db) = tickets();
    let moved: serde_json::Value = serde_json::from_str(&stdout_of(&stateforge(
        &[
            "fire",
            "--db",
            &db,
            "--machine",
            "ticket",
            "--entity",
            "k-1",
            "triage",
            "--json",
        ],
        None,
    )))
    .unwrap();
    assert_eq!(
        (&moved["from"], &moved["to"], &moved["version"]),
        (
            &serde_json::json!("open"),
            &serde_json::json!("triaged"),
            &serde_json::json!(2)
        )
    );
    assert_eq!(moved["entity_id"], "k-1");
}

#[test]
fn the_database_can_come_from_the_environment() {
    let (_dir, db) = tickets();
    let listed = stdout_of(&stateforge(
        &["entities", "--machine", "ticket", "--json"],
        Some(&db),
    ));
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["entity_id"], "k-1");
    // The command line wins over the environment.
    let other = stateforge(
        &["entities", "--db", "/no/such.db", "--machine", "ticket"],
        Some(&db),
    );
    assert_eq!(other.status.code(), Some(2));
}

#[test]
fn help_states_the_exit_codes() {
    let help = stdout_of(&stateforge(&["--help"], None));
    assert!(help.contains("Exit codes: 0 done; 1 refused"), "{help}");
    assert!(help.contains("2 bad usage"), "{help}");
    assert!(help.contains("STATEFORGE_DB"), "{help}");
}

/// A reader that stops reading (`stateforge history ... | head`) closes
/// the pipe: the command ends quietly and successfully, as shell tools
/// do, without a panic on stderr.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::process::{Command, Stdio};
    let (_dir, db) = tickets();
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/task.json");
    let runs: [&[&str]; 3] = [
        &[
            "history",
            "--db",
            &db,
            "--machine",
            "task",
            "--entity",
            "t-2",
        ],
        &["diagram", fixture, "--format", "svg"],
        &["validate", fixture],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stateforge"))
            .args(args)
            .env_remove("STATEFORGE_DB")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the command writes anything.
        drop(child.stdout.take());
        let done = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(done.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
