//! Firing cost of a machine whose definition is data, beside hand-written
//! tables: the agent dispatcher's task machine cycling assign, start, fail, retry.
//!
//! Run: `cargo bench --bench dynamic -- --warm-up-time 1 --measurement-time 3`.

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

#[path = "hand_table.rs"]
mod hand_table;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hand_table::{CYCLE, HandTable, task_bound};
use stateforge::runtime::DynMachine;

fn firing(c: &mut Criterion) {
    let (table, names) = HandTable::task();
    let can_retry: &dyn Fn() -> bool = &|| black_box(true);
    let cycle_ids: Vec<usize> = CYCLE.iter().map(|n| names[n]).collect();

    let bound = task_bound();
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
