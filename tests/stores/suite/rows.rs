//! Migrations, rows corrupted behind the store's back, validated names
//! and values that never reach SQL as text.

use super::fixture::{Fixture, assert_chain, meta, records};
use super::machines::{AnyLight, AnyTask, TaskEvent, new_task};
use stateforge::runtime::RestoreError;
use stateforge::runtime::db::{HistoryQuery, StoreError, TablePrefix};

/// Opening a migrated database again (even while another store has it
/// open) keeps every row; a database of a newer schema is refused.
pub(crate) fn migrating_twice_is_harmless_and_a_newer_schema_is_refused(fx: Fixture) {
    let store = fx.open();
    store.create("t", &new_task(), &meta()).unwrap();
    store
        .fire::<AnyTask>("t", TaskEvent::Assign { agent: "x".into() }, &meta())
        .unwrap();
    let beside = fx.open(); // migrating again with the first store open
    assert_eq!(beside.load::<AnyTask>("t").unwrap().version, 2);
    drop(beside);
    assert_eq!(store.load::<AnyTask>("t").unwrap().version, 2);
    drop(store);
    let store = fx.open(); // and after a restart
    assert_eq!(store.load::<AnyTask>("t").unwrap().version, 2);
    store
        .fire::<AnyTask>("t", TaskEvent::Start, &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "task", "t"), 3);
    drop(store);

    fx.execute(&format!(
        "UPDATE {} SET value = 99 WHERE key = 'schema_version'",
        fx.table("meta")
    ));
    let err = fx.try_open().unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
}

const BAD: [&str; 5] = [
    "unknown-state",
    "broken-json",
    "wrong-data",
    "old-definition",
    "no-fingerprint",
];

/// Rows edited behind the store's back (a state the machine lacks, data
/// that is not JSON or does not fit the state, another definition's
/// fingerprint, a fingerprint that is not one, another machine) are typed errors on load and on fire,
/// and firing on them writes nothing.
pub(crate) fn bad_rows_are_typed_errors_and_change_nothing(fx: Fixture) {
    let store = fx.open();
    for id in BAD.into_iter().chain(["other-machine"]) {
        store.create(id, &new_task(), &meta()).unwrap();
    }
    let entities = fx.table("entities");
    let corrupt = |set: &str, id: &str| {
        fx.execute(&format!(
            "UPDATE {entities} SET {set} WHERE entity_id = '{id}'"
        ));
    };
    corrupt("state = 'archived'", "unknown-state");
    corrupt("data = '{not json'", "broken-json");
    corrupt("state = 'failed'", "wrong-data");
    corrupt("fingerprint = '0000000000000001'", "old-definition");
    corrupt("fingerprint = 'v2'", "no-fingerprint");
    corrupt("machine = 'ghost'", "other-machine");

    let load = |id| store.load::<AnyTask>(id).unwrap_err();
    assert_eq!(
        load("unknown-state").to_string(),
        "machine `task` has no state `archived`"
    );
    assert!(matches!(
        load("unknown-state"),
        StoreError::Restore(RestoreError::UnknownState { .. })
    ));
    let broken = load("broken-json");
    assert!(broken.to_string().contains("does not fit"), "{broken}");
    assert!(
        matches!(broken, StoreError::Restore(RestoreError::BadData { .. })),
        "{broken:?}"
    );
    let wrong = load("wrong-data");
    assert!(
        wrong.to_string().contains("in state `failed` does not fit"),
        "{wrong}"
    );
    assert!(
        matches!(wrong, StoreError::Restore(RestoreError::BadData { .. })),
        "{wrong:?}"
    );
    let old = load("old-definition");
    assert!(
        old.to_string()
            .contains("written under definition 0000000000000001"),
        "{old}"
    );
    assert!(
        matches!(
            old,
            StoreError::Restore(RestoreError::FingerprintMismatch { .. })
        ),
        "{old:?}"
    );
    let garbled = load("no-fingerprint");
    assert_eq!(
        garbled.to_string(),
        "row of machine `task` has `v2` for its definition's fingerprint, which is not one \
         (16 hex digits); the row was not written by a store"
    );
    assert!(
        matches!(
            garbled,
            StoreError::Restore(RestoreError::BadFingerprint { .. })
        ),
        "{garbled:?}"
    );
    // Firing on them fails the same way and changes nothing either.
    for id in BAD {
        let before = load(id).to_string();
        let err = store
            .fire::<AnyTask>(id, TaskEvent::Assign { agent: "x".into() }, &meta())
            .unwrap_err();
        assert_eq!(err.to_string(), before, "{id}");
        let err = store
            .unit(|u| u.fire::<AnyTask>(id, TaskEvent::Assign { agent: "x".into() }, &meta()))
            .unwrap_err();
        assert_eq!(err.to_string(), before, "{id} in a unit");
        assert_eq!(records(&store, "task", id), 1, "{id}");
        assert_eq!(load(id).to_string(), before, "{id}");
    }
    // A row of a machine that is not `task` is simply not a task.
    assert!(matches!(
        store.load::<AnyLight>("unknown-state"),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.load::<AnyTask>("other-machine"),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.fire::<AnyTask>(
            "other-machine",
            TaskEvent::Assign { agent: "x".into() },
            &meta()
        ),
        Err(StoreError::NotFound { .. })
    ));
    let tasks = store.entities("task", None).unwrap();
    assert_eq!(tasks.len(), BAD.len());
    assert!(tasks.iter().all(|e| e.entity_id != "other-machine"));
    assert_eq!(store.entities("ghost", None).unwrap().len(), 1);
}

