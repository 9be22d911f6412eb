//! Generated machines to rows and back: every state round-trips, and each
//! kind of bad row is its own typed error, never a panic or a wrong state.

use stateforge::Fingerprint;
use stateforge::runtime::{RestoreError, Stored, from_stored, to_stored};

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Task {
        context: Record;
        initial state Pending;
        state Assigned { agent: String }
        state InProgress { agent: String }
        final state Completed;
        state Failed { reason: String }
        final state Escalated { reason: String }

        event assign(agent: String): Pending -> Assigned;
        event start: Assigned -> InProgress;
        event complete: InProgress -> Completed;
        event fail(reason: String): Assigned | InProgress -> Failed;
        event escalate(reason: String): Assigned | InProgress -> Escalated;
        event retry: Failed -> Pending;
    }
}

/// The task's record.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Record {
    title: String,
    retries: u32,
}

fn every_state() -> Vec<AnyTask> {
    let record = Record {
        title: "ship".into(),
        retries: 3,
    };
    let assigned = || Task::new(record.clone()).assign("ada".into());
    vec![
        Task::new(record.clone()).into(),
        assigned().into(),
        assigned().start().into(),
        assigned().start().complete().into(),
        assigned().fail("disk full".into()).into(),
        assigned().escalate("needs a human".into()).into(),
    ]
}

#[test]
fn every_state_round_trips_through_a_row() {
    let machines = every_state();
    assert_eq!(machines.len(), TaskState::ALL.len());
    for machine in machines {
        let row = to_stored(&machine).unwrap();
        assert_eq!(row.machine, "task");
        assert_eq!(row.state, machine.state().as_str());
        assert!(
            row.data.get("state").is_none(),
            "the state lives in its own column"
        );
        let back: AnyTask = from_stored(row).unwrap();
        assert_eq!(back, machine);
    }
}

fn row_of(machine: &AnyTask) -> Stored {
    to_stored(machine).unwrap()
}

#[test]
fn an_unknown_state_is_named() {
    let mut row = row_of(&every_state()[0]);
    row.state = "archived".into();
    let err = from_stored::<AnyTask>(row).unwrap_err();
    assert!(matches!(&err, RestoreError::UnknownState { state, .. } if state == "archived"));
    assert_eq!(err.to_string(), "machine `task` has no state `archived`");
}

#[test]
fn data_that_does_not_fit_the_state_is_refused() {
    // An `assigned` row relabelled `failed`: `agent` where `reason` belongs.
    let mut row = row_of(&every_state()[1]);
    row.state = "failed".into();
    let err = from_stored::<AnyTask>(row).unwrap_err();
    assert!(
        matches!(&err, RestoreError::BadData { state, .. } if state == "failed"),
        "{err}"
    );
    assert!(err.to_string().contains("reason"), "{err}");

    // A context of the wrong shape.
    let mut row = row_of(&every_state()[0]);
    row.data["context"] = serde_json::json!({"title": 7});
    assert!(matches!(
        from_stored::<AnyTask>(row),
        Err(RestoreError::BadData { .. })
    ));

    // Not an object at all.
    let mut row = row_of(&every_state()[0]);
    row.data = serde_json::json!([1, 2]);
    assert!(matches!(
        from_stored::<AnyTask>(row),
        Err(RestoreError::BadData { .. })
    ));
}

#[test]
fn a_row_of_another_definition_is_refused() {
    let mut row = row_of(&every_state()[2]);
    row.fingerprint = Fingerprint(row.fingerprint.0 ^ 1);
    let err = from_stored::<AnyTask>(row).unwrap_err();
    assert!(
        matches!(err, RestoreError::FingerprintMismatch { .. }),
        "{err}"
    );
}

#[test]
fn a_row_of_another_machine_is_refused() {
    let mut row = row_of(&every_state()[0]);
    row.machine = "workflow".into();
    let err = from_stored::<AnyTask>(row).unwrap_err();
    assert_eq!(
        err.to_string(),
        "row belongs to machine `workflow`, not `task`"
    );
}

#[test]
fn the_typed_machine_keeps_its_state_tag() {
    // statum's lesson: a row written in one state must never load as another.
    let assigned = Task::new(Record::default()).assign("ada".into());
    let json = serde_json::to_string(&assigned).unwrap();
    assert!(serde_json::from_str::<Task<Assigned>>(&json).is_ok());
    let err = serde_json::from_str::<Task<InProgress>>(&json).unwrap_err();
    assert!(
        err.to_string()
            .contains("task is in state `assigned`, not `in_progress`"),
        "{err}"
    );
}
