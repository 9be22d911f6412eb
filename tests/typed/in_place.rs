//! Firing in place: `AnyJob::fire_in_place` on a machine held in a struct
//! field, its refusals, guarded alternatives, a panicking action, the
//! dropping of the fields the new state does not take, and the same
//! outcome as firing by value for every event in every state.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use stateforge::{Machine, Refusal};

/// The context: what the actions did, and whether the next one panics.
#[derive(Debug, Default, Clone, PartialEq)]
struct Shift {
    log: Vec<String>,
    panic_in_action: bool,
}

/// A worker's name that counts how many times a value of it was dropped.
#[derive(Debug)]
struct Badge {
    name: &'static str,
    drops: Rc<Cell<u32>>,
}

impl Drop for Badge {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

fn has_budget(shift: &Shift, _: &Running, attempt: &u32) -> bool {
    *attempt <= 3 && !shift.log.is_empty()
}

fn on_retry(shift: &mut Shift, from: &Running, attempt: &u32) {
    shift
        .log
        .push(format!("retry {attempt} of {}", from.badge.name));
    if shift.panic_in_action {
        panic!("the action panicked");
    }
}

fn on_run(shift: &mut Shift, _: &Queued, badge: &Badge) {
    shift.log.push(format!("run {}", badge.name));
}

fn quick(_: &Shift, _: &Retrying, took: &u32) -> bool {
    *took < 10
}

fn slow(_: &Shift, _: &Retrying, took: &u32) -> bool {
    *took < 100
}

stateforge::state_machine! {
    #[derive(Debug)]
    machine Job {
        context: Shift;
        initial state Queued;
        state Running { badge: Badge }
        state Retrying { badge: Badge, attempt: u32 }
        final state Done { took: u32 }
        final state Dropped;
        event run(badge: Badge): Queued -> Running => on_run;
        event retry(attempt: u32): Running -> Retrying if has_budget => on_retry;
        event finish(took: u32):
            Retrying -> Done if quick,
            Retrying -> Done if slow;
        event give_up: Running | Retrying -> Dropped;
    }
}

/// A machine held where `fire_in_place` is for: in a field.
struct Worker {
    job: AnyJob,
}

fn badge(name: &'static str, drops: &Rc<Cell<u32>>) -> Badge {
    Badge {
        name,
        drops: Rc::clone(drops),
    }
}

fn worker() -> Worker {
    Worker {
        job: AnyJob::from(Job::new(Shift::default())),
    }
}

#[test]
fn a_machine_in_a_field_fires_in_place() {
    let drops = Rc::new(Cell::new(0));
    let mut w = worker();
    w.job
        .fire_in_place(JobEvent::Run {
            badge: badge("ada", &drops),
        })
        .unwrap();
    assert_eq!(w.job.state(), JobState::Running);
    w.job.fire_in_place(JobEvent::Retry { attempt: 2 }).unwrap();
    let AnyJob::Retrying(job) = &w.job else {
        panic!("in {:?}, not retrying", w.job.state());
    };
    assert_eq!((job.state().badge.name, job.state().attempt), ("ada", 2));
    assert_eq!(w.job.context().log, ["run ada", "retry 2 of ada"]);
    assert_eq!(drops.get(), 0, "the badge moved along, never dropped");
}

#[test]
fn a_refused_event_comes_back_and_changes_nothing() {
    let mut w = worker();
    let refused = w
        .job
        .fire_in_place(JobEvent::Finish { took: 1 })
        .unwrap_err();
    assert_eq!(refused.refusal, Refusal::NoTransition);
    assert_eq!(
        refused.to_string(),
        "event `finish` is not allowed in state `queued`"
    );
    assert!(matches!(refused.event, JobEvent::Finish { took: 1 }));
    assert_eq!(w.job.state(), JobState::Queued);

    let drops = Rc::new(Cell::new(0));
    w.job
        .fire_in_place(JobEvent::Run {
            badge: badge("ada", &drops),
        })
        .unwrap();
    let refused = w
        .job
        .fire_in_place(JobEvent::Retry { attempt: 4 })
        .unwrap_err();
    assert_eq!(refused.refusal, Refusal::Guard("has_budget"));
    assert_eq!(refused.state, "running");
    assert!(matches!(refused.event, JobEvent::Retry { attempt: 4 }));
    assert_eq!(w.job.state(), JobState::Running);
    assert_eq!(w.job.context().log, ["run ada"], "no action ran");
    assert_eq!(drops.get(), 0);
}

#[test]
fn guarded_alternatives_choose_in_place() {
    let drops = Rc::new(Cell::new(0));
    let retrying = |took| {
        let mut w = worker();
        w.job
            .fire_in_place(JobEvent::Run {
                badge: badge("ada", &drops),
            })
            .unwrap();
        w.job.fire_in_place(JobEvent::Retry { attempt: 1 }).unwrap();
        let outcome = w.job.fire_in_place(JobEvent::Finish { took });
        (w, outcome)
    };
    let (w, outcome) = retrying(50);
    outcome.unwrap();
    let AnyJob::Done(job) = &w.job else {
        panic!("in {:?}, not done", w.job.state());
    };
    assert_eq!(job.state().took, 50);
    assert_eq!(drops.get(), 1, "the badge Done does not take was dropped");

    let (w, outcome) = retrying(500);
    let refused = outcome.unwrap_err();
    assert_eq!(refused.refusal, Refusal::Guards(&["quick", "slow"]));
    assert_eq!(w.job.state(), JobState::Retrying);
    assert_eq!(drops.get(), 1, "the refused machine kept its badge");
    drop(w);
    assert_eq!(drops.get(), 2);
}

#[test]
fn a_panicking_action_leaves_the_machine_whole_in_its_state() {
    let drops = Rc::new(Cell::new(0));
    let mut w = worker();
    w.job
        .fire_in_place(JobEvent::Run {
            badge: badge("ada", &drops),
        })
        .unwrap();
    w.job.context_mut().panic_in_action = true;
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        w.job.fire_in_place(JobEvent::Retry { attempt: 1 })
    }));
    assert!(panicked.is_err());
    // Still running, with its badge; the action's push happened before it
    // panicked.
    let AnyJob::Running(job) = &w.job else {
        panic!("in {:?}, not running", w.job.state());
    };
    assert_eq!(job.state().badge.name, "ada");
    assert_eq!(w.job.context().log, ["run ada", "retry 1 of ada"]);
    assert_eq!(drops.get(), 0);

    w.job.context_mut().panic_in_action = false;
    w.job.fire_in_place(JobEvent::GiveUp).unwrap();
    assert_eq!(w.job.state(), JobState::Dropped);
    assert_eq!(drops.get(), 1);
}

