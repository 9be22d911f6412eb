//! `stateforge migrate` on a real SQLite database: rows of an older
//! definition brought to the one kept last, counted first with
//! `--dry-run`, each leaving a `(migrated)` record that `history` shows.

use serde_json::json;
use stateforge::Definition;
use stateforge::runtime::db::{SqliteStore, TransitionMeta};
use stateforge::runtime::{DynMachine, Registry};

use crate::{out, stateforge};

const V1: &str = r#"{"name": "ticket",
    "states": [{"name": "open", "initial": true}, {"name": "in_progress"}, {"name": "closed", "final": true}],
    "events": [
        {"name": "start", "arms": [{"from": ["open"], "to": "in_progress"}]},
        {"name": "close", "arms": [{"from": ["open", "in_progress"], "to": "closed"}]}
    ]}"#;

const V2: &str = r#"{"format": 2, "name": "ticket",
    "states": [{"name": "open", "initial": true}, {"name": "working"}, {"name": "closed", "final": true}],
    "events": [
        {"name": "start", "arms": [{"from": ["open"], "to": "working"}]},
        {"name": "close", "arms": [{"from": ["open", "working"], "to": "closed"}]}
    ],
    "migrations": [{"from": "in_progress", "to": "working"}]}"#;

#[test]
fn migrate_counts_then_migrates_and_history_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ops.db");
    let db = path.display().to_string();
    {
        let store = SqliteStore::open(&path).unwrap();
        let v1 = Registry::new()
            .bind(Definition::from_json(V1).unwrap())
            .unwrap();
        for id in ["k-1", "k-2", "k-3"] {
            store
                .create_dyn(
                    id,
                    &DynMachine::new(v1.clone(), json!({})),
                    &TransitionMeta::new(),
                )
                .unwrap();
        }
        store
            .fire_dyn(&v1, "k-2", "start", &json!(null), &TransitionMeta::new())
            .unwrap();
        // The new code is deployed: it keeps its definition.
        store
            .save_definition(&Definition::from_json(V2).unwrap())
            .unwrap();
    }
    let v2 = Definition::from_json(V2).unwrap().fingerprint().to_string();

    let dry = ["migrate", "--db", &db, "--machine", "ticket", "--dry-run"];
    let (code, stdout, stderr) = out(&stateforge(&dry));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        format!("would migrate 3 rows of machine `ticket` to definition {v2}; 0 already under it")
    );
    let (_, listed, _) = out(&stateforge(&[
        "entities",
        "--db",
        &db,
        "--machine",
        "ticket",
    ]));
    assert!(
        listed.contains("in_progress"),
        "a dry run writes nothing: {listed}"
    );

    let run = ["migrate", "--db", &db, "--machine", "ticket", "--json"];
    let (code, stdout, stderr) = out(&stateforge(&run));
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (
            &report["migrated"],
            &report["current"],
            &report["definition"]
        ),
        (&json!(3), &json!(0), &json!(v2))
    );
    // Resumable: a second run finds every row done.
    let (code, stdout, _) = out(&stateforge(&run));
    assert_eq!(code, 0);
    let again: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (&again["migrated"], &again["current"]),
        (&json!(0), &json!(3))
    );

    let (code, history, stderr) = out(&stateforge(&[
        "history",
        "--db",
        &db,
        "--machine",
        "ticket",
        "--entity",
        "k-2",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let migrated = history
        .lines()
        .find(|l| l.contains("(migrated)"))
        .unwrap_or_else(|| panic!("no migration in\n{history}"));
    assert!(
        migrated.contains("in_progress -> working") && migrated.contains("migration"),
        "{migrated}"
    );
}
