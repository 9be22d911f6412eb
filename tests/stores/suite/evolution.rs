//! Machines that change after they have rows: rows written under an
//! older definition load and fire under a compatible newer one (typed
//! and dynamic), with their pending timers; rows whose definition needs
//! a migration are refused naming both definitions and left as they are.

use std::time::Duration;

use serde_json::json;
use stateforge::Definition;
use stateforge::runtime::db::{DefinitionKind, StoreError, blocking::Store};
use stateforge::runtime::{DynMachine, Registry, RestoreError, Timestamp};

use super::fixture::{Fixture, assert_chain, meta};

/// The machine as first deployed.
mod v1 {
    stateforge::state_machine! {
        #[derive(Debug, Clone, PartialEq)]
        pub machine Job {
            context: u32;
            initial state Queued;
            state Running { worker: String }
            final state Done;
            event start(worker: String): Queued -> Running;
            event finish: Running -> Done;
            event expire: Running -> Done after 30s;
        }
    }
}

/// v1 plus a state, two events and a timer: compatible.
mod v2 {
    stateforge::state_machine! {
        #[derive(Debug, Clone, PartialEq)]
        pub machine Job {
            context: u32;
            initial state Queued;
            state Running { worker: String }
            state Paused { worker: String }
            final state Done;
            event start(worker: String): Queued -> Running;
            event finish: Running -> Done;
            event expire: Running -> Done after 30s;
            event pause: Running -> Paused;
            event resume: Paused -> Running;
            event give_up: Paused -> Done after 1h;
        }
    }
}

/// v2 with `running` renamed: rows in it would name nothing.
mod v3 {
    stateforge::state_machine! {
        #[derive(Debug, Clone, PartialEq)]
        pub machine Job {
            context: u32;
            initial state Queued;
            state Working { worker: String }
            state Paused { worker: String }
            final state Done;
            event start(worker: String): Queued -> Working;
            event finish: Working -> Done;
            event pause: Working -> Paused;
            event resume: Paused -> Working;
        }
    }
}

fn fingerprint_of(store: &Store, id: &str) -> String {
    let rows = store.entities("job", None).unwrap();
    let row = rows.iter().find(|r| r.entity_id == id).unwrap();
    row.fingerprint.clone()
}

/// Rows of v1, one queued and one running with its timer pending, load
/// and fire under v2; each row moved is written under v2, v2 is kept,
/// and the pending timer fires once.
pub(crate) fn rows_of_a_compatible_older_definition_load_and_fire(fx: Fixture) {
    let (v1_def, v2_def) = (v1::AnyJob::definition(), v2::AnyJob::definition());
    assert_ne!(v1_def.fingerprint(), v2_def.fingerprint());
    {
        let store = fx.open();
        store
            .create("q", &v1::AnyJob::from(v1::Job::new(7)), &meta())
            .unwrap();
        let running = v1::Job::new(8).start("w1".into());
        store
            .create("r", &v1::AnyJob::from(running), &meta())
            .unwrap();
    }
    // The new binary, after a restart.
    let store = fx.open();
    let queued = store.load::<v2::AnyJob>("q").unwrap();
    assert_eq!(queued.machine.state(), v2::JobState::Queued);
    assert_eq!(queued.version, 1);
    assert_eq!(
        fingerprint_of(&store, "q"),
        v1_def.fingerprint().to_string(),
        "a load writes nothing"
    );

    let fired = store
        .fire::<v2::AnyJob>(
            "q",
            v2::JobEvent::Start {
                worker: "w2".into(),
            },
            &meta(),
        )
        .unwrap();
    assert_eq!(fired.machine.state(), v2::JobState::Running);
    store
        .fire::<v2::AnyJob>("q", v2::JobEvent::Pause, &meta())
        .unwrap();
    assert_eq!(
        fingerprint_of(&store, "q"),
        v2_def.fingerprint().to_string()
    );
    let (kept, kind) = store.kept_definition("job").unwrap();
    assert_eq!(
        (kept.fingerprint(), kind),
        (v2_def.fingerprint(), DefinitionKind::Typed)
    );
    assert_eq!(assert_chain(&store, "job", "q"), 3);

    // `r`'s timer was armed under v1: it fires once, under v2.
    let later = Timestamp::now() + Duration::from_secs(31);
    assert_eq!(store.fire_due::<v2::AnyJob>(later, 10).unwrap(), 1);
    assert_eq!(store.fire_due::<v2::AnyJob>(later, 10).unwrap(), 0);
    let done = store.load::<v2::AnyJob>("r").unwrap();
    assert_eq!(
        (done.machine.state(), done.version),
        (v2::JobState::Done, 2)
    );
    assert_eq!(
        fingerprint_of(&store, "r"),
        v2_def.fingerprint().to_string()
    );

    // A save of a row loaded under v1 by the typed path, too.
    store
        .create("s", &v1::AnyJob::from(v1::Job::new(9)), &meta())
        .unwrap();
    let loaded = store.load::<v2::AnyJob>("s").unwrap();
    let v2::AnyJob::Queued(job) = loaded.machine else {
        panic!("queued")
    };
    let next = v2::AnyJob::from(job.start("w3".into()));
    assert_eq!(store.save("s", 1, "start", &next, &meta()).unwrap(), 2);
    assert_eq!(
        fingerprint_of(&store, "s"),
        v2_def.fingerprint().to_string()
    );
}

