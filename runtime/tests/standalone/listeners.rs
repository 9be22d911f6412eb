//! Listeners around transitions, for a `DynMachine` and for any `Machine`
//! (here a hand-written one, standing in for a generated any-enum): order,
//! veto, and after-listener failures and panics isolated.

use std::sync::{Arc, LazyLock, Mutex};

use serde_json::Value;
use stateforge_core::{Definition, Event, EventId, Machine, NotAllowed, Refusal, StateId};
use stateforge_runtime::{DynError, DynMachine, FireError, Listeners, Registry};

type Seen = Arc<Mutex<Vec<String>>>;

fn dyn_task() -> DynMachine<u32> {
    let bound = Registry::<u32>::new()
        .guard("can_retry", |n, _| *n < 3)
        .bind(Definition::example())
        .unwrap();
    DynMachine::new(bound, 0)
}

/// Listeners that write `name: transition` into `seen`; `"error"` fails
/// and `"panic"` panics after writing.
fn listeners<M: 'static>(
    seen: &Seen,
    before: &[&'static str],
    after: &[&'static str],
) -> Listeners<M> {
    let mut l = Listeners::new();
    for &name in before {
        let seen = Arc::clone(seen);
        l.before(name, move |t, _| {
            seen.lock().unwrap().push(format!("{name}: {t}"));
            if name.starts_with("veto") {
                Err(format!("{name} says no"))
            } else {
                Ok(())
            }
        });
    }
    for &name in after {
        let seen = Arc::clone(seen);
        l.after(name, move |t, _| {
            seen.lock().unwrap().push(format!("{name}: {t}"));
            match name {
                "error" => Err("the audit service is down".into()),
                "panic" => panic!("a bug in a listener"),
                _ => Ok(()),
            }
        });
    }
    l
}

#[test]
fn dyn_listeners_run_in_the_order_added_and_see_the_transition() {
    let seen = Seen::default();
    let l = listeners(&seen, &["b1", "b2"], &["a1", "a2"]);
    let mut task = dyn_task();
    l.fire_dyn(&mut task, "assign", &Value::Null, Some("t-1"))
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "b1: task t-1: pending --assign--> assigned",
            "b2: task t-1: pending --assign--> assigned",
            "a1: task t-1: pending --assign--> assigned",
            "a2: task t-1: pending --assign--> assigned",
        ]
    );
}

#[test]
fn a_dyn_veto_names_the_listener_and_changes_nothing() {
    let seen = Seen::default();
    let l = listeners(&seen, &["b1", "veto_quota", "b3"], &["a1"]);
    let mut task = dyn_task();
    *task.context_mut() = 2;
    let err = l
        .fire_dyn(&mut task, "assign", &Value::Null, None)
        .unwrap_err();
    let DynError::Vetoed {
        ref at,
        ref listener,
        ref reason,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (at.state_name(), at.event_name(), &**listener, &**reason),
        ("pending", "assign", "veto_quota", "veto_quota says no")
    );
    assert_eq!(
        err.to_string(),
        "listener `veto_quota` vetoed event `assign` in state `pending`: veto_quota says no"
    );
    assert_eq!((task.state_name(), *task.context()), ("pending", 2));
    // The first veto wins: later before-listeners and every after-listener are skipped.
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "b1: task: pending --assign--> assigned",
            "veto_quota: task: pending --assign--> assigned"
        ]
    );
}

