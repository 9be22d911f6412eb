//! A rolling deploy on PostgreSQL: a process still on v1 and one on v2
//! (which declares migrations) run at once against one database. The new
//! one migrates rows, in batches and as it fires; the old one keeps
//! firing, meets the rows the new one migrated, and refuses each with
//! `RestoreError::NeedsMigration` naming both definitions; it never
//! writes over one.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use stateforge::runtime::db::{
    HistoryQuery, MigrateOptions, StoreError, TablePrefix, TransitionMeta, blocking::Store,
};
use stateforge::runtime::{DynMachine, RestoreError};

use crate::suite::Fixture;
use crate::suite::fixture::assert_chain;
use crate::suite::migrations::{V1, V2, bind};

const TARGET: &str = "STATEFORGE_ROLLING_TARGET";
const PREFIX: &str = "STATEFORGE_ROLLING_PREFIX";
const ENTITIES: usize = 30;
/// How long both processes run side by side.
const RUN: Duration = Duration::from_millis(1500);

fn child_store() -> Option<Store> {
    let (Ok(target), Ok(prefix)) = (std::env::var(TARGET), std::env::var(PREFIX)) else {
        return None;
    };
    Some(Store::open_with(&target, &TablePrefix::new(&prefix).unwrap()).unwrap())
}

fn id(i: usize) -> String {
    format!("t-{i:02}")
}

/// The binary still on v1: moves every entity back and forth
/// (`hold`/`resume`) until told to stop; prints one line per refusal,
/// `refused ENTITY EXPECTED FOUND`, and one per other error.
#[test]
fn old_binary_child() {
    let Some(store) = child_store() else { return };
    let v1 = bind(V1);
    let meta = TransitionMeta::new().actor("v1");
    let start = Instant::now();
    while start.elapsed() < RUN {
        for i in 0..ENTITIES {
            let Ok(loaded) = store.load_dyn(&v1, &id(i)) else {
                // Refused on the fire below, with the same error.
                let err = store
                    .fire_dyn(&v1, &id(i), "hold", &json!(null), &meta)
                    .unwrap_err();
                report(&id(i), &err);
                continue;
            };
            let event = match loaded.machine.state_name() {
                "open" => "start",
                "in_progress" => "hold",
                _ => "resume",
            };
            if let Err(err) = store.fire_dyn(&v1, &id(i), event, &json!(null), &meta) {
                report(&id(i), &err);
            }
        }
    }
}

fn report(entity: &str, err: &StoreError) {
    match err {
        StoreError::Restore(RestoreError::NeedsMigration {
            expected, found, ..
        }) => println!("refused {entity} {expected} {found}"),
        // Moved by the other binary between this one's load and fire.
        StoreError::Conflict { .. } => {}
        other => println!("other {entity} {other}"),
    }
}

/// The binary on v2: migrates in batches while the old one runs, then
/// fires on every entity (migrating any row the old one moved since).
#[test]
fn new_binary_child() {
    let Some(store) = child_store() else { return };
    let v2 = bind(V2);
    store.save_definition(v2.definition()).unwrap();
    let meta = TransitionMeta::new().actor("v2");
    std::thread::sleep(RUN / 3);
    let report = store
        .migrate(v2.definition(), MigrateOptions::new().batch(4))
        .unwrap();
    println!("migrated {}", report.migrated);
    for i in 0..ENTITIES {
        let loaded = store.load_dyn(&v2, &id(i)).unwrap();
        if loaded.machine.state_name() == "open" {
            store
                .fire_dyn(&v2, &id(i), "start", &json!(null), &meta)
                .unwrap();
        }
    }
    println!("done");
}

fn spawn(test: &str, fx: &Fixture) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(TARGET, fx.target())
        .env(PREFIX, fx.prefix().as_str())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn an_old_binary_refuses_rows_the_new_one_migrated_and_never_overwrites_them() {
    let Some(fx) = Fixture::postgres("rolling_deploy") else {
        return;
    };
    let (v1, v2) = (bind(V1), bind(V2));
    let store = fx.open();
    for i in 0..ENTITIES {
        store
            .create_dyn(
                &id(i),
                &DynMachine::new(v1.clone(), json!({"i": i})),
                &TransitionMeta::new(),
            )
            .unwrap();
    }
    let old = spawn("rolling_deploy::old_binary_child", &fx);
    let new = spawn("rolling_deploy::new_binary_child", &fx);
    let new = new.wait_with_output().unwrap();
    let old = old.wait_with_output().unwrap();
    let (new_out, old_out) = (
        String::from_utf8(new.stdout).unwrap(),
        String::from_utf8(old.stdout).unwrap(),
    );
    assert!(
        new.status.success() && new_out.contains("done"),
        "{new_out}"
    );
    assert!(old.status.success(), "{old_out}");

    let (v1_fp, v2_fp) = (
        v1.definition().fingerprint().to_string(),
        v2.definition().fingerprint().to_string(),
    );
    let refusals: Vec<&str> = old_out
        .lines()
        .filter(|l| l.starts_with("refused "))
        .collect();
    assert!(
        !refusals.is_empty(),
        "the old binary met no migrated row:\n{old_out}"
    );
    for line in &refusals {
        let words: Vec<&str> = line.split(' ').collect();
        assert_eq!(&words[2..], [v1_fp.as_str(), v2_fp.as_str()], "{line}");
    }
    assert!(
        !old_out.lines().any(|l| l.starts_with("other ")),
        "{old_out}"
    );
    // Every row is v2's, and after its migration only v2 wrote it.
    for row in store.entities("ticket", None).unwrap() {
        assert_eq!(row.fingerprint, v2_fp, "{}", row.entity_id);
        assert_eq!(row.state, "working", "{}", row.entity_id);
        assert_chain(&store, "ticket", &row.entity_id);
        let history = store
            .history(&HistoryQuery::entity("ticket", &row.entity_id).limit(1 << 20))
            .unwrap();
        let first_v2 = history
            .iter()
            .position(|r| {
                r.actor.as_deref() == Some("v2") || r.actor.as_deref() == Some("migration")
            })
            .unwrap_or_else(|| panic!("{} never reached v2: {history:?}", row.entity_id));
        assert!(
            history[first_v2..]
                .iter()
                .all(|r| r.actor.as_deref() != Some("v1")),
            "the old binary wrote over a migrated row: {history:?}"
        );
    }
}