/// Rows written under a definition that lacks none of their states' are
/// the only ones that carry over: a row of v2 read under v3 (a state
/// renamed), or under v1 (an old binary meeting a row of the new one),
/// is refused naming both definitions, and nothing is written.
pub(crate) fn rows_needing_a_migration_are_refused_and_left_alone(fx: Fixture) {
    let store = fx.open();
    let running = v2::Job::new(1).start("w1".into());
    store
        .create("j", &v2::AnyJob::from(running), &meta())
        .unwrap();
    let before = store.entities("job", None).unwrap();

    let renamed = store.load::<v3::AnyJob>("j").unwrap_err();
    let StoreError::Restore(RestoreError::NeedsMigration {
        expected,
        found,
        why,
        ..
    }) = &renamed
    else {
        panic!("{renamed:?}")
    };
    assert_eq!(*expected, v3::AnyJob::definition().fingerprint());
    assert_eq!(*found, v2::AnyJob::definition().fingerprint());
    assert_eq!(why, "state `running` was removed or renamed");
    let fired = store
        .fire::<v3::AnyJob>("j", v3::JobEvent::Pause, &meta())
        .unwrap_err();
    assert_eq!(fired.to_string(), renamed.to_string());

    let old = store
        .fire::<v1::AnyJob>("j", v1::JobEvent::Finish, &meta())
        .unwrap_err();
    assert_eq!(
        old.to_string(),
        format!(
            "row of machine `job` was written under definition {}, which this one ({}) cannot \
             read without a migration: state `paused` was removed or renamed",
            v2::AnyJob::definition().fingerprint(),
            v1::AnyJob::definition().fingerprint()
        )
    );
    // The timer armed under v2 is kept, not fired, by the old binary.
    let later = Timestamp::now() + Duration::from_secs(31);
    assert_eq!(store.fire_due::<v1::AnyJob>(later, 10).unwrap(), 0);
    assert_eq!(store.entities("job", None).unwrap(), before);
    assert_eq!(store.fire_due::<v2::AnyJob>(later, 10).unwrap(), 1);
}

/// The same for a machine whose definition is data.
pub(crate) fn dynamic_rows_carry_over_to_a_compatible_definition(fx: Fixture) {
    let door = |extra_state: &str, extra_event: &str| {
        Definition::from_json(&format!(
            r#"{{"name": "door",
                "states": [{{"name": "closed", "initial": true}}, {{"name": "open"}} {extra_state}],
                "events": [
                    {{"name": "open", "arms": [{{"from": ["closed"], "to": "open"}}]}},
                    {{"name": "close", "arms": [{{"from": ["open"], "to": "closed"}}]}} {extra_event}
                ],
                "timers": [{{"state": "open", "event": "close", "after_ms": 60000}}]}}"#
        ))
        .unwrap()
    };
    let bind = |def| Registry::<serde_json::Value>::new().bind(def).unwrap();
    let v1 = bind(door("", ""));
    let v2 = bind(door(
        r#", {"name": "locked"}"#,
        r#", {"name": "lock", "arms": [{"from": ["closed"], "to": "locked"}]},
             {"name": "unlock", "arms": [{"from": ["locked"], "to": "closed"}]}"#,
    ));
    let store = fx.open();
    for id in ["a", "b"] {
        store
            .create_dyn(id, &DynMachine::new(v1.clone(), json!({"n": 1})), &meta())
            .unwrap();
    }
    store
        .fire_dyn(&v1, "b", "open", &json!(null), &meta())
        .unwrap();

    let a = store.load_dyn(&v2, "a").unwrap();
    assert_eq!(a.machine.state_name(), "closed");
    let a = store
        .fire_dyn(&v2, "a", "lock", &json!(null), &meta())
        .unwrap();
    assert_eq!((a.machine.state_name(), a.version), ("locked", 2));
    assert_eq!(a.machine.context(), &json!({"n": 1}));
    let (kept, kind) = store.kept_definition("door").unwrap();
    assert_eq!(
        (kept.fingerprint(), kind),
        (v2.definition().fingerprint(), DefinitionKind::Dynamic)
    );

    let later = Timestamp::now() + Duration::from_secs(61);
    assert_eq!(store.fire_due_dyn(&v2, later, 10).unwrap(), 1);
    assert_eq!(store.fire_due_dyn(&v2, later, 10).unwrap(), 0);
    assert_eq!(
        store.load_dyn(&v2, "b").unwrap().machine.state_name(),
        "closed"
    );

    // v1 again, as an old binary would: `a` is in a state it lacks.
    let err = store.load_dyn(&v1, "a").unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Restore(RestoreError::NeedsMigration { .. })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("state `locked` was removed or renamed"),
        "{err}"
    );
}
