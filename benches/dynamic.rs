//! Firing cost of a machine whose definition is data, beside hand-written
//! tables: use case 1's task machine cycling assign, start, fail, retry.
//!
//! Run: `cargo bench --bench dynamic -- --warm-up-time 1 --measurement-time 3`.

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stateforge::Definition;
use stateforge::runtime::{DynMachine, Registry};

const CYCLE: [&str; 4] = ["assign", "start", "fail", "retry"];

/// The baseline: a dense table of next states, `None` where there is no
/// arm, built at run time as a data-driven runtime would build it.
struct HandTable {
    events: usize,
    next: Vec<Option<usize>>,
    retry: usize,
}

impl HandTable {
    fn task() -> (HandTable, HashMap<&'static str, usize>) {
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
    fn fire(&self, state: usize, event: usize, can_retry: &dyn Fn() -> bool) -> Option<usize> {
        let to = self.next[state * self.events + event]?;
        if event == self.retry && !can_retry() {
            return None;
        }
        Some(to)
    }
}

fn firing(c: &mut Criterion) {
    let (table, names) = HandTable::task();
    let can_retry: &dyn Fn() -> bool = &|| black_box(true);
    let cycle_ids: Vec<usize> = CYCLE.iter().map(|n| names[n]).collect();

    let bound = Registry::<u32>::new()
        .guard("can_retry", |attempts, _| black_box(*attempts) < 3)
        .bind(Definition::example())
        .expect("every guard is registered");
    let def = bound.definition();
    let dyn_ids: Vec<_> = CYCLE.iter().map(|n| def.event_id(n).unwrap()).collect();
    let complete = def.event_id("complete").unwrap();
    let args = serde_json::Value::Null;

    let mut group = c.benchmark_group("task cycle (4 events)");
    group.bench_function("a: hand table by id", |b| {
        let mut state = 0;
        b.iter(|| {
            for &e in &cycle_ids {
                state = table.fire(state, black_box(e), can_retry).unwrap();
            }
            black_box(state)
        });
    });
    group.bench_function("b: DynMachine by id", |b| {
        let mut m = DynMachine::new(bound.clone(), 0u32);
        b.iter(|| {
            for &e in &dyn_ids {
                m.fire_id(black_box(e), &args).unwrap();
            }
            black_box(m.state())
        });
    });
    group.bench_function("c: DynMachine by name", |b| {
        let mut m = DynMachine::new(bound.clone(), 0u32);
        b.iter(|| {
            for e in CYCLE {
                m.fire(black_box(e), &args).unwrap();
            }
            black_box(m.state())
        });
    });
    group.bench_function("d: hand table by name (HashMap)", |b| {
        let mut state = 0;
        b.iter(|| {
            for e in CYCLE {
                let id = names[black_box(e)];
                state = table.fire(state, id, can_retry).unwrap();
            }
            black_box(state)
        });
    });
    group.finish();

    let mut group = c.benchmark_group("rejected event");
    group.bench_function("a: hand table by id", |b| {
        let complete = names["complete"];
        b.iter(|| black_box(table.fire(black_box(0), black_box(complete), can_retry)));
    });
    group.bench_function("b: DynMachine by id", |b| {
        let mut m = DynMachine::new(bound.clone(), 0u32);
        b.iter(|| black_box(m.fire_id(black_box(complete), &args).is_err()));
    });
    group.finish();
}

criterion_group!(benches, firing);
criterion_main!(benches);
