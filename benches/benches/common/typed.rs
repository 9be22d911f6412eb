//! The workloads of benchmark 1, shared by `typed.rs` (timed by criterion)
//! and the `callgrind` driver (instructions counted), so that both measure
//! the same code. Each runs `iters` cycles assign, start, fail, retry on
//! one machine and is `#[inline(never)]`, so that a profile names it; the
//! machine's code is inlined into its loop.
//!
//! Each argument goes through `black_box`, and so does the address of each
//! machine a transition returns: every transition is performed and its
//! machine stored, in both versions alike, and none is folded into the
//! next.

use std::hint::black_box;

use stateforge_benches::{Counters, hand_typed::HTask, ours::Task};

/// Our typed API.
#[inline(never)]
pub(crate) fn typed_ours(iters: u64) {
    let mut t = Task::new(Counters::default());
    for _ in 0..iters {
        let mut a = t.assign(black_box(7));
        black_box(&mut a);
        let mut p = a.start();
        black_box(&mut p);
        let mut f = p.fail(black_box(3));
        black_box(&mut f);
        t = f.retry().unwrap_or_else(|_| unreachable!());
        black_box(&mut t);
    }
    black_box(t);
}

/// The hand-written typestate, line for line the same.
#[inline(never)]
pub(crate) fn typed_hand(iters: u64) {
    let mut t = HTask::new(Counters::default());
    for _ in 0..iters {
        let mut a = t.assign(black_box(7));
        black_box(&mut a);
        let mut p = a.start();
        black_box(&mut p);
        let mut f = p.fail(black_box(3));
        black_box(&mut f);
        t = f.retry().unwrap_or_else(|_| unreachable!());
        black_box(&mut t);
    }
    black_box(t);
}
