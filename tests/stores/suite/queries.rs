//! Entities that exist twice or not at all, and reading back by query
//! (entities, history, kept definitions).

use super::fixture::{Fixture, assert_chain, meta, records};
use super::machines::{AnyTask, TaskEvent, new_task};
use stateforge::Definition;
use stateforge::runtime::db::{HistoryQuery, StoreError};
use stateforge::runtime::{DynMachine, Registry, Timestamp};

/// Creating an id twice, and loading, firing or saving one that does not
/// exist, are typed errors that write nothing, in a unit or not.
pub(crate) fn creating_twice_and_missing_entities_are_typed_errors(fx: Fixture) {
    let store = fx.open();
    store
        .create("t", &new_task(), &meta().actor("first"))
        .unwrap();
    let err = store
        .create("t", &new_task(), &meta().actor("second"))
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err}");
    let err = store
        .unit(|u| u.create("t", &new_task(), &meta().actor("second")))
        .unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err}");
    assert_eq!(records(&store, "task", "t"), 1);
    assert!(
        store
            .history(&HistoryQuery::actor("second"))
            .unwrap()
            .is_empty()
    );

    let missing = |r: Result<_, StoreError>| {
        assert!(matches!(r, Err(StoreError::NotFound { .. })));
    };
    let assign = || TaskEvent::Assign { agent: "x".into() };
    missing(store.load::<AnyTask>("nobody").map(|_| ()));
    missing(
        store
            .fire::<AnyTask>("nobody", assign(), &meta())
            .map(|_| ()),
    );
    missing(
        store
            .save("nobody", 1, "assign", &new_task(), &meta())
            .map(|_| ()),
    );
    missing(store.unit(|u| u.load::<AnyTask>("nobody").map(|_| ())));
    missing(store.unit(|u| u.fire::<AnyTask>("nobody", assign(), &meta()).map(|_| ())));
    // A unit that created an entity and then failed leaves no trace of it.
    let err = store
        .unit(|u| {
            u.create("new", &new_task(), &meta())?;
            u.fire::<AnyTask>("new", TaskEvent::Start, &meta())
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::NotAllowed { .. }), "{err:?}");
    missing(store.load::<AnyTask>("new").map(|_| ()));
    assert_eq!(records(&store, "task", "new"), 0);
    // One that succeeds can create and move in one go.
    store
        .unit(|u| {
            u.create("new", &new_task(), &meta())?;
            u.fire::<AnyTask>("new", assign(), &meta())
        })
        .unwrap();
    assert_eq!(assert_chain(&store, "task", "new"), 2);
    assert_eq!(store.entities("task", None).unwrap().len(), 2);
}