#[test]
fn a_dyn_event_without_an_arm_reaches_no_listener() {
    let seen = Seen::default();
    let l = listeners(&seen, &["b1"], &["a1"]);
    let mut task = dyn_task();
    let err = l
        .fire_dyn(&mut task, "complete", &Value::Null, None)
        .unwrap_err();
    assert!(matches!(err, DynError::NotAllowed { .. }), "{err:?}");
    let err = l
        .fire_dyn(&mut task, "archive", &Value::Null, None)
        .unwrap_err();
    assert!(matches!(err, DynError::UnknownEvent { .. }), "{err:?}");
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn a_dyn_guard_refusal_after_the_before_listeners_reaches_no_after_listener() {
    let seen = Seen::default();
    let l = listeners(&seen, &["b1"], &["a1"]);
    let mut task = DynMachine::restore(dyn_task().bound().clone(), "failed", 3).unwrap();
    let err = l
        .fire_dyn(&mut task, "retry", &Value::Null, None)
        .unwrap_err();
    assert!(matches!(err, DynError::GuardRefused { .. }), "{err:?}");
    assert_eq!(task.state_name(), "failed");
    assert_eq!(
        *seen.lock().unwrap(),
        ["b1: task: failed --retry--> pending"]
    );
}

#[test]
fn dyn_after_listener_error_and_panic_are_isolated() {
    let seen = Seen::default();
    let l = listeners(&seen, &[], &["error", "panic", "last"]);
    let mut task = dyn_task();
    l.fire_dyn(&mut task, "assign", &Value::Null, Some("t-9"))
        .unwrap();
    assert_eq!(
        task.state_name(),
        "assigned",
        "the transition stays applied"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[2], "last: task t-9: pending --assign--> assigned");
}

// A hand-written `Machine`: what the macro generates, reduced to the task
// machine's states and events without data.

#[derive(Debug, Clone, Copy, PartialEq)]
struct Task(StateId);

#[derive(Debug, Clone, Copy, PartialEq)]
struct TaskEvent(&'static str);

static TASK: LazyLock<Definition> = LazyLock::new(Definition::example);

impl Event for TaskEvent {
    fn id(&self) -> EventId {
        TASK.event_id(self.0).unwrap()
    }
}

impl Machine for Task {
    type Context = ();
    type Event = TaskEvent;
    fn definition() -> &'static Definition {
        &TASK
    }
    fn state_id(&self) -> StateId {
        self.0
    }
    fn context(&self) -> &() {
        &()
    }
    fn can_fire(&self, event: &TaskEvent) -> bool {
        TASK.transition(self.0, event.id()).is_some()
    }
    fn fire(self, event: TaskEvent) -> Result<Self, NotAllowed<Self, TaskEvent>> {
        match TASK.transition(self.0, event.id()) {
            Some(t) => Ok(Task(t.to)),
            None => Err(NotAllowed::new(
                self,
                event,
                self.state_name(),
                event.0,
                Refusal::NoTransition,
            )),
        }
    }
}

fn task() -> Task {
    Task(TASK.initial())
}

#[test]
fn machine_listeners_run_in_order_around_fire() {
    let seen = Seen::default();
    let l = listeners(&seen, &["b1", "b2"], &["a1", "a2"]);
    let t = l.fire(task(), TaskEvent("assign"), Some("t-1")).unwrap();
    assert_eq!(t.state_name(), "assigned");
    let names: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s[..2].to_owned())
        .collect();
    assert_eq!(names, ["b1", "b2", "a1", "a2"]);
    assert_eq!(
        seen.lock().unwrap()[3],
        "a2: task t-1: pending --assign--> assigned"
    );
}

#[test]
fn a_machine_veto_hands_back_the_unchanged_machine() {
    let seen = Seen::default();
    let l = listeners(&seen, &["veto_night"], &["a1"]);
    let err = l.fire(task(), TaskEvent("assign"), None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "listener `veto_night` vetoed the transition: veto_night says no"
    );
    let FireError::Vetoed { listener, .. } = &err else {
        panic!("expected a veto, got {err:?}");
    };
    assert_eq!(listener, "veto_night");
    let (machine, event) = err.into_parts();
    assert_eq!((machine, event), (task(), TaskEvent("assign")));
    assert_eq!(seen.lock().unwrap().len(), 1, "no after-listener ran");
}

#[test]
fn a_machine_refusal_reaches_no_listener() {
    let seen = Seen::default();
    let l = listeners(&seen, &["b1"], &["a1"]);
    let err = l.fire(task(), TaskEvent("complete"), None).unwrap_err();
    assert!(matches!(err, FireError::NotAllowed(_)), "{err:?}");
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn machine_after_listener_error_and_panic_are_isolated() {
    let seen = Seen::default();
    let l = listeners(&seen, &[], &["panic", "error", "last"]);
    let t = l.fire(task(), TaskEvent("assign"), None).unwrap();
    assert_eq!(t.state_name(), "assigned", "the transition stays applied");
    let names: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.split(':').next().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["panic", "error", "last"]);
}
