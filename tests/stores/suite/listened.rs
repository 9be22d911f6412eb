//! An after-listener of a store's `fire_with` is told who moved the
//! entity, why and in which session, not only where it went.

use std::sync::{Arc, Mutex};

use stateforge::runtime::Listeners;
use stateforge::runtime::db::TransitionMeta;

use super::fixture::Fixture;
use super::machines::{AnyTask, TaskEvent, new_task};

pub(crate) fn after_listeners_are_told_who_and_why(fx: Fixture) {
    let store = fx.open();
    store
        .create("t", &new_task(), &TransitionMeta::new())
        .unwrap();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&heard);
    let mut listeners = Listeners::<AnyTask>::new();
    listeners.after("audit", move |info, _| {
        let meta = info.meta.expect("a store's transition carries its meta");
        sink.lock().unwrap().push(format!(
            "{} {}->{} by {} because {}",
            info.event,
            info.from,
            info.to,
            meta.actor.as_deref().unwrap_or("-"),
            meta.reason.as_deref().unwrap_or("-"),
        ));
        Ok(())
    });
    let meta = TransitionMeta::new().actor("ada").reason("on call");
    store
        .fire_with(
            &listeners,
            "t",
            TaskEvent::Assign {
                agent: "ada".into(),
            },
            &meta,
        )
        .unwrap();
    assert_eq!(
        *heard.lock().unwrap(),
        ["assign pending->assigned by ada because on call"]
    );
}

/// Inside a unit, `fire_with` runs the before-listeners and returns the
/// transition, named; its `info` tells the after-listeners once the unit
/// has committed.
pub(crate) fn a_unit_names_what_it_fired_for_the_after_listeners(fx: Fixture) {
    let store = fx.open();
    store
        .create("t", &new_task(), &TransitionMeta::new())
        .unwrap();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&heard);
    let mut listeners = Listeners::<AnyTask>::new();
    listeners.after("audit", move |info, _| {
        sink.lock().unwrap().push(info.to_string());
        Ok(())
    });
    let meta = TransitionMeta::new().actor("ada");
    let fired = store
        .unit(|u| {
            u.fire_with(
                &listeners,
                "t",
                TaskEvent::Assign {
                    agent: "ada".into(),
                },
                &meta,
            )
        })
        .unwrap();
    assert!(heard.lock().unwrap().is_empty(), "not before the commit");
    assert_eq!(
        (
            fired.machine,
            fired.event,
            fired.from,
            fired.to,
            fired.loaded.version
        ),
        ("task", "assign", "pending", "assigned", 2)
    );
    let info = fired.info(&meta);
    assert_eq!(info.meta.and_then(|m| m.actor.as_deref()), Some("ada"));
    listeners.notify(&info, &fired.loaded.machine);
    assert_eq!(
        *heard.lock().unwrap(),
        ["task t: pending --assign--> assigned"]
    );
}
