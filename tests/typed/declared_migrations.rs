//! Migrations declared in `state_machine!` (`was`, `removed state`,
//! `with`) are the definition's `MigrationSpec`s, under the stored names,
//! and, with serde, the functions a `with` names make a row's new data.

// Only the serde impls call the functions a `with` names.
#![cfg_attr(not(feature = "serde"), allow(dead_code))]

mod v1 {
    stateforge::state_machine! {
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

mod v2 {
    stateforge::state_machine! {
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

    /// Failed's data as v1 wrote it.
    #[derive(serde::Deserialize)]
    pub(super) struct FailedV1 {
        reason: String,
    }

    pub(super) fn failure_with_code(old: FailedV1) -> Failed {
        Failed {
            reason: old.reason,
            code: 500,
        }
    }

    /// Escalated's data as v1 wrote it.
    #[derive(serde::Deserialize)]
    pub(super) struct EscalatedV1 {
        reason: String,
    }

    pub(super) fn escalation_as_failure(old: EscalatedV1) -> Failed {
        Failed {
            reason: format!("escalated: {}", old.reason),
            code: 503,
        }
    }
}

use stateforge::{Change, MigrationSpec, compare};

#[test]
fn the_declarations_are_the_definitions_migrations_under_stored_names() {
    let def = v2::AnyJob::definition();
    assert_eq!(
        def.spec().migrations,
        [
            MigrationSpec::renamed("in_progress", "running"),
            MigrationSpec::data_changed("failed", "failure_with_code"),
            MigrationSpec::removed("escalated", "failed").with("escalation_as_failure"),
        ]
    );
    let plan = compare(v1::AnyJob::definition(), def);
    assert!(plan.is_compatible(), "{plan}");
    assert_eq!(plan.destination("in_progress"), Some(("running", None)));
    assert_eq!(
        plan.destination("escalated"),
        Some(("failed", Some("escalation_as_failure")))
    );
    assert!(plan.changes().contains(&Change::DataMigrated {
        state: "failed".into(),
        with: "failure_with_code".into(),
    }));
}

#[test]
fn a_machine_without_declarations_has_none() {
    assert!(v1::AnyJob::definition().spec().migrations.is_empty());
}

#[cfg(feature = "serde")]
#[test]
fn the_named_functions_make_the_new_data_from_the_old() {
    use serde_json::json;
    use stateforge::Machine;
    let stored = json!({"context": null, "data": {"reason": "disk"}});
    let failed = v2::AnyJob::migrate_data("failed", stored.clone())
        .unwrap()
        .unwrap();
    assert_eq!(
        failed,
        json!({"context": null, "data": {"reason": "disk", "code": 500}})
    );
    let escalated = v2::AnyJob::migrate_data("escalated", stored)
        .unwrap()
        .unwrap();
    assert_eq!(escalated["data"]["reason"], "escalated: disk");
    // A state whose rows keep their data has no function.
    assert!(v2::AnyJob::migrate_data("in_progress", json!({})).is_none());
    // Old data that does not read as the function's argument is an error.
    let bad = json!({"context": null, "data": {"cause": "disk"}});
    assert!(v2::AnyJob::migrate_data("failed", bad).unwrap().is_err());
    // The new data reads as the state's.
    let mut row = failed;
    row["state"] = json!("failed");
    let job: v2::AnyJob = serde_json::from_value(row).unwrap();
    assert_eq!(job.state(), v2::JobState::Failed);
}
