//! The typed API of `state_machine!` beside a
//! hand-written typestate, on the task machine's cycle assign, start, fail,
//! retry (retry guarded and counted). The workloads are in
//! `common/typed.rs`.
//!
//! Run: `cargo bench -p stateforge-benches --bench typed`.

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/typed.rs"]
mod workloads;
use workloads::{typed_hand, typed_ours};

fn typed(c: &mut Criterion) {
    let mut group = c.benchmark_group("typed cycle");
    for (variant, run) in [
        ("stateforge Task<S>", typed_ours as fn(u64)),
        ("hand-written typestate", typed_hand),
    ] {
        group.bench_function(variant, |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                run(iters);
                start.elapsed()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, typed);
criterion_main!(benches);
