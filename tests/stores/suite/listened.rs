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
/// transition, named; the after-listeners are told once the unit has
/// committed, not before, and once.
pub(crate) fn a_unit_names_what_it_fired_for_the_after_listeners(fx: Fixture) {
    let store = fx.open();
    store
        .create("t", &new_task(), &TransitionMeta::new())
        .unwrap();
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&heard);
    let mut listeners = Listeners::<AnyTask>::new();
    listeners.after("audit", move |info, _| {
        let actor = info.meta.and_then(|m| m.actor.clone());
        sink.lock().unwrap().push(format!("{info} by {actor:?}"));
        Ok(())
    });
    let meta = TransitionMeta::new().actor("ada");
    let fired = store
        .unit(|u| {
            let fired = u.fire_with(
                &listeners,
                "t",
                TaskEvent::Assign {
                    agent: "ada".into(),
                },
                &meta,
            )?;
            assert!(heard.lock().unwrap().is_empty(), "not before the commit");
            Ok(fired)
        })
        .unwrap();
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
    assert_eq!(
        *heard.lock().unwrap(),
        ["task t: pending --assign--> assigned by Some(\"ada\")"]
    );
}

/// A unit rolled back tells its after-listeners nothing; one that commits
/// tells them each transition in order, and a panic in one listener is
/// caught: the unit stays committed and the next listener is told.
pub(crate) fn a_units_after_listeners_hear_only_of_its_commit(fx: Fixture) {
    let store = fx.open();
    let meta = TransitionMeta::new();
    for id in ["a", "b"] {
        store.create(id, &new_task(), &meta).unwrap();
    }
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&heard);
    let mut listeners = Listeners::<AnyTask>::new();
    listeners.after("broken", |_, _| panic!("a bug in a listener"));
    listeners.after("audit", move |info, _| {
        sink.lock().unwrap().push(info.to_string());
        Ok(())
    });
    let assign = || TaskEvent::Assign {
        agent: "ada".into(),
    };
    let refused = store.unit(|u| {
        u.fire_with(&listeners, "a", assign(), &meta)?;
        u.fire_with(&listeners, "b", TaskEvent::Complete, &meta)
    });
    assert!(refused.is_err(), "completing a pending task is refused");
    assert!(
        heard.lock().unwrap().is_empty(),
        "a rolled-back unit tells nothing"
    );
    assert_eq!(store.load::<AnyTask>("a").unwrap().version, 1);

    store
        .unit(|u| {
            u.lock_entities("task", &["a", "b"])?;
            u.fire_with(&listeners, "b", assign(), &meta)?;
            u.fire_with(&listeners, "a", assign(), &meta)
        })
        .unwrap();
    assert_eq!(
        *heard.lock().unwrap(),
        [
            "task b: pending --assign--> assigned",
            "task a: pending --assign--> assigned"
        ]
    );
    assert_eq!(store.load::<AnyTask>("a").unwrap().version, 2);
    assert_eq!(store.load::<AnyTask>("b").unwrap().version, 2);
}
