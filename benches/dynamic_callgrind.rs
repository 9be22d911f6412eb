//! Not a benchmark: fires `cycles` times the cycle of `dynamic.rs` (or one
//! refused event per cycle) on one side, for `valgrind --tool=callgrind`,
//! whose instruction counts repeat where times on a shared machine do not.
//! Two cycle counts give the cost of one cycle without the set-up:
//!
//! ```sh
//! cargo bench --bench dynamic_callgrind --no-run
//! for side in hand id name lookup refused-hand refused-id; do for n in 100000 200000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/deps/dynamic_callgrind-<hash> $side $n 2>&1 | grep refs
//! done; done   # (refs at 200000 - refs at 100000) / 100,000 = instructions per cycle
//! ```

// A harness-less bench target: its items need no docs.
#![allow(missing_docs)]

#[path = "hand_table.rs"]
mod hand_table;

use std::hint::black_box;

use hand_table::{CYCLE, HandTable, task_bound};
use stateforge::runtime::DynMachine;

const SIDES: [&str; 6] = ["hand", "id", "name", "lookup", "refused-hand", "refused-id"];

fn main() {
    let mut args = std::env::args().skip(1);
    let side = args.next().unwrap_or_default();
    let cycles: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    if cycles == 0 || !SIDES.contains(&side.as_str()) {
        // `cargo bench` runs every bench target with `--bench`: nothing to do.
        eprintln!("usage: dynamic_callgrind {} CYCLES", SIDES.join("|"));
        return;
    }
    let (table, names) = HandTable::task();
    let can_retry: &dyn Fn() -> bool = &|| black_box(true);
    let bound = task_bound();
    let def = bound.definition();
    let dyn_ids: Vec<_> = CYCLE.iter().map(|n| def.event_id(n).unwrap()).collect();
    let args = serde_json::Value::Null;
    let mut m = DynMachine::new(bound.clone(), 0u32);
    let mut state = 0;
    // Each side in its own function (`run` is monomorphized per closure):
    // one side's code does not change with another's.
    match side.as_str() {
        "hand" => {
            let ids: Vec<usize> = CYCLE.iter().map(|n| names[n]).collect();
            run(cycles, || {
                for &e in &ids {
                    state = table.fire(state, black_box(e), can_retry).unwrap();
                }
                black_box(state);
            });
        }
        "id" => run(cycles, || {
            for &e in &dyn_ids {
                m.fire_id(black_box(e), &args).unwrap();
            }
            black_box(m.state());
        }),
        "name" => run(cycles, || {
            for e in CYCLE {
                m.fire(black_box(e), &args).unwrap();
            }
            black_box(m.state());
        }),
        "lookup" => {
            // The names looked up, with this side's own loop: LLVM does
            // not compile it as it compiles `name`'s, so `name` minus `id`
            // is not this side's count; read a lookup's cost in the
            // disassembly of `name`.
            let mut found = 0;
            run(cycles, || {
                for e in CYCLE {
                    found += m.bound().event_id(black_box(e)).map_or(0, |id| id.index());
                }
            });
            black_box(found);
        }
        "refused-hand" => {
            let complete = names["complete"];
            run(cycles, || {
                black_box(table.fire(black_box(0), black_box(complete), can_retry));
            });
        }
        _ => {
            let complete = def.event_id("complete").unwrap();
            run(cycles, || {
                black_box(m.fire_id(black_box(complete), &args).is_err());
            });
        }
    }
}

/// `cycle` `cycles` times.
#[inline(never)]
fn run(cycles: usize, mut cycle: impl FnMut()) {
    for _ in 0..cycles {
        cycle();
    }
}
