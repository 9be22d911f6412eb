//! Transitions, refusals, units, typed saves and sessions.

use super::fixture::{Fixture, assert_chain, meta, records};
use super::machines::{
    AnyTask, AnyTurnstile, TaskEvent, TaskState, Turnstile, TurnstileEvent, TurnstileState,
    new_task,
};
use stateforge::runtime::Listeners;
use stateforge::runtime::db::{HistoryQuery, StoreError, blocking::StoreUnit};

/// A transition writes the new state and its history record together,
/// with the caller's actor, reason and session.
pub(crate) fn transitions_write_state_and_history_together(fx: Fixture) {
    let store = fx.open();
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
    assert_eq!(history[0].actor.as_deref(), Some("api"));
    assert_eq!(history[1].actor.as_deref(), Some("ada"));
    assert_eq!(history[1].reason.as_deref(), Some("picked up"));
    assert_eq!(history[1].session.as_deref(), Some("s-1"));
    assert_chain(&store, "task", "t-1");
}

/// A refused event is an error naming the event and state, and writes nothing.
pub(crate) fn a_refused_event_writes_nothing(fx: Fixture) {
    let store = fx.open();
    store.create("t-1", &new_task(), &meta()).unwrap();
    let err = store
        .fire::<AnyTask>("t-1", TaskEvent::Complete, &meta())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::NotAllowed { machine, state, event }
                if (machine.as_str(), state.as_str(), event.as_str())
                    == ("task", "pending", "complete")
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "event `complete` is not allowed in state `pending`"
    );
    assert_eq!(store.load::<AnyTask>("t-1").unwrap().version, 1);
    assert_eq!(records(&store, "task", "t-1"), 1);
    assert_eq!(assert_chain(&store, "task", "t-1"), 1);
}

/// A guard's refusal and a before-listener's veto write nothing, alone or
/// inside a unit (where the unit's earlier moves are rolled back too).
pub(crate) fn guards_and_vetoes_write_nothing(fx: Fixture) {
    let store = fx.open();
    store
        .create("broke", &AnyTurnstile::from(Turnstile::new(0)), &meta())
        .unwrap();
    store
        .create("paid", &AnyTurnstile::from(Turnstile::new(1)), &meta())
        .unwrap();
    let err = store
        .fire::<AnyTurnstile>("broke", TurnstileEvent::Coin, &meta())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::GuardRefused { machine, state, event, guard }
                if (machine.as_str(), state.as_str(), event.as_str(), guard.as_str())
                    == ("turnstile", "locked", "coin", "paid")
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("paid"), "names the guard: {err}");
    assert_eq!(assert_chain(&store, "turnstile", "broke"), 1);

    let mut listeners = Listeners::<AnyTurnstile>::new();
    listeners.before("closed for the night", |t, _| {
        if t.event == "push" {
            Err("closed".into())
        } else {
            Ok(())
        }
    });
    let err = store
        .unit(|u| {
            u.fire_with(&listeners, "paid", TurnstileEvent::Coin, &meta())?;
            u.fire_with(&listeners, "paid", TurnstileEvent::Push, &meta())
        })
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Vetoed { listener, .. } if listener == "closed for the night"),
        "{err}"
    );
    let loaded = store.load::<AnyTurnstile>("paid").unwrap();
    assert_eq!(
        loaded.machine.state(),
        TurnstileState::Locked,
        "the coin rolled back too"
    );
    assert_eq!(assert_chain(&store, "turnstile", "paid"), 1);

    // A guard's refusal inside a unit undoes the unit's earlier moves.
    let err = store
        .unit(|u| {
            u.fire::<AnyTurnstile>("paid", TurnstileEvent::Coin, &meta())?;
            u.fire::<AnyTurnstile>("broke", TurnstileEvent::Coin, &meta())
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::GuardRefused { .. }), "{err:?}");
    assert_eq!(assert_chain(&store, "turnstile", "paid"), 1);
    assert_eq!(assert_chain(&store, "turnstile", "broke"), 1);

    // Alone, the veto also leaves the row as it was; the store goes on.
    store
        .fire_with(&listeners, "paid", TurnstileEvent::Coin, &meta())
        .unwrap();
    let err = store
        .fire_with(&listeners, "paid", TurnstileEvent::Push, &meta())
        .unwrap_err();
    assert!(matches!(err, StoreError::Vetoed { .. }), "{err}");
    assert_eq!(assert_chain(&store, "turnstile", "paid"), 2);
}

