//! The real binary against real SQLite databases built by the library.

use serde_json::json;
use stateforge::Definition;
use stateforge::runtime::db::{SqliteStore, TransitionMeta};
use stateforge::runtime::{DynMachine, Registry};

use crate::stored_task::{AnyTask, Record, Task, TaskEvent};
use crate::{out, stateforge};

pub(crate) const TICKET: &str = r#"{
    "name": "ticket",
    "states": [{"name": "open", "initial": true}, {"name": "triaged"}, {"name": "closed", "final": true}],
    "events": [
        {"name": "triage", "arms": [{"from": ["open"], "to": "triaged"}]},
        {"name": "close", "arms": [{"from": ["triaged"], "to": "closed", "guard": "has_fix"}]}
    ]
}"#;

/// A database with typed tasks and dynamic tickets.
pub(crate) fn database() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ops.db");
    let store = SqliteStore::open(&path).unwrap();
    let meta = TransitionMeta::new().actor("api").session("s-1");
    store
        .create("t-1", &AnyTask::from(Task::new(Record::default())), &meta)
        .unwrap();
    store
        .create("t-2", &AnyTask::from(Task::new(Record::default())), &meta)
        .unwrap();
    store
        .fire::<AnyTask>(
            "t-2",
            TaskEvent::Assign {
                agent: "ada".into(),
            },
            &meta,
        )
        .unwrap();
    let bound = Registry::new()
        .guard("has_fix", |ctx: &serde_json::Value, _| {
            ctx["fix"].is_string()
        })
        .bind(Definition::from_json(TICKET).unwrap())
        .unwrap();
    for id in ["k-1", "k-2"] {
        store
            .create_dyn(
                id,
                &DynMachine::new(bound.clone(), json!({})),
                &TransitionMeta::new(),
            )
            .unwrap();
    }
    (dir, path.display().to_string())
}

#[test]
fn entities_lists_a_machine_as_a_table_or_json() {
    let (_dir, db) = database();
    let (code, stdout, stderr) = out(&stateforge(&["entities", "--db", &db, "--machine", "task"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().next().unwrap().starts_with("ENTITY"));
    assert!(stdout.contains("t-1") && stdout.contains("t-2") && stdout.contains("assigned"));
    let (_, stdout, _) = out(&stateforge(&[
        "entities",
        "--db",
        &db,
        "--machine",
        "task",
        "--state",
        "assigned",
        "--json",
    ]));
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["entity_id"], "t-2");
    assert_eq!(list[0]["data"]["data"]["agent"], "ada");
}

#[test]
fn history_shows_each_transition() {
    let (_dir, db) = database();
    let (code, stdout, _) = out(&stateforge(&[
        "history",
        "--db",
        &db,
        "--machine",
        "task",
        "--entity",
        "t-2",
    ]));
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.contains("pending -> assigned") && stdout.contains("assign"));
    let (_, stdout, _) = out(&stateforge(&[
        "history",
        "--db",
        &db,
        "--machine",
        "task",
        "--entity",
        "t-2",
        "--json",
    ]));
    let records: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(records[1]["actor"], "api");
    assert_eq!(records[1]["version"], 2);
}

#[test]
fn fire_moves_a_dynamic_machine_with_the_library_checks() {
    let (_dir, db) = database();
    let fire = |event: &str, entity: &str| {
        out(&stateforge(&[
            "fire",
            "--db",
            &db,
            "--machine",
            "ticket",
            "--entity",
            entity,
            event,
            "--reason",
            "on call",
            "--actor",
            "ops",
        ]))
    };
    let (code, stdout, stderr) = fire("triage", "k-1");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "ticket `k-1`: open -> triaged (triage), version 2"
    );
    // Not allowed from here: one line, exit 1, nothing written.
    let (code, _, stderr) = fire("triage", "k-1");
    assert_eq!((code, stderr.trim().lines().count()), (1, 1), "{stderr}");
    assert!(
        stderr.contains("event `triage` is not allowed in state `triaged`"),
        "{stderr}"
    );
    // A guarded arm is the application's to fire.
    let (code, _, stderr) = fire("close", "k-1");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("runs `has_fix`, which only the application can run"),
        "{stderr}"
    );
    let (code, _, stderr) = fire("triage", "k-9");
    assert_eq!(code, 1);
    assert!(stderr.contains("no ticket `k-9`"), "{stderr}");

    let (_, stdout, _) = out(&stateforge(&[
        "history",
        "--db",
        &db,
        "--machine",
        "ticket",
        "--entity",
        "k-1",
        "--json",
    ]));
    let records: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(records.as_array().unwrap().len(), 2);
    assert_eq!(
        (records[1]["actor"].as_str(), records[1]["reason"].as_str()),
        (Some("ops"), Some("on call"))
    );
}