/// Entities filter by machine and state; history pages in order and
/// filters by time.
pub(crate) fn queries_filter_by_state_and_page_history(fx: Fixture) {
    let store = fx.open();
    let start = Timestamp::now();
    for i in 0..5 {
        let id = format!("t-{i}");
        store.create(&id, &new_task(), &meta()).unwrap();
        if i % 2 == 0 {
            store
                .fire::<AnyTask>(&id, TaskEvent::Assign { agent: "x".into() }, &meta())
                .unwrap();
        }
    }
    let mut assigned: Vec<_> = store
        .entities("task", Some("assigned"))
        .unwrap()
        .into_iter()
        .map(|e| (e.entity_id, e.state, e.version))
        .collect();
    assigned.sort();
    assert_eq!(
        assigned,
        [0, 2, 4].map(|i| (format!("t-{i}"), "assigned".to_owned(), 2))
    );
    assert_eq!(store.entities("task", Some("pending")).unwrap().len(), 2);
    assert!(
        store
            .entities("task", Some("completed"))
            .unwrap()
            .is_empty()
    );
    assert!(store.entities("breaker", None).unwrap().is_empty());

    // All eight records, in the order written, and the same in pages.
    let all = store.history(&HistoryQuery::default()).unwrap();
    assert_eq!(all.len(), 8);
    let mut paged = Vec::new();
    for page in 0..3 {
        paged.extend(
            store
                .history(&HistoryQuery::default().offset(page * 3).limit(3))
                .unwrap(),
        );
    }
    let key = |r: &stateforge::runtime::HistoryRecord| (r.entity_id.clone(), r.version);
    assert_eq!(
        paged.iter().map(key).collect::<Vec<_>>(),
        all.iter().map(key).collect::<Vec<_>>()
    );
    let order: Vec<_> = all.iter().map(key).collect();
    let mut expected = Vec::new();
    for i in 0..5 {
        expected.push((format!("t-{i}"), 1));
        if i % 2 == 0 {
            expected.push((format!("t-{i}"), 2));
        }
    }
    assert_eq!(order, expected, "history is in the order written");
    // Newest first: the latest three, and the page after them.
    let latest: Vec<_> = store
        .history(&HistoryQuery::default().newest_first().limit(3))
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(latest, reversed[..3], "newest first");
    let before_those: Vec<_> = store
        .history(&HistoryQuery::default().newest_first().offset(3).limit(3))
        .unwrap()
        .iter()
        .map(key)
        .collect();
    assert_eq!(before_those, reversed[3..6]);
    // Filters combine: one entity, newest first.
    let last_of_t4 = store
        .history(&HistoryQuery::entity("task", "t-4").newest_first().limit(1))
        .unwrap();
    assert_eq!(
        last_of_t4.iter().map(key).collect::<Vec<_>>(),
        [("t-4".to_owned(), 2)]
    );
    let entity = store
        .history(&HistoryQuery::entity("task", "t-2").offset(1))
        .unwrap();
    assert_eq!(entity.len(), 1);
    assert_eq!(entity[0].version, 2);

    let end = Timestamp::now() + std::time::Duration::from_secs(1);
    assert_eq!(
        store
            .history(&HistoryQuery::between(start, end))
            .unwrap()
            .len(),
        8
    );
    assert!(
        store
            .history(&HistoryQuery::between(
                end,
                end + std::time::Duration::from_secs(1)
            ))
            .unwrap()
            .is_empty()
    );
}

/// What is read back is what was written: entity rows (data, session,
/// times), history records (metadata, times), timer due times, and text
/// beyond ASCII.
pub(crate) fn rows_read_back_as_written(fx: Fixture) {
    use super::machines::{AnyBreaker, Breaker, BreakerEvent};
    let store = fx.open();
    let before = Timestamp::now();
    let id = "tâche ü 💡 \"q\" \\ ' %_";
    store
        .create(id, &new_task(), &meta().session("s ü").reason("ünï 💡"))
        .unwrap();
    let metadata = serde_json::json!({
        "k": [1, "two", null, {"n": 1.5, "big": 9_007_199_254_740_993_u64}],
        "nul": "a\u{0}b",
        "ü": true,
    });
    store
        .fire::<AnyTask>(
            id,
            TaskEvent::Assign {
                agent: "ådå".into(),
            },
            &meta().session("s ü").metadata(metadata.clone()),
        )
        .unwrap();
    let after = Timestamp::now();
    let history = store.history(&HistoryQuery::entity("task", id)).unwrap();
    assert_eq!(history[0].metadata, serde_json::Value::Null, "none given");
    assert_eq!(history[0].reason.as_deref(), Some("ünï 💡"));
    assert_eq!(history[1].metadata, metadata);
    assert!(before <= history[0].at && history[0].at <= history[1].at && history[1].at <= after);
    let row = store
        .entities("task", None)
        .unwrap()
        .into_iter()
        .find(|e| e.entity_id == id)
        .unwrap();
    assert_eq!(row.session.as_deref(), Some("s ü"));
    assert_eq!(row.created_at, history[0].at);
    assert_eq!(row.updated_at, history[1].at);
    assert_eq!(
        row.data,
        serde_json::json!({ "context": { "title": "ship", "retries": 0 }, "data": { "agent": "ådå" } }),
        "{}",
        row.data
    );
    let loaded = store.load::<AnyTask>(id).unwrap();
    assert_eq!(loaded.entity_id, id);

    // A timer is due its delay after the transition that set it.
    store
        .create("b", &AnyBreaker::from(Breaker::new(7)), &meta())
        .unwrap();
    store
        .fire::<AnyBreaker>("b", BreakerEvent::Trip, &meta())
        .unwrap();
    let tripped = store
        .history(&HistoryQuery::entity("breaker", "b"))
        .unwrap()[1]
        .at;
    assert_eq!(
        store.next_due("breaker").unwrap(),
        Some(tripped + std::time::Duration::from_secs(30))
    );
}

