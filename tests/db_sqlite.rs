//! The SQLite store against real database files: atomicity, optimistic
//! locking, sessions, timers across restarts and workers, migrations, bad
//! rows, injection, and concurrent writers.

use std::sync::Arc;
use std::time::Duration;

use stateforge::runtime::Timestamp;
use stateforge::runtime::db::{
    HistoryQuery, SqliteStore, StoreError, Synchronous, TablePrefix, TransitionMeta,
};

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

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Breaker {
        context: u32;
        initial state Closed;
        state Open;
        state HalfOpen;
        event trip: Closed | HalfOpen -> Open;
        event reset: Open -> HalfOpen after 30s;
        event recover: HalfOpen -> Closed;
    }
}

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Light {
        initial state Off;
        state On;
        event toggle: Off -> On, On -> Off;
    }
}

/// The task's record.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Record {
    title: String,
}

fn meta() -> TransitionMeta {
    TransitionMeta::new()
}

fn new_task() -> AnyTask {
    Task::new(Record {
        title: "ship".into(),
    })
    .into()
}

fn file_store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("store.db")).unwrap();
    (dir, store)
}

/// Every history chain is unbroken: versions 1..=n, each `from` the
/// previous `to`, and the last `to` the entity's state.
fn assert_chain(store: &SqliteStore, machine: &str, entity_id: &str) -> u64 {
    let history = store
        .history(&HistoryQuery::entity(machine, entity_id).limit(1_000_000))
        .unwrap();
    assert!(history[0].from.is_none());
    for (i, r) in history.iter().enumerate() {
        assert_eq!(r.version, i as u64 + 1, "versions are contiguous");
        if i > 0 {
            assert_eq!(
                r.from.as_deref(),
                Some(history[i - 1].to.as_str()),
                "chain at {i}"
            );
        }
    }
    let row = store
        .entities(machine, None)
        .unwrap()
        .into_iter()
        .find(|e| e.entity_id == entity_id)
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(row.state, last.to);
    assert_eq!(row.version, last.version);
    row.version
}

#[test]
fn transitions_write_state_and_history_together() {
    let (_dir, store) = file_store();
    store
        .create("t-1", &new_task(), &meta().session("s-1").actor("api"))
        .unwrap();
    let m = meta().session("s-1").actor("ada").reason("picked up");
    store
        .fire::<AnyTask>(
            "t-1",
            TaskEvent::Assign {
                agent: "ada".into(),
            },
            &m,
        )
        .unwrap();
    let done = store.fire::<AnyTask>("t-1", TaskEvent::Start, &m).unwrap();
    assert_eq!(done.version, 3);
    let history = store.history(&HistoryQuery::entity("task", "t-1")).unwrap();
    let moves: Vec<_> = history
        .iter()
        .map(|r| (r.from.as_deref(), r.to.as_str(), r.event.as_deref()))
        .collect();
    assert_eq!(
        moves,
        [
            (None, "pending", None),
            (Some("pending"), "assigned", Some("assign")),
            (Some("assigned"), "in_progress", Some("start")),
        ]
    );
    assert_eq!(history[1].actor.as_deref(), Some("ada"));
    assert_eq!(history[1].reason.as_deref(), Some("picked up"));
    assert_eq!(history[1].session.as_deref(), Some("s-1"));
    assert_chain(&store, "task", "t-1");
}

