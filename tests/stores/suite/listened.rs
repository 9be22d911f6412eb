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