/// Through the `Machine` trait, as generic code calls it.
fn fire_all<M: Machine>(machine: &mut M, events: Vec<M::Event>) -> Vec<bool> {
    events
        .into_iter()
        .map(|e| machine.fire_in_place(e).is_ok())
        .collect()
}

/// A machine in each state, and every event, with fresh badges.
fn each_state(drops: &Rc<Cell<u32>>) -> Vec<AnyJob> {
    let ctx = Shift {
        log: vec!["start".into()],
        panic_in_action: false,
    };
    vec![
        AnyJob::restore(ctx.clone(), Queued),
        AnyJob::restore(
            ctx.clone(),
            Running {
                badge: badge("ada", drops),
            },
        ),
        AnyJob::restore(
            ctx.clone(),
            Retrying {
                badge: badge("bob", drops),
                attempt: 1,
            },
        ),
        AnyJob::restore(ctx.clone(), Done { took: 3 }),
        AnyJob::restore(ctx, Dropped),
    ]
}

fn every_event(drops: &Rc<Cell<u32>>) -> Vec<JobEvent> {
    vec![
        JobEvent::Run {
            badge: badge("eve", drops),
        },
        JobEvent::Retry { attempt: 2 },
        JobEvent::Retry { attempt: 9 },
        JobEvent::Finish { took: 5 },
        JobEvent::Finish { took: 50 },
        JobEvent::Finish { took: 500 },
        JobEvent::GiveUp,
    ]
}

#[test]
fn in_place_and_by_value_agree_for_every_event_in_every_state() {
    let drops = Rc::new(Cell::new(0));
    let events = every_event(&drops).len();
    let mut taken = 0;
    for s in 0..each_state(&drops).len() {
        for e in 0..events {
            let by_value = each_state(&drops).swap_remove(s);
            let event = every_event(&drops).swap_remove(e);
            let (state, ctx, ok) = match by_value.fire(event) {
                Ok(next) => (next.state(), next.context().clone(), true),
                Err(refused) => (
                    refused.machine.state(),
                    refused.machine.context().clone(),
                    false,
                ),
            };
            let mut in_place = each_state(&drops).swap_remove(s);
            let event = every_event(&drops).swap_remove(e);
            assert_eq!(fire_all(&mut in_place, vec![event]), [ok]);
            assert_eq!((in_place.state(), in_place.context()), (state, &ctx));
            taken += usize::from(ok);
        }
    }
    assert_eq!(taken, 6, "the transitions taken among the pairs tried");
    assert_eq!(Rc::strong_count(&drops), 1, "every badge was dropped");
}
