//! Generated machines to rows and back: every state round-trips, and each
//! kind of bad row is its own typed error, never a panic or a wrong state.

use stateforge::Fingerprint;
use stateforge::runtime::{RestoreError, Stored, from_stored, to_stored};

use crate::stored_task::{AnyTask, Assigned, InProgress, Record, Task, TaskState};

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
fn a_row_of_another_definition_is_said_so_before_its_state_is_looked_up() {
    // A later definition renamed `failed` to `errored`: the row names a
    // state this definition lacks, and the cause is the other definition.
    let mut row = row_of(&every_state()[0]);
    row.state = "errored".into();
    row.fingerprint = "0000000000000001".parse().unwrap();
    let err = from_stored::<AnyTask>(row).unwrap_err();
    assert!(
        matches!(&err, RestoreError::FingerprintMismatch { found, .. }
            if found.to_string() == "0000000000000001"),
        "{err:?}"
    );
    assert!(err.to_string().contains("migrate the row"), "{err}");
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

mod random_rows {
    use super::*;
    use proptest::prelude::*;

    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "[a-z]{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                prop::collection::btree_map(
                    prop::sample::select(vec![
                        "context", "data", "state", "title", "retries", "agent", "reason"
                    ])
                    .prop_map(str::to_owned),
                    inner,
                    0..4
                )
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Random rows never panic, and a row that loads is in the state it names.
        #[test]
        fn random_rows_never_panic_and_never_change_state(
            state in prop::sample::select(vec!["pending", "assigned", "in_progress", "completed", "failed", "escalated", "archived", ""]),
            right_fingerprint in any::<bool>(),
            data in json(),
        ) {
            let fingerprint = if right_fingerprint {
                AnyTask::definition().fingerprint()
            } else {
                Fingerprint(7)
            };
            let row = Stored { machine: "task".into(), state: state.into(), data, fingerprint };
            if let Ok(machine) = from_stored::<AnyTask>(row) {
                prop_assert_eq!(machine.state().as_str(), state);
            }
        }

        /// Mutated valid rows: either they load in the named state, or a typed error says why.
        #[test]
        fn mutated_rows_load_in_their_state_or_not_at_all(
            which in 0usize..6,
            state in prop::sample::select(TaskState::ALL.to_vec()),
            context in json(),
        ) {
            let mut row = to_stored(&every_state()[which]).unwrap();
            row.state = state.as_str().into();
            row.data["context"] = context;
            match from_stored::<AnyTask>(row) {
                Ok(machine) => prop_assert_eq!(machine.state(), state),
                Err(RestoreError::BadData { .. }) => {}
                Err(other) => prop_assert!(false, "unexpected error {other}"),
            }
        }
    }
}
