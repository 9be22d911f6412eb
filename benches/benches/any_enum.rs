//! Firing events by value. Our `AnyTask::fire`
//! beside a hand-written `enum` + `match` and the same machine in the
//! peers rust-fsm, smlang and statig, on the task machine's cycle assign, start,
//! fail, retry; then a refused event (`complete` in `pending`). statig
//! ignores an event no state handles without telling the caller, so it has
//! no refused case. Two more hand-written variants of the cycle keep the
//! context beside the state enum, as rust-fsm and smlang do, by value and
//! in place: what a change of `AnyTask`'s representation could gain. The
//! workloads are in `common/any.rs`.
//!
//! Then firing in place (`AnyTask::fire_in_place`) beside the
//! hand-written `match` in place and `fire` by value, and the task
//! machine without state data in place beside rust-fsm and smlang.
//!
//! Run: `cargo bench -p stateforge-benches --bench any_enum`; with
//! `ROTATE=k` in the environment, each group starts with its `k`th variant.

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "common/any.rs"]
mod workloads;
use workloads::*;

/// A workload: its name and the function running it `n` times.
type Workload = (&'static str, fn(u64));

/// The variants of each group, in the order they run without `ROTATE`.
const CYCLE: [Workload; 9] = [
    ("stateforge AnyTask::fire", cycle_ours),
    ("stateforge, in a compound state", cycle_ours_compound),
    ("hand-written enum + match", cycle_hand),
    ("hand-written, in place", cycle_hand_in_place),
    ("hand-written, context beside the state", cycle_hand_split),
    (
        "hand-written, context beside, in place",
        cycle_hand_split_in_place,
    ),
    ("rust-fsm", cycle_fsm),
    ("smlang", cycle_smlang),
    ("statig", cycle_statig),
];
const REFUSED: [Workload; 5] = [
    ("stateforge AnyTask::fire", refused_ours),
    ("hand-written enum + match", refused_hand),
    ("hand-written, in place", refused_hand_in_place),
    ("rust-fsm", refused_fsm),
    ("smlang", refused_smlang),
];

/// Runs the variants of a group starting with the `ROTATE`th (0 unless
/// the environment says otherwise), so that runs can change which variant
/// goes first and which follows which: whatever state the machine is in
/// after one variant does not always land on the same next one.
fn group(c: &mut Criterion, name: &str, variants: &[Workload]) {
    let rotate: usize = std::env::var("ROTATE").map_or(0, |r| {
        r.parse()
            .unwrap_or_else(|_| panic!("ROTATE={r:?}: expected a number of variants to skip"))
    });
    let mut group = c.benchmark_group(name);
    let order = variants.iter().cycle().skip(rotate % variants.len());
    for &(variant, run) in order.take(variants.len()) {
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

/// Firing in place against the hand-written `match` in place, with the
/// same state data.
const IN_PLACE: [Workload; 3] = [
    ("stateforge AnyTask::fire_in_place", cycle_ours_in_place),
    ("hand-written, in place", cycle_hand_in_place),
    ("stateforge AnyTask::fire", cycle_ours),
];
const IN_PLACE_REFUSED: [Workload; 3] = [
    ("stateforge AnyTask::fire_in_place", refused_ours_in_place),
    ("hand-written, in place", refused_hand_in_place),
    ("stateforge AnyTask::fire", refused_ours),
];
/// The machine without state data, in place, against the peers.
const LEAN: [Workload; 5] = [
    ("stateforge AnyLean::fire_in_place", lean_ours_in_place),
    ("hand-written, in place", lean_hand_in_place),
    ("rust-fsm", lean_fsm),
    ("smlang", lean_smlang),
    ("stateforge AnyLean::fire", lean_ours),
];

fn any_enum(c: &mut Criterion) {
    group(c, "any-enum cycle", &CYCLE);
    group(c, "any-enum refused (complete in pending)", &REFUSED);
    group(c, "in place: cycle", &IN_PLACE);
    group(
        c,
        "in place: refused (complete in pending)",
        &IN_PLACE_REFUSED,
    );
    group(c, "in place, no state data: cycle", &LEAN);
}

criterion_group!(benches, any_enum);
criterion_main!(benches);