#[test]
fn a_refused_event_writes_nothing() {
    let (_dir, store) = file_store();
    store.create("t-1", &new_task(), &meta()).unwrap();
    let err = store
        .fire::<AnyTask>("t-1", TaskEvent::Complete, &meta())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "event `complete` is not allowed in state `pending`"
    );
    assert_eq!(store.load::<AnyTask>("t-1").unwrap().version, 1);
    assert_eq!(
        store
            .history(&HistoryQuery::entity("task", "t-1"))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_unit_commits_all_or_nothing() {
    let (_dir, store) = file_store();
    for id in ["a", "b", "c"] {
        store.create(id, &new_task(), &meta()).unwrap();
    }
    // The third move is refused: the first two must not stay.
    let err = store
        .unit(|u| {
            u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta())?;
            u.fire::<AnyTask>("b", TaskEvent::Assign { agent: "x".into() }, &meta())?;
            u.fire::<AnyTask>("c", TaskEvent::Start, &meta())?;
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)));
    for id in ["a", "b", "c"] {
        assert_eq!(
            store.load::<AnyTask>(id).unwrap().machine.state(),
            TaskState::Pending
        );
        assert_eq!(
            store
                .history(&HistoryQuery::entity("task", id))
                .unwrap()
                .len(),
            1
        );
    }
    // A panic inside the unit rolls back too, and the store stays usable.
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = store.unit(|u| {
            u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta())?;
            panic!("an action blew up");
            #[allow(unreachable_code)]
            Ok(())
        });
    }));
    assert!(panicked.is_err());
    assert_eq!(store.load::<AnyTask>("a").unwrap().version, 1);
    store
        .unit(|u| u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta()))
        .unwrap();
    assert_eq!(store.load::<AnyTask>("a").unwrap().version, 2);
}

#[test]
fn typed_code_saves_with_optimistic_locking() {
    let (_dir, store) = file_store();
    store.create("t-1", &new_task(), &meta()).unwrap();
    let loaded = store.load::<AnyTask>("t-1").unwrap();
    let AnyTask::Pending(task) = loaded.machine else {
        panic!("pending")
    };
    let assigned = AnyTask::from(task.assign("ada".into()));

    // Someone else moves it first.
    store
        .fire::<AnyTask>(
            "t-1",
            TaskEvent::Assign {
                agent: "bob".into(),
            },
            &meta(),
        )
        .unwrap();
    let err = store
        .save("t-1", loaded.version, "assign", &assigned, &meta())
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                current: 2,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        store.load::<AnyTask>("t-1").unwrap().machine.state(),
        TaskState::Assigned
    );

    // A save that claims the wrong event is refused.
    let loaded = store.load::<AnyTask>("t-1").unwrap();
    let AnyTask::Assigned(task) = loaded.machine else {
        panic!("assigned")
    };
    let started = AnyTask::from(task.start());
    let err = store
        .save("t-1", loaded.version, "complete", &started, &meta())
        .unwrap_err();
    assert!(matches!(err, StoreError::NotATransition { .. }), "{err}");
    assert_eq!(
        store
            .save("t-1", loaded.version, "start", &started, &meta())
            .unwrap(),
        3
    );
    assert_chain(&store, "task", "t-1");
}

#[test]
fn sessions_are_isolated_unless_crossed_explicitly() {
    let (_dir, store) = file_store();
    store
        .create("t-1", &new_task(), &meta().session("alice"))
        .unwrap();
    let assign = || TaskEvent::Assign { agent: "x".into() };
    for other in [meta(), meta().session("bob")] {
        let err = store.fire::<AnyTask>("t-1", assign(), &other).unwrap_err();
        assert!(matches!(err, StoreError::OtherSession { .. }), "{err}");
    }
    // Not through a unit either.
    let err = store
        .unit(|u| u.fire::<AnyTask>("t-1", assign(), &meta().session("bob")))
        .unwrap_err();
    assert!(matches!(err, StoreError::OtherSession { .. }));
    // Nor through a typed save.
    let loaded = store.load::<AnyTask>("t-1").unwrap();
    let AnyTask::Pending(task) = loaded.machine else {
        panic!()
    };
    let next = AnyTask::from(task.assign("x".into()));
    let err = store
        .save("t-1", 1, "assign", &next, &meta().session("bob"))
        .unwrap_err();
    assert!(matches!(err, StoreError::OtherSession { .. }));
    // The owner may, and so may an explicit override.
    store
        .fire::<AnyTask>("t-1", assign(), &meta().session("alice"))
        .unwrap();
    store
        .fire::<AnyTask>(
            "t-1",
            TaskEvent::Start,
            &meta().session("ops").cross_session(),
        )
        .unwrap();
    let by_session = store.history(&HistoryQuery::session("alice")).unwrap();
    assert_eq!(by_session.len(), 3, "history keeps the entity's session");
}

