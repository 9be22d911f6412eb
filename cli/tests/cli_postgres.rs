//! The real binary against a PostgreSQL store (`STATEFORGE_PG_URL`).

use std::process::Command;

use serde_json::json;
use stateforge::Definition;
use stateforge::runtime::db::{Store, TablePrefix, TransitionMeta};
use stateforge::runtime::{DynMachine, Registry};

stateforge::state_machine! {
    #[derive(Debug)]
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

const TICKET: &str = r#"{"name": "ticket",
    "states": [{"name": "open", "initial": true}, {"name": "closed", "final": true}],
    "events": [{"name": "close", "arms": [{"from": ["open"], "to": "closed"}]}]}"#;

fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_stateforge"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_command_works_on_postgres() {
    let url = match std::env::var("STATEFORGE_PG_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            assert!(
                std::env::var("STATEFORGE_REQUIRE_PG").as_deref() != Ok("1"),
                "STATEFORGE_PG_URL is required"
            );
            eprintln!("skipped: STATEFORGE_PG_URL not set");
            return;
        }
    };
    let prefix = format!("cli{}_", std::process::id() % 100_000);
    let store = Store::open_with(&url, &TablePrefix::new(&prefix).unwrap()).unwrap();
    store
        .create("t-1", &AnyTask::from(Task::new()), &TransitionMeta::new())
        .unwrap();
    let bound = Registry::<serde_json::Value>::new()
        .bind(Definition::from_json(TICKET).unwrap())
        .unwrap();
    store
        .create_dyn(
            "k-1",
            &DynMachine::new(bound, json!({})),
            &TransitionMeta::new(),
        )
        .unwrap();

    let db = ["--db", url.as_str(), "--prefix", prefix.as_str()];
    fn with<'a>(args: &[&'a str], db: &[&'a str]) -> Vec<&'a str> {
        [args, db].concat()
    }
    let (code, stdout, stderr) = run(&with(&["entities", "--machine", "task", "--json"], &db));
    assert_eq!(code, 0, "{stderr}");
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list[0]["entity_id"], "t-1");

    let (code, stdout, stderr) = run(&with(
        &[
            "fire",
            "--machine",
            "ticket",
            "--entity",
            "k-1",
            "close",
            "--actor",
            "ops",
        ],
        &db,
    ));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "ticket `k-1`: open -> closed (close), version 2"
    );
    let (code, stdout, _) = run(&with(
        &["history", "--machine", "ticket", "--entity", "k-1"],
        &db,
    ));
    assert_eq!(code, 0);
    assert!(stdout.contains("open -> closed"), "{stdout}");
    let (code, stdout, _) = run(&with(&["diagram", "--machine", "ticket"], &db));
    assert_eq!(code, 0);
    assert!(stdout.contains("open --> closed: close"), "{stdout}");
    let (code, _, stderr) = run(&with(
        &["fire", "--machine", "task", "--entity", "t-1", "finish"],
        &db,
    ));
    assert_eq!(code, 1);
    assert!(stderr.contains("declared in Rust"), "{stderr}");
    store.drop_tables().unwrap();
}
