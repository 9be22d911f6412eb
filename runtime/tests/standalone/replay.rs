//! The in-memory history log fed by dynamic and hand-written machines,
//! replayed against the definition; every kind of broken chain refused.

use serde_json::{Value, json};
use stateforge_core::Definition;
use stateforge_runtime::db::TransitionMeta;
use stateforge_runtime::{
    DynMachine, HistoryLog, HistoryRecord, Listeners, Registry, ReplayError, Timestamp, replay,
};

fn dyn_task() -> DynMachine<u32> {
    let bound = Registry::<u32>::new()
        .guard("can_retry", |n, _| *n < 3)
        .bind(Definition::example())
        .unwrap();
    DynMachine::new(bound, 0)
}

/// A history written by firing a dynamic task machine through a log.
fn recorded() -> Vec<HistoryRecord> {
    let log = HistoryLog::new();
    let listeners = Listeners::new();
    let mut task = dyn_task();
    log.created("task", "t-1", task.state_name());
    let meta = TransitionMeta::new()
        .reason("agent crashed")
        .actor("watchdog")
        .session("s-1");
    for e in ["assign", "start", "fail", "retry", "assign"] {
        log.fire_dyn(&listeners, &mut task, e, &Value::Null, "t-1", &meta)
            .unwrap();
    }
    // Refused events leave no record.
    assert!(
        log.fire_dyn(
            &listeners,
            &mut task,
            "complete",
            &Value::Null,
            "t-1",
            &meta
        )
        .is_err()
    );
    log.records()
}

#[test]
fn a_recorded_history_carries_the_callers_details_and_replays() {
    let records = recorded();
    assert_eq!(records.len(), 6);
    let versions: Vec<u64> = records.iter().map(|r| r.version).collect();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6]);
    let fail = &records[3];
    assert_eq!(
        (
            fail.from.as_deref(),
            fail.event.as_deref(),
            fail.to.as_str()
        ),
        (Some("in_progress"), Some("fail"), "failed")
    );
    assert_eq!(fail.reason.as_deref(), Some("agent crashed"));
    assert_eq!(fail.actor.as_deref(), Some("watchdog"));
    assert_eq!(fail.session.as_deref(), Some("s-1"));
    assert_eq!(
        replay(&Definition::example(), &records).unwrap(),
        ("assigned".to_owned(), 6)
    );
}

#[test]
fn metadata_supplied_by_the_caller_is_kept() {
    let log = HistoryLog::new();
    let mut task = dyn_task();
    let meta = TransitionMeta {
        metadata: json!({"ticket": 42}),
        ..TransitionMeta::new()
    };
    log.fire_dyn(
        &Listeners::new(),
        &mut task,
        "assign",
        &Value::Null,
        "t-2",
        &meta,
    )
    .unwrap();
    assert_eq!(log.records()[0].metadata, json!({"ticket": 42}));
}

#[test]
fn an_attached_log_records_what_listeners_see() {
    let log = HistoryLog::new();
    let mut listeners = Listeners::<DynMachine<u32>>::new();
    log.attach(&mut listeners);
    let mut task = dyn_task();
    log.created("task", "t-3", "pending");
    listeners
        .fire_dyn(&mut task, "assign", &Value::Null, Some("t-3"))
        .unwrap();
    listeners
        .fire_dyn(&mut task, "escalate", &Value::Null, Some("t-3"))
        .unwrap();
    let records = log.records();
    assert_eq!(
        replay(task.definition(), &records).unwrap(),
        ("escalated".to_owned(), 3)
    );
}

fn broken(edit: impl FnOnce(&mut Vec<HistoryRecord>)) -> ReplayError {
    let mut records = recorded();
    edit(&mut records);
    replay(&Definition::example(), &records).unwrap_err()
}

#[test]
fn every_kind_of_broken_chain_is_refused() {
    assert_eq!(
        replay(&Definition::example(), &[]).unwrap_err(),
        ReplayError::Empty
    );

    let e = broken(|r| {
        r.remove(0);
    });
    assert!(
        matches!(
            e,
            ReplayError::VersionGap {
                expected: 1,
                found: 2
            }
        ),
        "{e:?}"
    );

    let e = broken(|r| {
        r.remove(0);
        for x in r.iter_mut() {
            x.version -= 1;
        }
    });
    assert!(
        matches!(e, ReplayError::MissingCreation { ref from, .. } if from == "pending"),
        "{e:?}"
    );

    let e = broken(|r| {
        r.remove(2);
    });
    assert!(
        matches!(
            e,
            ReplayError::VersionGap {
                expected: 3,
                found: 4
            }
        ),
        "{e:?}"
    );

    let e = broken(|r| {
        let again = r[2].clone();
        r.insert(3, again);
    });
    assert!(
        matches!(
            e,
            ReplayError::VersionGap {
                expected: 4,
                found: 3
            }
        ),
        "{e:?}"
    );

    let e = broken(|r| r[3].from = Some("assigned".into()));
    assert!(
        matches!(e, ReplayError::BrokenChain { version: 4, ref from, ref expected } if from == "assigned" && expected == "in_progress"),
        "{e:?}"
    );

    let e = broken(|r| r[2].to = "archived".into());
    assert!(
        matches!(e, ReplayError::Unknown { what: "state", ref name, .. } if name == "archived"),
        "{e:?}"
    );

    let e = broken(|r| r[2].event = Some("teleport".into()));
    assert!(
        matches!(e, ReplayError::Unknown { what: "event", ref name, .. } if name == "teleport"),
        "{e:?}"
    );

    // start does lead out of `assigned`, but not to `completed`.
    let e = broken(|r| {
        r[2].to = "completed".into();
        r[3].from = Some("completed".into());
    });
    assert!(
        matches!(e, ReplayError::NotATransition { version: 3, .. }),
        "{e:?}"
    );

    let e = broken(|r| r[4].entity_id = "t-2".into());
    assert!(
        matches!(e, ReplayError::MixedEntities { version: 5, ref entity_id, .. } if entity_id == "t-2"),
        "{e:?}"
    );

    let e = broken(|r| {
        for x in r.iter_mut() {
            x.machine = "order".into();
        }
    });
    assert!(matches!(e, ReplayError::MixedEntities { .. }), "{e:?}");
}

#[test]
fn a_chain_built_by_hand_replays() {
    let created = HistoryRecord::created("task", "t-1", "pending", Timestamp::now());
    let assigned = created.next("assign", "assigned", Timestamp::now());
    let failed = assigned.next("fail", "failed", Timestamp::now());
    assert_eq!(
        replay(&Definition::example(), &[created, assigned, failed]).unwrap(),
        ("failed".to_owned(), 3)
    );
}