#[test]
fn timers_fire_once_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breakers.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        for i in 0..20 {
            store
                .create(
                    &format!("b-{i}"),
                    &AnyBreaker::from(Breaker::new(0)),
                    &meta(),
                )
                .unwrap();
            store
                .fire::<AnyBreaker>(&format!("b-{i}"), BreakerEvent::Trip, &meta())
                .unwrap();
        }
        // One breaker recovers by hand before its timer: its timer goes.
        store
            .fire::<AnyBreaker>("b-0", BreakerEvent::Trip, &meta())
            .unwrap_err();
        assert_eq!(
            store.fire_due::<AnyBreaker>(Timestamp::now(), 100).unwrap(),
            0
        );
        assert!(store.next_due("breaker").unwrap().is_some());
    } // closed: the process "restarts"

    let later = Timestamp::now() + Duration::from_secs(31);
    // Four workers, each with its own connection, race for the 20 timers.
    let fired: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                s.spawn(move || {
                    let store = SqliteStore::open(path).unwrap();
                    let mut fired = 0;
                    loop {
                        let n = store.fire_due::<AnyBreaker>(later, 3).unwrap();
                        if n == 0 {
                            break fired;
                        }
                        fired += n;
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(fired, 20, "each timer fired exactly once");
    let store = SqliteStore::open(&path).unwrap();
    for i in 0..20 {
        let id = format!("b-{i}");
        assert_eq!(
            store.load::<AnyBreaker>(&id).unwrap().machine.state(),
            BreakerState::HalfOpen
        );
        let history = store
            .history(&HistoryQuery::entity("breaker", &id))
            .unwrap();
        assert_eq!(history.last().unwrap().actor.as_deref(), Some("timer"));
        assert_chain(&store, "breaker", &id);
    }
    assert!(store.next_due("breaker").unwrap().is_none());
}

#[test]
fn leaving_a_state_cancels_its_timer() {
    let (_dir, store) = file_store();
    store
        .create("b", &AnyBreaker::from(Breaker::new(0)), &meta())
        .unwrap();
    store
        .fire::<AnyBreaker>("b", BreakerEvent::Trip, &meta())
        .unwrap();
    assert!(store.next_due("breaker").unwrap().is_some());
    store
        .fire::<AnyBreaker>("b", BreakerEvent::Reset, &meta())
        .unwrap();
    assert!(store.next_due("breaker").unwrap().is_none());
    let later = Timestamp::now() + Duration::from_secs(60);
    assert_eq!(store.fire_due::<AnyBreaker>(later, 10).unwrap(), 0);
}

#[test]
fn migrating_twice_is_harmless_and_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = SqliteStore::open(&path).unwrap();
    store.create("t", &new_task(), &meta()).unwrap();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.load::<AnyTask>("t").unwrap().version, 1);
    drop(store);

    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE sf_meta SET value = 99 WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
}