/// Prefixes are validated before any SQL is built from them; every other
/// value a caller passes (entity id, event arguments and names, reason,
/// actor, session, metadata, machine names in queries) is bound, and an
/// injection through any of them is inert.
pub(crate) fn names_are_validated_and_values_are_bound(fx: Fixture) {
    for bad in [
        "Upper",
        "1x",
        "a-b",
        "x; DROP TABLE sf_entities; --",
        "x; DROP TABLE t; --",
        "a b",
        &"x".repeat(40),
    ] {
        assert!(
            matches!(TablePrefix::new(bad), Err(StoreError::InvalidPrefix(_))),
            "{bad}"
        );
    }
    let store = fx.open();
    let evil = format!("'); DROP TABLE {}; --", fx.table("entities"));
    let evil = evil.as_str();
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
    assert_eq!(loaded.entity_id, evil);
    let AnyTask::Assigned(task) = loaded.machine else {
        panic!()
    };
    assert_eq!(task.state().agent, evil);
    let history = store.history(&HistoryQuery::actor(evil)).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].entity_id, evil);
    assert_eq!(history[1].reason.as_deref(), Some(evil));
    assert_eq!(history[1].session.as_deref(), Some(evil));
    assert_eq!(history[1].metadata["x"], evil);
    assert_eq!(
        store.history(&HistoryQuery::session(evil)).unwrap().len(),
        2
    );
    // An event name from the caller is checked, never spliced.
    let started = AnyTask::from(task.start());
    let err = store
        .save(evil, loaded.version, evil, &started, &m)
        .unwrap_err();
    assert!(matches!(err, StoreError::NotATransition { .. }), "{err}");
    // Machine names in queries are values too.
    assert!(store.entities(evil, None).unwrap().is_empty());
    assert!(store.entities("task", Some(evil)).unwrap().is_empty());
    assert!(store.next_due(evil).unwrap().is_none());
    assert!(
        store
            .history(&HistoryQuery::entity(evil, evil))
            .unwrap()
            .is_empty()
    );
    assert!(store.definition(evil).is_err());
    assert_eq!(
        store.entities("task", None).unwrap().len(),
        1,
        "the table is still there"
    );
    drop(store);
    let store = fx.open();
    assert_eq!(assert_chain(&store, "task", evil), 2);
}