/// A unit over several entities commits whole or not at all, whether it
/// fails on a refusal or a panic; the store stays usable after either.
pub(crate) fn a_unit_commits_all_or_nothing(fx: Fixture) {
    let store = fx.open();
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
    assert!(matches!(err, StoreError::NotAllowed { .. }), "{err:?}");
    for id in ["a", "b", "c"] {
        let loaded = store.load::<AnyTask>(id).unwrap();
        assert_eq!(loaded.machine.state(), TaskState::Pending, "{id}");
        assert_eq!(loaded.version, 1, "{id} unchanged");
        assert_eq!(records(&store, "task", id), 1);
    }
    // A panic inside the unit rolls back too, and the store stays usable.
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = store.unit(|u| {
            u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta())?;
            u.fire::<AnyTask>("b", TaskEvent::Assign { agent: "x".into() }, &meta())?;
            panic!("an action blew up");
            #[allow(unreachable_code)]
            Ok(())
        });
    }));
    assert!(panicked.is_err());
    for id in ["a", "b", "c"] {
        assert_eq!(store.load::<AnyTask>(id).unwrap().version, 1, "{id}");
        assert_eq!(records(&store, "task", id), 1);
    }
    // A unit that succeeds writes every entity it moved.
    store
        .unit(|u| {
            u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta())?;
            u.fire::<AnyTask>("b", TaskEvent::Assign { agent: "y".into() }, &meta())?;
            u.fire::<AnyTask>("a", TaskEvent::Start, &meta())
        })
        .unwrap();
    assert_eq!(assert_chain(&store, "task", "a"), 3);
    assert_eq!(assert_chain(&store, "task", "b"), 2);
    assert_eq!(assert_chain(&store, "task", "c"), 1);
}

/// An operation that fails after writing part of its changes (here the
/// history record is refused: a row past the store holds its version)
/// leaves its unit unable to commit, even when the unit's work goes on
/// past the error: nothing of the unit is written, not the half-done
/// operation, nor those before and after it.
pub(crate) fn an_operation_failing_halfway_rolls_its_unit_back(fx: Fixture) {
    let store = fx.open();
    for id in ["a", "b"] {
        store.create(id, &new_task(), &meta()).unwrap();
    }
    let history = fx.table("history");
    let squat = |id: &str, version: u64| {
        fx.execute(&format!(
            "INSERT INTO {history} (machine, entity_id, from_state, to_state, event, at, metadata, version)
             VALUES ('task', '{id}', 'pending', 'assigned', 'assign', 0, 'null', {version})"
        ));
    };
    // A transition: the entity's update succeeds, its record does not.
    squat("a", 2);
    // A creation: the entity's insert succeeds, its record does not.
    squat("c", 1);
    type Halfway<'f> = &'f dyn Fn(&StoreUnit<'_, '_>) -> Result<(), StoreError>;
    let halfways: [Halfway<'_>; 2] = [
        &|u| {
            u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta())
                .map(drop)
        },
        &|u| u.create("c", &new_task(), &meta()).map(drop),
    ];
    for halfway in halfways {
        let err = store
            .unit(|u| {
                u.fire::<AnyTask>("b", TaskEvent::Assign { agent: "x".into() }, &meta())?;
                let swallowed = halfway(u);
                assert!(swallowed.is_err(), "the record is refused");
                // On SQLite this one succeeds; on PostgreSQL the failed
                // statement has ended the transaction already.
                let _after = u.fire::<AnyTask>("b", TaskEvent::Start, &meta());
                Ok(())
            })
            .unwrap_err();
        assert!(err.to_string().contains("rolled back"), "{err}");
        for id in ["a", "b"] {
            let loaded = store.load::<AnyTask>(id).unwrap();
            assert_eq!(loaded.machine.state(), TaskState::Pending, "{id}");
            assert_eq!(loaded.version, 1, "{id}");
        }
        assert!(matches!(
            store.load::<AnyTask>("c"),
            Err(StoreError::NotFound { .. })
        ));
    }
    assert_eq!(records(&store, "task", "b"), 1);
    // The store is still usable.
    store
        .fire::<AnyTask>("b", TaskEvent::Assign { agent: "x".into() }, &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "task", "b"), 2);
}

