//! Declared migrations that make a row's new data with a function
//! (`with`): a generated machine's, called by the code the macro
//! generates; a dynamic machine's, registered by name. Run lazily on a
//! load (in memory) and on a transition (a `(migrated)` record first), and
//! in batches; a row whose function is not at hand, or refuses its data,
//! is refused and left as it was.

use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::{HistoryQuery, MigrateOptions, StoreError, blocking::Store};
use stateforge::runtime::{DynMachine, Registry, RestoreError};

use super::fixture::{Fixture, assert_chain, meta};

mod v1 {
    stateforge::state_machine! {
        #[derive(Debug, Clone, PartialEq)]
        pub machine Job {
            initial state Queued;
            state InProgress { worker: String }
            state Escalated { reason: String }
            final state Failed { reason: String }
            final state Done;
            event start(worker: String): Queued -> InProgress;
            event escalate(reason: String): InProgress -> Escalated;
            event fail(reason: String): InProgress | Escalated -> Failed;
            event finish: InProgress -> Done;
        }
    }
}

/// v1 with `InProgress` renamed, `Escalated` removed (its rows failed,
/// with a code) and a code added to `Failed`'s data.
mod v2 {
    stateforge::state_machine! {
        #[derive(Debug, Clone, PartialEq)]
        pub machine Job {
            initial state Queued;
            state Running (was InProgress) { worker: String }
            final state Failed (with failure_with_code) { reason: String, code: u16 }
            final state Done;
            removed state Escalated -> Failed with escalation_as_failure;
            event start(worker: String): Queued -> Running;
            event fail(reason: String, code: u16): Running -> Failed;
            event finish: Running -> Done;
        }
    }

    #[derive(serde::Deserialize)]
    pub(crate) struct FailedV1 {
        reason: String,
    }

    pub(crate) fn failure_with_code(old: FailedV1) -> Failed {
        Failed {
            reason: old.reason,
            code: 500,
        }
    }

    #[derive(serde::Deserialize)]
    pub(crate) struct EscalatedV1 {
        reason: String,
    }

    pub(crate) fn escalation_as_failure(old: EscalatedV1) -> Failed {
        Failed {
            reason: format!("escalated: {}", old.reason),
            code: 503,
        }
    }
}

fn row_of(store: &Store, machine: &str, id: &str) -> stateforge::runtime::db::EntityRow {
    let rows = store.entities(machine, None).unwrap();
    rows.into_iter().find(|r| r.entity_id == id).unwrap()
}

fn create_v1(store: &Store, id: &str, end: &str) {
    let running = v1::Job::new().start(format!("w-{id}"));
    let job = match end {
        "in_progress" => v1::AnyJob::from(running),
        "escalated" => v1::AnyJob::from(running.escalate(format!("slow {id}"))),
        "failed" => v1::AnyJob::from(running.fail(format!("disk {id}"))),
        other => panic!("{other}"),
    };
    store.create(id, &job, &meta()).unwrap();
}

/// A typed machine's rows of v1: a load reads them through the declared
/// functions, writing nothing; `migrate` without the machine cannot run
/// them and refuses those rows, writing nothing; `migrate_machine` runs
/// them, a `(migrated)` record each; a renamed row fires under v2.
pub(crate) fn a_typed_machines_data_migrations_run_lazily_and_in_batches(fx: Fixture) {
    let store = fx.open();
    for (id, end) in [
        ("f1", "failed"),
        ("f2", "failed"),
        ("e1", "escalated"),
        ("r1", "in_progress"),
    ] {
        create_v1(&store, id, end);
    }
    let v1_fingerprint = v1::AnyJob::definition().fingerprint().to_string();

    let failed = store.load::<v2::AnyJob>("f1").unwrap();
    let v2::AnyJob::Failed(job) = failed.machine else {
        panic!("{:?}", failed.machine)
    };
    assert_eq!(
        (job.state().reason.as_str(), job.state().code),
        ("disk f1", 500)
    );
    let escalated = store.load::<v2::AnyJob>("e1").unwrap();
    let v2::AnyJob::Failed(job) = escalated.machine else {
        panic!("{:?}", escalated.machine)
    };
    assert_eq!(
        (job.state().reason.as_str(), job.state().code),
        ("escalated: slow e1", 503)
    );
    let row = row_of(&store, "job", "e1");
    assert_eq!(
        (row.state.as_str(), row.fingerprint.as_str(), row.version),
        ("escalated", v1_fingerprint.as_str(), 1),
        "a load writes nothing"
    );

    // The definition alone has no functions: those rows are refused.
    let report = store
        .migrate(v2::AnyJob::definition(), MigrateOptions::new())
        .unwrap();
    assert_eq!(report.migrated, 1, "{report:?}");
    let mut refused: Vec<&str> = report.refused.iter().map(|(id, _)| id.as_str()).collect();
    refused.sort_unstable();
    assert_eq!(refused, ["e1", "f1", "f2"]);
    assert!(
        report.refused.iter().any(|(id, why)| id == "e1"
            && why
                .contains("made by `escalation_as_failure`, which this program does not provide")),
        "{report:?}"
    );
    assert_eq!(row_of(&store, "job", "f2").fingerprint, v1_fingerprint);

    // The renamed row was migrated by that run; it fires under v2.
    let done = store
        .fire::<v2::AnyJob>("r1", v2::JobEvent::Finish, &meta())
        .unwrap();
    assert_eq!(done.machine.state(), v2::JobState::Done);

    let report = store
        .migrate_machine::<v2::AnyJob>(MigrateOptions::new().batch(2))
        .unwrap();
    assert_eq!((report.migrated, report.current), (3, 1), "{report:?}");
    assert!(report.refused.is_empty(), "{report:?}");
    for (id, code) in [("f1", 500), ("f2", 500), ("e1", 503)] {
        let row = row_of(&store, "job", id);
        assert_eq!(row.state, "failed");
        assert_eq!(row.data["data"]["code"], code, "{id}");
        assert_eq!(row.version, 2, "{id}");
        assert_eq!(assert_chain(&store, "job", id), 2);
        let history = store
            .history(&HistoryQuery::entity("job", id).limit(10))
            .unwrap();
        let migrated = history.last().unwrap();
        assert_eq!(migrated.event.as_deref(), Some("(migrated)"));
        assert_eq!(migrated.to, "failed");
        assert_eq!(migrated.metadata["from_definition"], json!(v1_fingerprint));
    }
    // Migrated once: the rows are v2's now, and load as they are.
    let again = store
        .migrate_machine::<v2::AnyJob>(MigrateOptions::new())
        .unwrap();
    assert_eq!((again.migrated, again.current), (0, 4));
    let f1 = store.load::<v2::AnyJob>("f1").unwrap();
    assert_eq!(f1.version, 2);
}