/// A version a store never writes (below 1) makes the row a bad row on
/// load, fire and save alike, naming the entity, never a conflict to
/// retry for ever; a version at the last value a row can hold loads but
/// refuses to move, leaving the row as it was; listing the machine gives
/// the other rows and, checked, says which rows are bad.
pub(crate) fn bad_versions_are_bad_rows_and_the_last_one_does_not_move(fx: Fixture) {
    let store = fx.open();
    for id in ["good", "last", "negative", "zero"] {
        store.create(id, &new_task(), &meta()).unwrap();
    }
    let entities = fx.table("entities");
    let set_version = |version: i64, id: &str| {
        fx.execute(&format!(
            "UPDATE {entities} SET version = {version} WHERE entity_id = '{id}'"
        ));
    };
    set_version(-1, "negative");
    set_version(0, "zero");
    set_version(i64::MAX, "last");
    let assign = || TaskEvent::Assign { agent: "x".into() };

    for (id, version) in [("negative", -1), ("zero", 0)] {
        let err = store.load::<AnyTask>(id).unwrap_err();
        let StoreError::BadRow {
            machine,
            entity_id,
            what,
        } = &err
        else {
            panic!("{id}: {err:?}")
        };
        assert_eq!((machine.as_str(), entity_id.as_str()), ("task", id));
        assert_eq!(
            what,
            &format!("version {version} is not one: versions start at 1")
        );
        let fired = store.fire::<AnyTask>(id, assign(), &meta()).unwrap_err();
        assert_eq!(fired.to_string(), err.to_string(), "{id}: fire agrees");
        let in_unit = store
            .unit(|u| u.fire::<AnyTask>(id, assign(), &meta()))
            .unwrap_err();
        assert_eq!(in_unit.to_string(), err.to_string(), "{id}: in a unit");
        for expected in [0, 1] {
            let saved = store
                .save(id, expected, "assign", &new_task(), &meta())
                .unwrap_err();
            assert_eq!(saved.to_string(), err.to_string(), "{id}: save {expected}");
        }
        assert_eq!(records(&store, "task", id), 1, "{id}: nothing written");
    }

    let last = i64::MAX.unsigned_abs();
    let loaded = store.load::<AnyTask>("last").unwrap();
    assert_eq!(loaded.version, last);
    let cannot_move = format!(
        "task `last`: bad row: version {last} is the last a row can hold: the entity cannot move again"
    );
    let fired = store
        .fire::<AnyTask>("last", assign(), &meta())
        .unwrap_err();
    assert!(matches!(fired, StoreError::BadRow { .. }), "{fired:?}");
    assert_eq!(fired.to_string(), cannot_move);
    let AnyTask::Pending(task) = loaded.machine else {
        panic!("created pending")
    };
    let assigned = AnyTask::from(task.assign("x".into()));
    let saved = store
        .save("last", last, "assign", &assigned, &meta())
        .unwrap_err();
    assert_eq!(saved.to_string(), cannot_move);
    // A version the caller could not have read is a conflict, as ever.
    let stale = store
        .save("last", u64::MAX, "assign", &assigned, &meta())
        .unwrap_err();
    assert!(matches!(stale, StoreError::Conflict { .. }), "{stale:?}");
    assert_eq!(records(&store, "task", "last"), 1);
    assert_eq!(store.load::<AnyTask>("last").unwrap().version, last);

    // The listing gives the rows that read; checked, it names the others.
    let listed: Vec<String> = store
        .entities("task", None)
        .unwrap()
        .into_iter()
        .map(|e| e.entity_id)
        .collect();
    assert_eq!(listed, ["good", "last"]);
    let checked = store.entities_checked("task", None).unwrap();
    let bad: Vec<String> = checked
        .iter()
        .filter_map(|row| match row {
            Err(StoreError::BadRow { entity_id, .. }) => Some(entity_id.clone()),
            Err(other) => panic!("{other:?}"),
            Ok(_) => None,
        })
        .collect();
    assert_eq!(
        (checked.len(), bad),
        (4, vec!["negative".to_owned(), "zero".to_owned()])
    );
    assert_eq!(store.entities("task", Some("pending")).unwrap().len(), 2);
}

/// A history record with a version a store never writes is an error
/// naming its entity, for the queries that read it; the other entities'
/// history reads as before.
pub(crate) fn a_corrupt_history_record_is_an_error_naming_its_entity(fx: Fixture) {
    let store = fx.open();
    for id in ["kept", "marred"] {
        store.create(id, &new_task(), &meta().actor("ada")).unwrap();
    }
    fx.execute(&format!(
        "UPDATE {} SET version = -7 WHERE entity_id = 'marred'",
        fx.table("history")
    ));
    let err = store
        .history(&HistoryQuery::entity("task", "marred"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `marred`: bad row: history record: version -7 is not one: versions start at 1"
    );
    let err = store.history(&HistoryQuery::actor("ada")).unwrap_err();
    assert!(
        matches!(&err, StoreError::BadRow { entity_id, .. } if entity_id == "marred"),
        "{err:?}"
    );
    assert_eq!(records(&store, "task", "kept"), 1);
}
