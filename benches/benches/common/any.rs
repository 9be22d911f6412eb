//! The workloads of benchmark 2, shared by `any_enum.rs` (timed by
//! criterion) and the `callgrind` driver (instructions counted), so that
//! both measure the same code. Each runs `iters` rounds on one machine and
//! is `#[inline(never)]`, so that a profile names it; the machine's code is
//! inlined into its loop.
//!
//! Each event goes through `black_box` (with the sequence visible, LLVM
//! folds a `match` over it, which no real caller gets), and so does the
//! address of the machine after each event: every version really stores
//! the state it reached, as any holder of a machine does, and none is
//! folded into the next event.

use std::hint::black_box;

use stateforge_benches::Counters;
use stateforge_benches::hand_enum::{Event, HAny, HSplit};
use stateforge_benches::lean::{AnyLean, HLean, Lean, LeanEvent, LeanInput};
use stateforge_benches::ours::{AnyTask, Task, TaskEvent};

#[path = "peers.rs"]
mod peers;
use peers::{lean_fsm, lean_smlang, peer_fsm, peer_smlang, peer_statig};

/// The cycle, as the hand-written enum, rust-fsm and statig take it.
const CYCLE: [Event; 4] = [Event::Assign(7), Event::Start, Event::Fail(3), Event::Retry];

/// The cycle, as ours takes it.
const OUR_CYCLE: [TaskEvent; 4] = [
    TaskEvent::Assign { agent: 7 },
    TaskEvent::Start,
    TaskEvent::Fail { reason: 3 },
    TaskEvent::Retry,
];