/// The definition a store returns for a machine is the one saved last,
/// also when that is a return to one kept before; creating an entity
/// under a definition kept before does not make it the latest again.
pub(crate) fn the_definition_saved_last_is_the_one_returned(fx: Fixture) {
    let version = |extra: &str| {
        Definition::from_json(&format!(
            r#"{{"name": "lease",
                "states": [{{"name": "held", "initial": true}}, {{"name": "gone", "final": true}}],
                "events": [{{"name": "drop", "arms": [{{"from": ["held"], "to": "gone"}}]}}{extra}]}}"#
        ))
        .unwrap()
    };
    let v1 = version("");
    let v2 = version(r#", {"name": "lose", "arms": [{"from": ["held"], "to": "gone"}]}"#);
    assert_ne!(v1.fingerprint(), v2.fingerprint());
    let store = fx.open();
    let latest = || store.definition("lease").unwrap().fingerprint();
    store.save_definition(&v1).unwrap();
    assert_eq!(latest(), v1.fingerprint());
    store.save_definition(&v2).unwrap();
    assert_eq!(latest(), v2.fingerprint());
    // Back to the first one.
    store.save_definition(&v1).unwrap();
    assert_eq!(latest(), v1.fingerprint());
    // An entity created under v2, kept before, leaves v1 the latest.
    let bound = Registry::<serde_json::Value>::new()
        .bind(v2.clone())
        .unwrap();
    store
        .create_dyn("l", &DynMachine::new(bound, serde_json::json!({})), &meta())
        .unwrap();
    assert_eq!(latest(), v1.fingerprint());

    // v2 saved by a host whose clock runs an hour ahead; v1 saved after
    // it, here, is still the latest.
    store.save_definition(&v2).unwrap();
    fx.execute(&format!(
        "UPDATE {} SET saved_at = saved_at + 3600000000 WHERE machine = 'lease' AND fingerprint = '{}'",
        fx.table("definitions"),
        v2.fingerprint()
    ));
    assert_eq!(latest(), v2.fingerprint());
    store.save_definition(&v1).unwrap();
    assert_eq!(latest(), v1.fingerprint());
}

/// An entity that exists keeps no definition behind the refusal: a unit
/// that swallows `AlreadyExists` commits nothing of the create.
pub(crate) fn creating_an_entity_that_exists_keeps_no_definition(fx: Fixture) {
    // `t` exists under a definition of `task` given as data; the typed
    // `Task` is another definition of the same machine.
    let data = Definition::example();
    assert_ne!(data.fingerprint(), AnyTask::definition().fingerprint());
    let store = fx.open();
    let bound = Registry::<serde_json::Value>::new()
        .guard("can_retry", |_, _| true)
        .bind(data.clone())
        .unwrap();
    store
        .create_dyn("t", &DynMachine::new(bound, serde_json::json!({})), &meta())
        .unwrap();
    store
        .unit(|u| {
            let err = u.create("t", &new_task(), &meta()).unwrap_err();
            assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
            Ok(())
        })
        .unwrap();
    assert_eq!(
        store.definition("task").unwrap().fingerprint(),
        data.fingerprint()
    );
}
