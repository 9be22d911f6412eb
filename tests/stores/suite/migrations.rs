//! Declared migrations, applied by the store: a row in a state the
//! current definition renamed or removed moves where the declaration says,
//! in memory on a load, as a transition of its own (`(migrated)`, naming
//! both definitions) before the first write; an old binary then refuses
//! the row instead of writing over it.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::{HistoryQuery, StoreError};
use stateforge::runtime::{Bound, DynMachine, Registry, RestoreError, Timestamp};

use super::fixture::{Fixture, assert_chain, meta};

pub(crate) fn bind(json: &str) -> Arc<Bound<Value>> {
    Registry::<Value>::new()
        .bind(Definition::from_json(json).unwrap())
        .unwrap()
}

pub(crate) const V1: &str = r#"{"name": "ticket",
    "states": [{"name": "open", "initial": true}, {"name": "in_progress"},
               {"name": "on_hold"}, {"name": "closed", "final": true}],
    "events": [
        {"name": "start", "arms": [{"from": ["open"], "to": "in_progress"}]},
        {"name": "hold", "arms": [{"from": ["in_progress"], "to": "on_hold"}]},
        {"name": "resume", "arms": [{"from": ["on_hold"], "to": "in_progress"}]},
        {"name": "close", "arms": [{"from": ["open", "in_progress", "on_hold"], "to": "closed"}]}
    ],
    "timers": [{"state": "in_progress", "event": "close", "after_ms": 60000}]}"#;

pub(crate) const V2: &str = r#"{"format": 2, "name": "ticket",
    "states": [{"name": "open", "initial": true}, {"name": "working"}, {"name": "closed", "final": true}],
    "events": [
        {"name": "start", "arms": [{"from": ["open"], "to": "working"}]},
        {"name": "close", "arms": [{"from": ["open", "working"], "to": "closed"}]}
    ],
    "timers": [{"state": "working", "event": "close", "after_ms": 60000}],
    "migrations": [{"from": "in_progress", "to": "working"}, {"from": "on_hold", "to": "open"}]}"#;

fn state_in_row(store: &stateforge::runtime::db::blocking::Store, id: &str) -> String {
    let rows = store.entities("ticket", None).unwrap();
    rows.into_iter().find(|r| r.entity_id == id).unwrap().state
}

/// Rows of v1 in a renamed and in a removed state load under v2 in the
/// state the migration names, without a write; firing writes the
/// migration first, then the transition; the migrated row's pending timer
/// is armed again for the state it entered and fires once.
pub(crate) fn declared_migrations_move_rows_lazily_with_a_record(fx: Fixture) {
    let (v1, v2) = (bind(V1), bind(V2));
    let store = fx.open();
    for id in ["b", "c", "d"] {
        store
            .create_dyn(id, &DynMachine::new(v1.clone(), json!({"n": 1})), &meta())
            .unwrap();
    }
    store
        .fire_dyn(&v1, "b", "start", &json!(null), &meta())
        .unwrap();
    store
        .fire_dyn(&v1, "c", "start", &json!(null), &meta())
        .unwrap();
    store
        .fire_dyn(&v1, "c", "hold", &json!(null), &meta())
        .unwrap();
    store
        .fire_dyn(&v1, "d", "start", &json!(null), &meta())
        .unwrap();

    let b = store.load_dyn(&v2, "b").unwrap();
    assert_eq!((b.machine.state_name(), b.version), ("working", 2));
    assert_eq!(
        state_in_row(&store, "b"),
        "in_progress",
        "a load writes nothing"
    );
    assert_eq!(
        store.load_dyn(&v2, "c").unwrap().machine.state_name(),
        "open"
    );

    let b = store
        .fire_dyn(&v2, "b", "close", &json!(null), &meta())
        .unwrap();
    assert_eq!((b.machine.state_name(), b.version), ("closed", 4));
    assert_eq!(b.machine.context(), &json!({"n": 1}));
    let history = store.history(&HistoryQuery::entity("ticket", "b")).unwrap();
    let migrated = &history[2];
    assert_eq!(
        (
            migrated.event.as_deref(),
            migrated.from.as_deref(),
            migrated.to.as_str(),
            migrated.actor.as_deref()
        ),
        (
            Some("(migrated)"),
            Some("in_progress"),
            "working",
            Some("migration")
        )
    );
    assert_eq!(
        migrated.metadata,
        json!({
            "from_definition": v1.definition().fingerprint().to_string(),
            "to_definition": v2.definition().fingerprint().to_string(),
        })
    );
    assert_eq!(history[3].event.as_deref(), Some("close"));
    assert_eq!(assert_chain(&store, "ticket", "b"), 4);

    let c = store
        .fire_dyn(&v2, "c", "start", &json!(null), &meta())
        .unwrap();
    assert_eq!((c.machine.state_name(), c.version), ("working", 5));

    // d's timer was armed in `in_progress`: the migration arms `working`'s
    // again, from the time it runs, and the timer fires once.
    let after_first = Timestamp::now() + Duration::from_secs(61);
    assert_eq!(
        store.fire_due_dyn(&v2, after_first, 10).unwrap(),
        1,
        "c's, armed by start"
    );
    assert_eq!(state_in_row(&store, "d"), "working");
    let after_second = Timestamp::now() + Duration::from_secs(122);
    assert_eq!(store.fire_due_dyn(&v2, after_second, 10).unwrap(), 1, "d's");
    assert_eq!(store.fire_due_dyn(&v2, after_second, 10).unwrap(), 0);
    assert_eq!(state_in_row(&store, "d"), "closed");
    assert_eq!(assert_chain(&store, "ticket", "d"), 4);
}

