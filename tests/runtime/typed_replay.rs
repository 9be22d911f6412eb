//! Replaying a history rebuilds where the entity stands, and a history
//! that does not hold together is refused, whatever broke it.

use proptest::prelude::*;
use stateforge::runtime::db::{HistoryQuery, SqliteStore, TransitionMeta};
use stateforge::runtime::{HistoryRecord, ReplayError, Timestamp, replay};

use crate::stored_task::{AnyTask, Record, Task, TaskEvent};

fn good_chain() -> Vec<HistoryRecord> {
    let now = Timestamp::now();
    let created = HistoryRecord::created("task", "t-1", "pending", now);
    let assigned = created.next("assign", "assigned", now);
    let failed = assigned.next("fail", "failed", now);
    let pending = failed.next("retry", "pending", now);
    vec![created, assigned, failed, pending]
}

fn replay_task(records: &[HistoryRecord]) -> Result<(String, u64), ReplayError> {
    replay(AnyTask::definition(), records)
}

#[test]
fn a_good_chain_replays_to_its_last_state() {
    assert_eq!(
        replay_task(&good_chain()).unwrap(),
        ("pending".to_owned(), 4)
    );
}

#[test]
fn every_kind_of_broken_chain_is_refused() {
    type Breakage = Box<dyn Fn(&mut Vec<HistoryRecord>)>;
    let cases: Vec<(&str, Breakage)> = vec![
        ("empty", Box::new(|h| h.clear())),
        (
            "creation missing",
            Box::new(|h| {
                h.remove(0);
            }),
        ),
        (
            "gap",
            Box::new(|h| {
                h.remove(2);
            }),
        ),
        ("repeat", Box::new(|h| h[2].version = 2)),
        (
            "broken link",
            Box::new(|h| h[2].from = Some("in_progress".into())),
        ),
        ("unknown state", Box::new(|h| h[1].to = "archived".into())),
        (
            "unknown event",
            Box::new(|h| h[1].event = Some("teleport".into())),
        ),
        (
            "not a transition",
            Box::new(|h| h[1].event = Some("start".into())),
        ),
        (
            "another entity",
            Box::new(|h| h[3].entity_id = "t-2".into()),
        ),
        (
            "another machine",
            Box::new(|h| {
                for r in h.iter_mut() {
                    r.machine = "job".into()
                }
            }),
        ),
    ];
    for (name, break_it) in cases {
        let mut history = good_chain();
        break_it(&mut history);
        let err = replay_task(&history).unwrap_err();
        let matches = match name {
            "empty" => matches!(err, ReplayError::Empty),
            "creation missing" => matches!(
                err,
                ReplayError::MissingCreation { .. } | ReplayError::VersionGap { .. }
            ),
            "gap" | "repeat" => matches!(err, ReplayError::VersionGap { .. }),
            "broken link" => matches!(err, ReplayError::BrokenChain { .. }),
            "unknown state" => matches!(err, ReplayError::Unknown { what: "state", .. }),
            "unknown event" => matches!(err, ReplayError::Unknown { what: "event", .. }),
            "not a transition" => matches!(err, ReplayError::NotATransition { .. }),
            _ => matches!(err, ReplayError::MixedEntities { .. }),
        };
        assert!(matches, "{name}: got {err}");
    }
}

fn event(i: usize) -> TaskEvent {
    match i % 6 {
        0 => TaskEvent::Assign {
            agent: "ada".into(),
        },
        1 => TaskEvent::Start,
        2 => TaskEvent::Complete,
        3 => TaskEvent::Fail {
            reason: "timeout".into(),
        },
        4 => TaskEvent::Escalate {
            reason: "stuck".into(),
        },
        _ => TaskEvent::Retry,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever events are fired (accepted or refused), the history the
    /// store wrote replays to the state and version the store holds, and
    /// the JSON round trip keeps the machine.
    #[test]
    fn stored_history_replays_to_the_stored_state(events in prop::collection::vec(0usize..6, 0..30)) {
        let store = SqliteStore::open_in_memory().unwrap();
        let meta = TransitionMeta::new();
        store.create("t", &AnyTask::from(Task::new(Record::default())), &meta).unwrap();
        for i in events {
            let _ = store.fire::<AnyTask>("t", event(i), &meta);
        }
        let loaded = store.load::<AnyTask>("t").unwrap();
        let history = store.history(&HistoryQuery::entity("task", "t")).unwrap();
        let (state, version) = replay_task(&history).unwrap();
        prop_assert_eq!(state, loaded.machine.state().as_str());
        prop_assert_eq!(version, loaded.version);
        let json = serde_json::to_string(&loaded.machine).unwrap();
        prop_assert_eq!(serde_json::from_str::<AnyTask>(&json).unwrap(), loaded.machine);
    }
}
