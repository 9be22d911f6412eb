//! `stateforge migrate` on a real SQLite database and on PostgreSQL: rows of an older
//! definition brought to the one kept last, counted first with
//! `--dry-run`, each leaving a `(migrated)` record that `history` shows.

use serde_json::json;
use stateforge::Definition;
use stateforge::runtime::db::{TransitionMeta, blocking::Store};
use stateforge::runtime::{DynMachine, Registry};

use crate::pg_fixture::PgFixture;
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
    let store = Store::open(&db).unwrap();
    migrate_then_show(&store, &["--db", &db]);
}

#[test]
fn migrate_works_on_postgres() {
    let Some(pg) = PgFixture::new("migrate_works_on_postgres") else {
        return;
    };
    migrate_then_show(
        &pg.store,
        &["--db", pg.url.as_str(), "--prefix", pg.prefix.as_str()],
    );
}

/// Three tickets of v1, one in a state v2 renames; v2 deployed: the
/// command counts, migrates, finds nothing left, and `history` shows the
/// migration.
fn migrate_then_show(store: &Store, db: &[&str]) {
    let with =
        |args: &[&str]| -> Vec<String> { args.iter().chain(db).map(|s| (*s).to_owned()).collect() };
    let run = |args: &[&str]| {
        let args = with(args);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        out(&stateforge(&args))
    };
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
    let v2 = Definition::from_json(V2).unwrap().fingerprint().to_string();

    let (code, stdout, stderr) = run(&["migrate", "--machine", "ticket", "--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        format!("would migrate 3 rows of machine `ticket` to definition {v2}; 0 already under it")
    );
    let (_, listed, _) = run(&["entities", "--machine", "ticket"]);
    assert!(
        listed.contains("in_progress"),
        "a dry run writes nothing: {listed}"
    );

    let (code, stdout, stderr) = run(&["migrate", "--machine", "ticket", "--json"]);
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
    let (code, stdout, _) = run(&["migrate", "--machine", "ticket", "--json"]);
    assert_eq!(code, 0);
    let again: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (&again["migrated"], &again["current"]),
        (&json!(0), &json!(3))
    );

    let (code, history, stderr) = run(&["history", "--machine", "ticket", "--entity", "k-2"]);
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
