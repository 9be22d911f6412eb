//! Listeners of a typed machine with compound and parallel states, fired
//! through the store: they hear each transition by its configurations'
//! stored names, a before-listener's veto writes nothing, and the
//! after-listeners hear only what was written.

use std::sync::{Arc, Mutex};

use stateforge::Machine;
use stateforge::runtime::Listeners;
use stateforge::runtime::db::StoreError;

use super::Fixture;
use super::fixture::{assert_chain, meta};

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    pub machine Build {
        context: u32;
        initial state Queued;
        parallel state Checking {
            region Tests {
                initial state Running;
                final state Passed;
            }
            region Docs {
                initial state Writing;
                final state Written;
            }
        }
        final state Shipped;
        event start: Queued -> Checking;
        event pass: Running -> Passed;
        event write: Writing -> Written;
        event ship: done(Checking) -> Shipped;
    }
}

pub(crate) fn listeners_hear_configurations_and_vetoes_write_nothing(fx: Fixture) {
    let store = fx.open();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let mut listeners = Listeners::<AnyBuild>::new();
    listeners.before("no docs on fridays", |t, _| {
        if t.event == "write" {
            Err("docs wait for monday".to_owned())
        } else {
            Ok(())
        }
    });
    let log = Arc::clone(&heard);
    listeners.after("log", move |t, _| {
        log.lock()
            .unwrap()
            .push(format!("{}: {} -> {}", t.event, t.from, t.to));
        Ok(())
    });
    store
        .create("b", &AnyBuild::from(Build::new(0)), &meta())
        .unwrap();
    store
        .fire_with(&listeners, "b", BuildEvent::Start, &meta())
        .unwrap();
    store
        .fire_with(&listeners, "b", BuildEvent::Pass, &meta())
        .unwrap();
    let vetoed = store
        .fire_with(&listeners, "b", BuildEvent::Write, &meta())
        .unwrap_err();
    assert!(
        matches!(&vetoed, StoreError::Vetoed { listener, reason }
            if listener == "no docs on fridays" && reason == "docs wait for monday"),
        "{vetoed:?}"
    );
    let loaded = store.load::<AnyBuild>("b").unwrap();
    assert_eq!(
        loaded.machine.state_name(),
        "checking.tests.passed,checking.docs.writing"
    );
    assert_eq!(loaded.version, 3, "the vetoed event wrote nothing");
    assert_eq!(
        *heard.lock().unwrap(),
        [
            "start: queued -> checking.tests.running,checking.docs.writing",
            "pass: checking.tests.running,checking.docs.writing -> \
             checking.tests.passed,checking.docs.writing",
        ]
    );
    assert_eq!(assert_chain(&store, "build", "b"), 3);
}
