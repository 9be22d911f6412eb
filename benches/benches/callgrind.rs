//! A driver for instruction counts: runs one workload of `typed.rs` or
//! `any_enum.rs` a given number of times, so that
//! `valgrind --tool=callgrind` counts the instructions of exactly the code
//! criterion times. Without a known workload name (as under `cargo bench`,
//! which passes its own arguments), it does nothing.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p stateforge-benches --bench callgrind --no-run
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     /work/target-bench/release/deps/callgrind-<hash> cycle_ours 1000000
//! callgrind_annotate /tmp/cg.out | grep workloads
//! ```
//! Instructions per round = the count of the workload's function / rounds.

#![allow(missing_docs)]

#[path = "common/any.rs"]
mod any;
#[path = "common/typed.rs"]
mod typed;

/// A workload: its name and the function running it `n` times.
type Workload = (&'static str, fn(u64));

/// Every workload, by the name of its function.
const WORKLOADS: [Workload; 23] = [
    ("typed_ours", typed::typed_ours),
    ("typed_hand", typed::typed_hand),
    ("cycle_ours", any::cycle_ours),
    ("cycle_hand", any::cycle_hand),
    ("cycle_hand_in_place", any::cycle_hand_in_place),
    ("cycle_hand_split", any::cycle_hand_split),
    ("cycle_hand_split_in_place", any::cycle_hand_split_in_place),
    ("cycle_fsm", any::cycle_fsm),
    ("cycle_smlang", any::cycle_smlang),
    ("cycle_statig", any::cycle_statig),
    ("refused_ours", any::refused_ours),
    ("refused_hand", any::refused_hand),
    ("refused_hand_in_place", any::refused_hand_in_place),
    ("refused_fsm", any::refused_fsm),
    ("refused_smlang", any::refused_smlang),
    ("cycle_ours_in_place", any::cycle_ours_in_place),
    ("refused_ours_in_place", any::refused_ours_in_place),
    ("lean_ours_in_place", any::lean_ours_in_place),
    ("lean_ours", any::lean_ours),
    ("lean_hand_in_place", any::lean_hand_in_place),
    ("lean_fsm", any::lean_fsm),
    ("lean_smlang", any::lean_smlang),
    ("cycle_ours_compound", any::cycle_ours_compound),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_default();
    let rounds = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    if let Some(&(_, run)) = WORKLOADS.iter().find(|(n, _)| *n == name) {
        run(rounds);
    }
}