/// A state's entry and exit actions are the application's code, as an
/// arm's: an arm that runs one is refused, and the others fire.
#[test]
fn fire_refuses_arms_that_run_a_state_s_entry_or_exit_action() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doors.db");
    let json = r#"{"format": 3, "name": "door",
        "states": [{"name": "closed", "initial": true}, {"name": "ajar"},
                   {"name": "open", "entry": "start_alarm"}],
        "events": [{"name": "push", "arms": [{"from": ["closed"], "to": "ajar"}]},
                   {"name": "open", "arms": [{"from": ["ajar"], "to": "open"}]},
                   {"name": "close", "arms": [{"from": ["ajar", "open"], "to": "closed"}]}]}"#;
    let bound = Registry::new()
        .action("start_alarm", |_: &mut serde_json::Value, _| Ok(()))
        .bind(Definition::from_json(json).unwrap())
        .unwrap();
    SqliteStore::open(&path)
        .unwrap()
        .create_dyn(
            "d-1",
            &DynMachine::new(bound, json!({})),
            &TransitionMeta::new(),
        )
        .unwrap();
    let db = path.display().to_string();
    let fire = |event: &str| {
        out(&stateforge(&[
            "fire",
            "--db",
            &db,
            "--machine",
            "door",
            "--entity",
            "d-1",
            event,
        ]))
    };
    let (code, stdout, stderr) = fire("push");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("closed -> ajar"), "{stdout}");
    let (code, _, stderr) = fire("open");
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "event `open` from `ajar` runs `start_alarm`, which only the application can run"
        ),
        "{stderr}"
    );
}

#[test]
fn fire_refuses_a_machine_declared_in_rust() {
    let (_dir, db) = database();
    let (code, _, stderr) = out(&stateforge(&[
        "fire",
        "--db",
        &db,
        "--machine",
        "task",
        "--entity",
        "t-2",
        "start",
    ]));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("machine `task` is declared in Rust"),
        "{stderr}"
    );
    let (_, stdout, _) = out(&stateforge(&[
        "entities",
        "--db",
        &db,
        "--machine",
        "task",
        "--state",
        "assigned",
    ]));
    assert!(stdout.contains("t-2"), "unchanged");
}

#[test]
fn diagram_draws_a_kept_definition() {
    let (_dir, db) = database();
    let (code, stdout, _) = out(&stateforge(&[
        "diagram",
        "--db",
        &db,
        "--machine",
        "ticket",
    ]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("triaged --> closed: close [has_fix]"),
        "{stdout}"
    );
    let (code, _, stderr) = out(&stateforge(&[
        "diagram",
        "--db",
        &db,
        "--machine",
        "nothing",
    ]));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("no definition of machine `nothing`"),
        "{stderr}"
    );
}