/// `AnyTask::fire`, by value.
#[inline(never)]
pub(crate) fn cycle_ours(iters: u64) {
    let mut t = AnyTask::from(Task::new(Counters::default()));
    for _ in 0..iters {
        for event in OUR_CYCLE {
            t = t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// `AnyTask::fire` by value, on the machine with a compound state
/// (`ours_compound`): the same cycle through the same configurations.
#[inline(never)]
pub(crate) fn cycle_ours_compound(iters: u64) {
    use stateforge_benches::ours_compound::{AnyTask, Task, TaskEvent};
    // A constant, as `OUR_CYCLE`: a fresh array of events each round.
    const CYCLE: [TaskEvent; 4] = [
        TaskEvent::Assign { agent: 7 },
        TaskEvent::Start,
        TaskEvent::Fail { reason: 3 },
        TaskEvent::Retry,
    ];
    let mut t = AnyTask::from(Task::new(Counters::default()));
    for _ in 0..iters {
        for event in CYCLE {
            t = t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// The hand-written `enum` + `match`, by value like ours.
#[inline(never)]
pub(crate) fn cycle_hand(iters: u64) {
    let mut t = HAny::new(Counters::default());
    for _ in 0..iters {
        for event in CYCLE {
            t = t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// The hand-written `enum` + `match`, in place (`&mut self`) like the
/// peers.
#[inline(never)]
pub(crate) fn cycle_hand_in_place(iters: u64) {
    let mut t = HAny::new(Counters::default());
    for _ in 0..iters {
        for event in CYCLE {
            t.fire_in_place(black_box(event))
                .unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// The hand-written `match` by value, with the context beside the state
/// enum.
#[inline(never)]
pub(crate) fn cycle_hand_split(iters: u64) {
    let mut t = HSplit::new(Counters::default());
    for _ in 0..iters {
        for event in CYCLE {
            t = t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// The same, in place.
#[inline(never)]
pub(crate) fn cycle_hand_split_in_place(iters: u64) {
    let mut t = HSplit::new(Counters::default());
    for _ in 0..iters {
        for event in CYCLE {
            t.fire_in_place(black_box(event))
                .unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// rust-fsm, with the data and the guard around `consume`.
#[inline(never)]
pub(crate) fn cycle_fsm(iters: u64) {
    let mut t = peer_fsm::FsmTask::new(Counters::default());
    for _ in 0..iters {
        for event in CYCLE {
            t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// smlang's `process_event`.
#[inline(never)]
pub(crate) fn cycle_smlang(iters: u64) {
    let mut t = peer_smlang::TaskStateMachine::new(peer_smlang::Ctx(Counters::default()));
    for _ in 0..iters {
        for event in peer_smlang::CYCLE {
            if t.process_event(black_box(event)).is_err() {
                unreachable!();
            }
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// statig's `handle`, on a machine initialized up front.
#[inline(never)]
pub(crate) fn cycle_statig(iters: u64) {
    use statig::prelude::*;
    let mut t = peer_statig::StTask::default()
        .uninitialized_state_machine()
        .init();
    for _ in 0..iters {
        for event in CYCLE {
            t.handle(&black_box(event));
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// `complete` in `pending`, refused by `AnyTask::fire`: the machine comes
/// back in the error.
#[inline(never)]
pub(crate) fn refused_ours(iters: u64) {
    let mut t = AnyTask::from(Task::new(Counters::default()));
    for _ in 0..iters {
        let refused = t
            .fire(black_box(TaskEvent::Complete))
            .err()
            .unwrap_or_else(|| unreachable!());
        t = refused.machine;
        black_box(&mut t);
    }
    black_box(t);
}

/// The same, refused by the hand-written `match`, by value.
#[inline(never)]
pub(crate) fn refused_hand(iters: u64) {
    let mut t = HAny::new(Counters::default());
    for _ in 0..iters {
        let (machine, _event) = t
            .fire(black_box(Event::Complete))
            .err()
            .unwrap_or_else(|| unreachable!());
        t = machine;
        black_box(&mut t);
    }
    black_box(t);
}

/// The same, refused by the hand-written `match`, in place.
#[inline(never)]
pub(crate) fn refused_hand_in_place(iters: u64) {
    let mut t = HAny::new(Counters::default());
    for _ in 0..iters {
        if t.fire_in_place(black_box(Event::Complete)).is_ok() {
            unreachable!();
        }
        black_box(&mut t);
    }
    black_box(t);
}

/// The same, refused by rust-fsm.
#[inline(never)]
pub(crate) fn refused_fsm(iters: u64) {
    let mut t = peer_fsm::FsmTask::new(Counters::default());
    for _ in 0..iters {
        if t.fire(black_box(Event::Complete)).is_ok() {
            unreachable!();
        }
        black_box(&mut t);
    }
    black_box(t);
}

/// The same, refused by smlang.
#[inline(never)]
pub(crate) fn refused_smlang(iters: u64) {
    let mut t = peer_smlang::TaskStateMachine::new(peer_smlang::Ctx(Counters::default()));
    for _ in 0..iters {
        if t.process_event(black_box(peer_smlang::TaskEvents::Complete))
            .is_ok()
        {
            unreachable!();
        }
        black_box(&mut t);
    }
    black_box(t);
}

/// `AnyTask::fire_in_place`: the machine stays in its variable.
#[inline(never)]
pub(crate) fn cycle_ours_in_place(iters: u64) {
    let mut t = AnyTask::from(Task::new(Counters::default()));
    for _ in 0..iters {
        for event in OUR_CYCLE {
            t.fire_in_place(black_box(event))
                .unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// `complete` in `pending`, refused by `AnyTask::fire_in_place`.
#[inline(never)]
pub(crate) fn refused_ours_in_place(iters: u64) {
    let mut t = AnyTask::from(Task::new(Counters::default()));
    for _ in 0..iters {
        if t.fire_in_place(black_box(TaskEvent::Complete)).is_ok() {
            unreachable!();
        }
        black_box(&mut t);
    }
    black_box(t);
}

/// The cycle as the machine without state data takes it.
const LEAN_CYCLE: [LeanInput; 4] = [
    LeanInput::Assign,
    LeanInput::Start,
    LeanInput::Fail,
    LeanInput::Retry,
];

/// The same, as ours takes it.
const OUR_LEAN_CYCLE: [LeanEvent; 4] = [
    LeanEvent::Assign,
    LeanEvent::Start,
    LeanEvent::Fail,
    LeanEvent::Retry,
];

/// `AnyLean::fire_in_place`, on the machine without state data.
#[inline(never)]
pub(crate) fn lean_ours_in_place(iters: u64) {
    let mut t = AnyLean::from(Lean::new(Counters::default()));
    for _ in 0..iters {
        for event in OUR_LEAN_CYCLE {
            t.fire_in_place(black_box(event))
                .unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// `AnyLean::fire`, by value.
#[inline(never)]
pub(crate) fn lean_ours(iters: u64) {
    let mut t = AnyLean::from(Lean::new(Counters::default()));
    for _ in 0..iters {
        for event in OUR_LEAN_CYCLE {
            t = t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// The hand-written `enum` + `match` in place, without state data.
#[inline(never)]
pub(crate) fn lean_hand_in_place(iters: u64) {
    let mut t = HLean::new(Counters::default());
    for _ in 0..iters {
        for event in LEAN_CYCLE {
            t.fire_in_place(black_box(event))
                .unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// rust-fsm, without state data.
#[inline(never)]
pub(crate) fn lean_fsm(iters: u64) {
    let mut t = lean_fsm::FsmLean::new(Counters::default());
    for _ in 0..iters {
        for event in LEAN_CYCLE {
            t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            black_box(&mut t);
        }
    }
    black_box(t);
}

/// smlang, without state data.
#[inline(never)]
pub(crate) fn lean_smlang(iters: u64) {
    let mut t = lean_smlang::LeanStateMachine::new(lean_smlang::Ctx(Counters::default()));
    for _ in 0..iters {
        for event in lean_smlang::CYCLE {
            if t.process_event(black_box(event)).is_err() {
                unreachable!();
            }
            black_box(&mut t);
        }
    }
    black_box(t);
}