#[test]
fn bad_rows_are_typed_errors_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = SqliteStore::open(&path).unwrap();
    for id in [
        "unknown-state",
        "broken-json",
        "wrong-data",
        "old-definition",
    ] {
        store.create(id, &new_task(), &meta()).unwrap();
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let corrupt = |sql: &str, id: &str| {
        conn.execute(
            &format!("UPDATE sf_entities SET {sql} WHERE entity_id = ?1"),
            [id],
        )
        .unwrap();
    };
    corrupt("state = 'archived'", "unknown-state");
    corrupt("data = '{not json'", "broken-json");
    corrupt("state = 'failed'", "wrong-data");
    corrupt("fingerprint = '0000000000000001'", "old-definition");

    let load = |id| store.load::<AnyTask>(id).unwrap_err().to_string();
    assert_eq!(
        load("unknown-state"),
        "machine `task` has no state `archived`"
    );
    assert!(
        load("broken-json").contains("does not fit"),
        "{}",
        load("broken-json")
    );
    assert!(
        load("wrong-data").contains("in state `failed` does not fit"),
        "{}",
        load("wrong-data")
    );
    assert!(load("old-definition").contains("written under definition 0000000000000001"));
    // Firing on them changes nothing either.
    for id in [
        "unknown-state",
        "broken-json",
        "wrong-data",
        "old-definition",
    ] {
        store
            .fire::<AnyTask>(id, TaskEvent::Assign { agent: "x".into() }, &meta())
            .unwrap_err();
        assert_eq!(
            store
                .history(&HistoryQuery::entity("task", id))
                .unwrap()
                .len(),
            1
        );
    }
    // A row of a machine that is not `task` is simply not a task.
    assert!(matches!(
        store.load::<AnyLight>("unknown-state"),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn names_are_validated_and_values_are_bound() {
    for bad in [
        "Upper",
        "1x",
        "a-b",
        "x; DROP TABLE sf_entities; --",
        "a b",
        &"x".repeat(40),
    ] {
        assert!(
            matches!(TablePrefix::new(bad), Err(StoreError::InvalidPrefix(_))),
            "{bad}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_with(
        dir.path().join("s.db"),
        &TablePrefix::new("app_").unwrap(),
        Synchronous::Normal,
    )
    .unwrap();
    let evil = "'); DROP TABLE app_sf_entities; --";
    let m = meta()
        .reason(evil)
        .actor(evil)
        .session(evil)
        .metadata(serde_json::json!({ "x": evil }));
    store.create(evil, &new_task(), &m).unwrap();
    store
        .fire::<AnyTask>(evil, TaskEvent::Assign { agent: evil.into() }, &m)
        .unwrap();
    let loaded = store.load::<AnyTask>(evil).unwrap();
    let AnyTask::Assigned(task) = loaded.machine else {
        panic!()
    };
    assert_eq!(task.state().agent, evil);
    let history = store.history(&HistoryQuery::actor(evil)).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].reason.as_deref(), Some(evil));
    assert_eq!(history[1].metadata["x"], evil);
    assert_eq!(
        store.entities("task", None).unwrap().len(),
        1,
        "the table is still there"
    );
}

#[test]
fn eight_threads_on_one_entity_never_both_win_a_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let store = SqliteStore::open(&path).unwrap();
    store
        .create("l", &AnyLight::from(Light::new()), &meta())
        .unwrap();
    drop(store);
    const ATTEMPTS: usize = 300;
    let wins: Vec<u64> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let path = path.clone();
                s.spawn(move || {
                    let store = SqliteStore::open(path).unwrap();
                    let mut won = Vec::new();
                    for _ in 0..ATTEMPTS {
                        if t % 2 == 0 {
                            // Fire: load and write in one transaction.
                            let next = store
                                .fire::<AnyLight>("l", LightEvent::Toggle, &meta())
                                .unwrap();
                            won.push(next.version);
                        } else {
                            // Optimistic: read, move in memory, save if unchanged.
                            let loaded = store.load::<AnyLight>("l").unwrap();
                            let next = loaded.machine.fire(LightEvent::Toggle).unwrap();
                            match store.save("l", loaded.version, "toggle", &next, &meta()) {
                                Ok(v) => won.push(v),
                                Err(StoreError::Conflict { .. }) => {}
                                Err(e) => panic!("{e}"),
                            }
                        }
                    }
                    won
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    let store = SqliteStore::open(&path).unwrap();
    let mut sorted = wins.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), wins.len(), "no version won twice");
    let final_version = assert_chain(&store, "light", "l");
    assert_eq!(
        final_version,
        wins.len() as u64 + 1,
        "one record per success, plus creation"
    );
    assert!(
        wins.len() >= 4 * ATTEMPTS,
        "every `fire` succeeds: {}",
        wins.len()
    );
}

#[test]
fn eight_threads_on_distinct_entities() {
    let dir = tempfile::tempdir().unwrap();
    let path = Arc::new(dir.path().join("s.db"));
    SqliteStore::open(path.as_ref()).unwrap();
    std::thread::scope(|s| {
        for t in 0..8 {
            let path = Arc::clone(&path);
            s.spawn(move || {
                let store = SqliteStore::open(path.as_ref()).unwrap();
                let id = format!("l-{t}");
                store
                    .create(&id, &AnyLight::from(Light::new()), &meta())
                    .unwrap();
                for _ in 0..100 {
                    store
                        .fire::<AnyLight>(&id, LightEvent::Toggle, &meta())
                        .unwrap();
                }
            });
        }
    });
    let store = SqliteStore::open(path.as_ref()).unwrap();
    for t in 0..8 {
        assert_eq!(assert_chain(&store, "light", &format!("l-{t}")), 101);
    }
}