const PRICED_V1: &str = r#"{"name": "quote",
    "states": [{"name": "draft", "initial": true}, {"name": "sent", "final": true}],
    "events": [{"name": "send", "arms": [{"from": ["draft"], "to": "sent"}]}]}"#;

/// v1 with prices in cents: the draft rows' data is made by a function.
const PRICED_V2: &str = r#"{"format": 2, "name": "quote",
    "states": [{"name": "draft", "initial": true}, {"name": "sent", "final": true}],
    "events": [{"name": "send", "arms": [{"from": ["draft"], "to": "sent"}]}],
    "migrations": [{"from": "draft", "to": "draft", "with": "price_in_cents"}]}"#;

fn cents(mut data: Value) -> Result<Value, String> {
    let euros = data["price"]
        .as_f64()
        .ok_or_else(|| format!("price {} is not a number", data["price"]))?;
    data["price"] = json!((euros * 100.0).round() as i64);
    Ok(data)
}

/// A dynamic machine's data migration, registered by name: a registry
/// without it cannot bind the definition; with it, a load reads the new
/// data, a transition writes the migration first, `migrate_dyn` does the
/// rest; a row the function refuses is refused, named, and left alone.
pub(crate) fn a_dynamic_machines_data_migrations_run_through_its_registry(fx: Fixture) {
    let store = fx.open();
    let v1 = Registry::<Value>::new()
        .bind(Definition::from_json(PRICED_V1).unwrap())
        .unwrap();
    for (id, price) in [("q1", json!(12.5)), ("q2", json!(3)), ("q3", json!("ten"))] {
        let quote = DynMachine::new(v1.clone(), json!({"price": price}));
        store.create_dyn(id, &quote, &meta()).unwrap();
    }
    let missing = Registry::<Value>::new()
        .bind(Definition::from_json(PRICED_V2).unwrap())
        .unwrap_err();
    assert_eq!(missing.data_migrations, ["price_in_cents"]);
    let v2 = Registry::<Value>::new()
        .data_migration("price_in_cents", cents)
        .bind(Definition::from_json(PRICED_V2).unwrap())
        .unwrap();

    let q1 = store.load_dyn(&v2, "q1").unwrap();
    assert_eq!(q1.machine.context()["price"], 1250);
    assert_eq!(row_of(&store, "quote", "q1").data["price"], 12.5);
    let sent = store
        .fire_dyn(&v2, "q1", "send", &json!(null), &meta())
        .unwrap();
    assert_eq!((sent.machine.state_name(), sent.version), ("sent", 3));
    let row = row_of(&store, "quote", "q1");
    assert_eq!(row.data["price"], 1250);
    let history = store
        .history(&HistoryQuery::entity("quote", "q1").limit(10))
        .unwrap();
    let events: Vec<_> = history.iter().map(|r| r.event.as_deref()).collect();
    assert_eq!(events, [None, Some("(migrated)"), Some("send")]);

    let refused = store.load_dyn(&v2, "q3").unwrap_err();
    assert!(
        matches!(
            &refused,
            StoreError::Restore(RestoreError::MigrationFailed { state, with, .. })
                if state == "draft" && with == "price_in_cents"
        ),
        "{refused}"
    );
    assert_eq!(
        refused.to_string(),
        "row of machine `quote` in state `draft` could not be migrated by `price_in_cents`: \
         price \"ten\" is not a number"
    );
    let err = store
        .fire_dyn(&v2, "q3", "send", &json!(null), &meta())
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Restore(RestoreError::MigrationFailed { .. })
        ),
        "{err}"
    );
    assert_eq!(row_of(&store, "quote", "q3").version, 1, "nothing written");

    let report = store.migrate_dyn(&v2, MigrateOptions::new()).unwrap();
    assert_eq!((report.migrated, report.current), (1, 1), "{report:?}");
    assert_eq!(report.refused.len(), 1);
    assert_eq!(report.refused[0].0, "q3");
    assert_eq!(row_of(&store, "quote", "q2").data["price"], 300);
    assert_eq!(row_of(&store, "quote", "q3").data["price"], "ten");

    // An old binary, still on v1, meets the rows v2 migrated: their data
    // is v2's, which v1 may not read; refused, never written over.
    let err = store.load_dyn(&v1, "q2").unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Restore(RestoreError::NeedsMigration { .. })
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .ends_with("the data of state `draft` was made by `price_in_cents`, which this definition does not declare"),
        "{err}"
    );
    assert!(
        store
            .fire_dyn(&v1, "q2", "send", &json!(null), &meta())
            .is_err()
    );
    let q2 = row_of(&store, "quote", "q2");
    assert_eq!((q2.version, q2.state.as_str()), (2, "draft"));
}