/// A binary still on v1 meets rows v2 migrated: it refuses each, naming
/// both definitions, and leaves it as it is. A definition naming a data
/// migration its registry lacks does not bind.
pub(crate) fn an_old_definition_refuses_migrated_rows_and_writes_nothing(fx: Fixture) {
    let (v1, v2) = (bind(V1), bind(V2));
    let store = fx.open();
    store
        .create_dyn("t", &DynMachine::new(v1.clone(), json!({})), &meta())
        .unwrap();
    store
        .fire_dyn(&v1, "t", "start", &json!(null), &meta())
        .unwrap();
    // A refused event writes nothing, not even the migration.
    store
        .fire_dyn(&v2, "t", "start", &json!(null), &meta())
        .unwrap_err();
    assert_eq!(state_in_row(&store, "t"), "in_progress");
    // A round of v2's timers migrates it (its timer named a state gone).
    let later = Timestamp::now() + Duration::from_secs(61);
    assert_eq!(store.fire_due_dyn(&v2, later, 10).unwrap(), 0);
    let before = store.entities("ticket", None).unwrap();
    assert_eq!(
        (before[0].state.as_str(), before[0].version),
        ("working", 3)
    );

    for err in [
        store.load_dyn(&v1, "t").unwrap_err(),
        store
            .fire_dyn(&v1, "t", "close", &json!(null), &meta())
            .unwrap_err(),
    ] {
        let StoreError::Restore(RestoreError::NeedsMigration {
            expected,
            found,
            why,
            ..
        }) = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(*expected, v1.definition().fingerprint());
        assert_eq!(*found, v2.definition().fingerprint());
        assert_eq!(why, "state `working` was removed or renamed");
    }
    assert_eq!(store.entities("ticket", None).unwrap(), before);

    // A data migration the registry lacks: the definition does not bind
    // (the function's runs are `data_migrations.rs`'s).
    let v3 = V2.replace(
        r#"{"from": "on_hold", "to": "open"}"#,
        r#"{"from": "on_hold", "to": "open"}, {"from": "working", "to": "working", "with": "add_owner"}"#,
    );
    let missing = Registry::<Value>::new()
        .bind(Definition::from_json(&v3).unwrap())
        .unwrap_err();
    assert_eq!(missing.data_migrations, ["add_owner"]);
}

/// A batch migration brings every row of v1 to v2 (counted first by a dry
/// run that writes nothing), each with a `(migrated)` record, while
/// another thread fires events on the same rows: no version is lost, and
/// a second run finds nothing left to do.
pub(crate) fn a_batch_migration_runs_beside_live_traffic_and_resumes(fx: Fixture) {
    use stateforge::runtime::db::MigrateOptions;
    let (v1, v2) = (bind(V1), bind(V2));
    let store = fx.open();
    let ids: Vec<String> = (0..40).map(|i| format!("t-{i:02}")).collect();
    for (i, id) in ids.iter().enumerate() {
        store
            .create_dyn(id, &DynMachine::new(v1.clone(), json!({"i": i})), &meta())
            .unwrap();
        if i % 2 == 0 {
            store
                .fire_dyn(&v1, id, "start", &json!(null), &meta())
                .unwrap();
        }
    }
    let def = v2.definition().clone();
    let dry = store
        .migrate(&def, MigrateOptions::new().dry_run(true))
        .unwrap();
    assert_eq!((dry.migrated, dry.current, dry.refused.len()), (40, 0, 0));
    assert_eq!(state_in_row(&store, "t-00"), "in_progress");

    let live = {
        let (fx_store, v2, ids) = (fx.open(), v2.clone(), ids.clone());
        std::thread::spawn(move || {
            let mut fired = 0;
            for id in ids
                .iter()
                .filter(|id| id.ends_with('1') || id.ends_with('3'))
            {
                fx_store
                    .fire_dyn(&v2, id, "start", &json!(null), &meta())
                    .unwrap();
                fired += 1;
            }
            fired
        })
    };
    let report = store.migrate(&def, MigrateOptions::new().batch(3)).unwrap();
    let fired = live.join().unwrap();
    assert!(fired > 0);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(report.migrated + report.current, 40, "{report:?}");
    let again = store.migrate(&def, MigrateOptions::new()).unwrap();
    assert_eq!((again.migrated, again.current), (0, 40));
    let v2_fingerprint = def.fingerprint().to_string();
    for id in &ids {
        let history = store.history(&HistoryQuery::entity("ticket", id)).unwrap();
        let migrations = history
            .iter()
            .filter(|r| r.event.as_deref() == Some("(migrated)"))
            .count();
        // A row the live thread moved first carried over by that
        // transition (it was in a state v2 has): no migration is left.
        let moved_live = history
            .iter()
            .any(|r| r.version == 2 && r.event.as_deref() == Some("start") && r.to == "working");
        let expected = usize::from(!moved_live);
        assert_eq!(migrations, expected, "{id}: {history:?}");
        assert_eq!(history.len() as u64, assert_chain(&store, "ticket", id));
    }
    assert!(
        store
            .entities("ticket", None)
            .unwrap()
            .iter()
            .all(|r| r.fingerprint == v2_fingerprint && r.state != "in_progress")
    );

    // A row of a definition the store does not keep cannot be migrated.
    fx.execute(&format!(
        "UPDATE {} SET fingerprint = '00000000000000aa' WHERE entity_id = 't-05'",
        fx.table("entities")
    ));
    let report = store.migrate(&def, MigrateOptions::new()).unwrap();
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].0, "t-05");
}