#[test]
fn bad_databases_are_one_line_and_passwords_never_show() {
    let (code, _, stderr) = out(&stateforge(&[
        "entities",
        "--db",
        "/no/such.db",
        "--machine",
        "task",
    ]));
    assert_eq!(code, 2);
    assert_eq!(stderr.trim(), "stateforge: no database at /no/such.db");
    let url = "postgres://admin:hunter2@127.0.0.1:5432/test";
    for args in [
        vec!["entities", "--db", url, "--machine", "task"],
        vec![
            "fire",
            "--db",
            url,
            "--machine",
            "task",
            "--entity",
            "t",
            "go",
        ],
    ] {
        let (code, stdout, stderr) = out(&stateforge(&args));
        assert_ne!(code, 0);
        assert!(
            !stderr.contains("hunter2") && !stdout.contains("hunter2"),
            "{stderr}"
        );
        assert!(stderr.contains("admin:***@127.0.0.1"), "{stderr}");
    }
    let (_dir, db) = database();
    let (code, _, stderr) = out(&stateforge(&[
        "entities",
        "--db",
        &db,
        "--machine",
        "nothing",
    ]));
    assert_eq!(code, 1);
    assert!(stderr.contains("no machine `nothing`"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

/// A row no store wrote does not hide the others: `entities` lists the
/// rows that read, names each bad one on stderr (its id escaped, never
/// written raw to the terminal), and exits 1.
#[test]
fn entities_lists_the_rows_that_read_and_names_the_others() {
    let (_dir, db) = database();
    let store = SqliteStore::open(&db).unwrap();
    for id in ["t-3", "t-\u{1b}[2J"] {
        store
            .create(
                id,
                &AnyTask::from(Task::new(Record::default())),
                &TransitionMeta::new(),
            )
            .unwrap();
    }
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE sf_entities SET version = -1 WHERE entity_id = 't-3'",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE sf_entities SET data = X'7B7D' WHERE entity_id = ?1",
        ["t-\u{1b}[2J"],
    )
    .unwrap();
    drop(conn);

    let (code, stdout, stderr) = out(&stateforge(&["entities", "--db", &db, "--machine", "task"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("t-1") && stdout.contains("t-2"), "{stdout}");
    assert!(
        !stdout.contains("t-3") && !stdout.contains('\u{1b}'),
        "{stdout}"
    );
    assert!(
        stderr.contains("task `t-3`: bad row: version -1 is not one: versions start at 1"),
        "{stderr}"
    );
    assert!(
        stderr.contains(r"task `t-\u{1b}[2J`: bad row: column `data` holds a blob, not text"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "escaped: {stderr}");
    assert!(
        stderr.contains("2 rows of machine `task` did not read; the others are listed"),
        "{stderr}"
    );

    let (code, stdout, _) = out(&stateforge(&[
        "entities",
        "--db",
        &db,
        "--machine",
        "task",
        "--json",
    ]));
    assert_eq!(code, 1);
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

/// Fails on any control character but the newlines that end lines.
fn assert_clean(what: &str, s: &str) {
    let bad: Vec<char> = s.chars().filter(|&c| c.is_control() && c != '\n').collect();
    assert!(bad.is_empty(), "{what} holds raw {bad:?}: {s:?}");
}

/// An entity id that sets the terminal's title, clears the screen and
/// forges a line of output; the history's actor, session and reason carry
/// escapes too, and one reason is long.
const EVIL_ID: &str = "k\x1b]0;pwned\x07\x1b[2J\nforged";
const EVIL_ID_SHOWN: &str = r"k\u{1b}]0;pwned\u{7}\u{1b}[2J\nforged";

fn crafted_database() -> (tempfile::TempDir, String) {
    let (dir, db) = database();
    let store = SqliteStore::open(&db).unwrap();
    let bound = Registry::new()
        .guard("has_fix", |_: &serde_json::Value, _| false)
        .bind(Definition::from_json(TICKET).unwrap())
        .unwrap();
    let meta = TransitionMeta::new()
        .actor("ops\x1b[31m")
        .session("s\x07\x1b[2J")
        .reason("why\nstates: forged\r\x1b[2K");
    store
        .create_dyn(EVIL_ID, &DynMachine::new(bound.clone(), json!({})), &meta)
        .unwrap();
    (dir, db)
}

#[test]
fn stored_text_is_escaped_and_capped_in_every_command() {
    let (_dir, db) = crafted_database();
    let (code, stdout, stderr) = out(&stateforge(&[
        "fire",
        "--db",
        &db,
        "--machine",
        "ticket",
        "--entity",
        EVIL_ID,
        "triage",
        "--session",
        "s\x07\x1b[2J",
        "--actor",
        "a\x1b]0;t\x07",
        "--reason",
        &"r\x1b".repeat(10_000),
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_clean("fire", &stdout);
    assert_eq!(
        stdout,
        format!("ticket `{EVIL_ID_SHOWN}`: open -> triaged (triage), version 2\n")
    );

    let (code, stdout, stderr) = out(&stateforge(&[
        "entities",
        "--db",
        &db,
        "--machine",
        "ticket",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_clean("entities", &stdout);
    assert_eq!(
        stdout.lines().count(),
        4,
        "a header and 3 entities: {stdout}"
    );
    assert!(stdout.contains(EVIL_ID_SHOWN), "{stdout}");
    assert!(stdout.contains(r"s\u{7}\u{1b}[2J"), "{stdout}");

    let (code, stdout, stderr) = out(&stateforge(&[
        "history",
        "--db",
        &db,
        "--machine",
        "ticket",
        "--entity",
        EVIL_ID,
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_clean("history", &stdout);
    assert_eq!(
        stdout.lines().count(),
        3,
        "a header and 2 records: {stdout}"
    );
    assert!(stdout.contains(r"ops\u{1b}[31m"), "{stdout}");
    assert!(
        stdout.contains(r"why\nstates: forged\r\u{1b}[2K"),
        "{stdout}"
    );
    // The long reason is cut, with an ellipsis.
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with('…') && last.chars().count() < 400, "{last}");

    // JSON keeps every value whole, escaped the JSON way.
    for args in [
        vec![
            "history",
            "--db",
            &db,
            "--machine",
            "ticket",
            "--entity",
            EVIL_ID,
            "--json",
        ],
        vec!["entities", "--db", &db, "--machine", "ticket", "--json"],
    ] {
        let (code, stdout, stderr) = out(&stateforge(&args));
        assert_eq!(code, 0, "{stderr}");
        assert_clean("--json", &stdout);
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let values = v.to_string();
        assert!(
            values.contains(r#""k\u001b]0;pwned\u0007\u001b[2J\nforged""#),
            "{values}"
        );
    }
    let (_, stdout, _) = out(&stateforge(&[
        "history",
        "--db",
        &db,
        "--machine",
        "ticket",
        "--entity",
        EVIL_ID,
        "--json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v[1]["reason"].as_str().unwrap().len(), 20_000);
}

#[test]
fn error_messages_escape_and_cap_what_they_echo() {
    let (_dir, db) = crafted_database();
    let cases: Vec<(Vec<&str>, i32, String)> = vec![
        (
            vec!["entities", "--db", &db, "--machine", "m\x1b[2J"],
            1,
            r"no machine `m\u{1b}[2J`".to_owned(),
        ),
        (
            vec![
                "history",
                "--db",
                &db,
                "--machine",
                "ticket",
                "--entity",
                "no\x1b[2J\npe",
            ],
            1,
            r"no history for ticket `no\u{1b}[2J\npe`".to_owned(),
        ),
        (
            vec![
                "fire",
                "--db",
                &db,
                "--machine",
                "x\x1b[2J",
                "--entity",
                "k-1",
                "go",
            ],
            1,
            r"no machine `x\u{1b}[2J`".to_owned(),
        ),
        (
            vec![
                "fire",
                "--db",
                &db,
                "--machine",
                "ticket",
                "--entity",
                EVIL_ID,
                "close\x07",
                "--session",
                "s\x07\x1b[2J",
            ],
            1,
            r"machine `ticket` has no event `close\u{7}`".to_owned(),
        ),
        (
            vec![
                "fire",
                "--db",
                &db,
                "--machine",
                "task",
                "--entity",
                "t-1",
                "go\x1b[2J",
            ],
            1,
            r"fire `go\u{1b}[2J` from the application".to_owned(),
        ),
        (
            vec![
                "entities",
                "--db",
                "/no/such/\x1b]0;pwned\x07.db",
                "--machine",
                "m",
            ],
            2,
            r"no database at /no/such/\u{1b}]0;pwned\u{7}.db".to_owned(),
        ),
        (
            vec![
                "fire",
                "--db",
                &db,
                "--machine",
                "ticket",
                "--entity",
                "k-1",
                "go",
                "--args",
                "\"\x1b[2J",
            ],
            2,
            "--args is not JSON".to_owned(),
        ),
    ];
    for (args, code, expected) in cases {
        let (got, stdout, stderr) = out(&stateforge(&args));
        assert_eq!(got, code, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_clean("stderr", &stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(&expected), "{args:?}: {stderr}");
    }
    // A huge value is cut (or not repeated at all), not echoed whole.
    let huge = "m".repeat(100_000);
    for args in [
        vec!["entities", "--db", &db, "--machine", &huge],
        vec![
            "fire",
            "--db",
            &db,
            "--machine",
            &huge,
            "--entity",
            "k-1",
            "go",
        ],
        vec![
            "fire",
            "--db",
            &db,
            "--machine",
            "ticket",
            "--entity",
            &huge,
            "triage",
        ],
    ] {
        let (code, _, stderr) = out(&stateforge(&args));
        assert_eq!(code, 1, "{stderr}");
        assert!(
            stderr.len() < 2100 && !stderr.contains(&huge[..300]),
            "{} bytes: {stderr}",
            stderr.len()
        );
    }
}

/// The commands that only read leave another application's file as it
/// was: no stateforge table, no journal mode changed; they say that the
/// file has no stateforge tables.
#[test]
fn reading_commands_change_nothing_in_a_file_without_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let db = path.to_str().unwrap();
    for args in [
        vec!["entities", "--db", db, "--machine", "task"],
        vec![
            "history",
            "--db",
            db,
            "--machine",
            "task",
            "--entity",
            "t-1",
        ],
        vec!["diagram", "--db", db, "--machine", "task"],
    ] {
        let (code, _, stderr) = out(&stateforge(&args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("no stateforge tables in"),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is unchanged"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tables, ["notes"]);
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "delete");
}

/// `fire --idempotency-key`: another process sending the same request
/// again moves nothing and prints the first outcome; the key fired on
/// another entity is refused.
#[test]
fn fire_with_an_idempotency_key_moves_once_across_processes() {
    let (_dir, db) = database();
    let fire = |entity: &str| {
        out(&stateforge(&[
            "fire",
            "--db",
            &db,
            "--machine",
            "ticket",
            "--entity",
            entity,
            "triage",
            "--idempotency-key",
            "req-1",
        ]))
    };
    for _ in 0..2 {
        let (code, stdout, stderr) = fire("k-1");
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            stdout.trim(),
            "ticket `k-1`: open -> triaged (triage), version 2"
        );
    }
    let (code, _, stderr) = fire("k-2");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("idempotency key `req-1` names another request"),
        "{stderr}"
    );
    let (_, stdout, _) = out(&stateforge(&[
        "history",
        "--db",
        &db,
        "--machine",
        "ticket",
        "--entity",
        "k-1",
        "--json",
    ]));
    let records: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(records.as_array().unwrap().len(), 2);
}
