//! The workload of `dynamic.rs` and `dynamic_callgrind.rs`: the baseline,
//! a dense table of next states, `None` where there is no arm, built at
//! run time as a data-driven runtime would build it; and the same machine
//! bound for `DynMachine`.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;

use stateforge::Definition;
use stateforge::runtime::{Bound, Registry};

/// The cycle both sides fire: the agent dispatcher's task machine.
pub(crate) const CYCLE: [&str; 4] = ["assign", "start", "fail", "retry"];

/// The task machine as a `DynMachine` fires it, with the guard of `retry`
/// that the hand table's `can_retry` stands for.
pub(crate) fn task_bound() -> Arc<Bound<u32>> {
    Registry::<u32>::new()
        .guard("can_retry", |attempts, _| black_box(*attempts) < 3)
        .bind(Definition::example())
        .expect("every guard is registered")
}

/// The task machine's table.
pub(crate) struct HandTable {
    events: usize,
    next: Vec<Option<usize>>,
    retry: usize,
}

impl HandTable {
    /// The table and its event names.
    pub(crate) fn task() -> (HandTable, HashMap<&'static str, usize>) {
        let states = [
            "pending",
            "assigned",
            "in_progress",
            "completed",
            "failed",
            "escalated",
        ];
        let events = ["assign", "start", "complete", "fail", "escalate", "retry"];
        let s = |n: &str| states.iter().position(|x| *x == n).unwrap();
        let e = |n: &str| events.iter().position(|x| *x == n).unwrap();
        let arms = [
            ("pending", "assign", "assigned"),
            ("assigned", "start", "in_progress"),
            ("in_progress", "complete", "completed"),
            ("assigned", "fail", "failed"),
            ("in_progress", "fail", "failed"),
            ("assigned", "escalate", "escalated"),
            ("in_progress", "escalate", "escalated"),
            ("failed", "retry", "pending"),
        ];
        let mut next = vec![None; states.len() * events.len()];
        for (from, event, to) in arms {
            next[s(from) * events.len() + e(event)] = Some(s(to));
        }
        let names = events.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        (
            HandTable {
                events: events.len(),
                next,
                retry: e("retry"),
            },
            names,
        )
    }

    /// The next state, the `can_retry` guard consulted like the dynamic
    /// machine's.
    #[inline]
    pub(crate) fn fire(
        &self,
        state: usize,
        event: usize,
        can_retry: &dyn Fn() -> bool,
    ) -> Option<usize> {
        let to = self.next[state * self.events + event]?;
        if event == self.retry && !can_retry() {
            return None;
        }
        Some(to)
    }
}