/// A typed save checks the version read (a conflict carries the current
/// one) and that the claimed event leads to the new state.
pub(crate) fn typed_code_saves_with_optimistic_locking(fx: Fixture) {
    let store = fx.open();
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
    let now = store.load::<AnyTask>("t-1").unwrap();
    let AnyTask::Assigned(task) = &now.machine else {
        panic!("assigned")
    };
    assert_eq!(task.state().agent, "bob", "the stale save wrote nothing");
    assert_eq!(records(&store, "task", "t-1"), 2);

    // Inside a unit too.
    let err = store
        .unit(|u| u.save("t-1", 1, "assign", &assigned, &meta()))
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
    assert_eq!(records(&store, "task", "t-1"), 2);
    assert_eq!(
        store
            .save("t-1", loaded.version, "start", &started, &meta())
            .unwrap(),
        3
    );
    assert_eq!(
        store.load::<AnyTask>("t-1").unwrap().machine.state(),
        TaskState::InProgress
    );
    assert_chain(&store, "task", "t-1");
}

/// An entity of one session cannot be moved from another, nor without a
/// session, through any entry point, unless crossing is explicit; its
/// history stays under its own session.
pub(crate) fn sessions_are_isolated_unless_crossed_explicitly(fx: Fixture) {
    let store = fx.open();
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
    assert!(matches!(err, StoreError::OtherSession { .. }), "{err}");
    // Nor through a typed save, in a unit or not.
    let loaded = store.load::<AnyTask>("t-1").unwrap();
    let AnyTask::Pending(task) = loaded.machine else {
        panic!()
    };
    let next = AnyTask::from(task.assign("x".into()));
    let err = store
        .save("t-1", 1, "assign", &next, &meta().session("bob"))
        .unwrap_err();
    assert!(matches!(err, StoreError::OtherSession { .. }), "{err}");
    let err = store
        .unit(|u| u.save("t-1", 1, "assign", &next, &meta().session("bob")))
        .unwrap_err();
    assert!(matches!(err, StoreError::OtherSession { .. }), "{err}");
    assert_eq!(records(&store, "task", "t-1"), 1, "nothing was written");
    assert!(
        store
            .history(&HistoryQuery::session("bob"))
            .unwrap()
            .is_empty()
    );
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
    // An explicit override inside a unit.
    store
        .unit(|u| {
            u.fire::<AnyTask>(
                "t-1",
                TaskEvent::Complete,
                &meta().session("ops").cross_session(),
            )
        })
        .unwrap();
    let by_session = store.history(&HistoryQuery::session("alice")).unwrap();
    assert_eq!(by_session.len(), 4, "history keeps the entity's session");
    assert!(
        store
            .history(&HistoryQuery::session("ops"))
            .unwrap()
            .is_empty()
    );
    assert_eq!(assert_chain(&store, "task", "t-1"), 4);
}

/// A save whose machine cannot be serialized says first what is wrong with
/// the row, as every other save does: here, that there is no such entity.
pub(crate) fn a_save_says_what_is_wrong_with_the_row_first(fx: Fixture) {
    use super::machines::{AnyGauge, Gauge, GaugeEvent};
    let store = fx.open();
    let context = std::collections::HashMap::from([((1, 2), 3)]);
    let busy = AnyGauge::from(Gauge::new(context))
        .fire(GaugeEvent::Run)
        .unwrap();
    assert!(stateforge::runtime::to_stored(&busy).is_err(), "tuple keys");
    let err = store.save("missing", 1, "run", &busy, &meta()).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    let err = store
        .unit(|u| u.save("missing", 1, "run", &busy, &meta()))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotFound { .. }),
        "in a unit: {err}"
    );
}
