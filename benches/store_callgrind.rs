//! Not a benchmark: runs `units` units of 100 transitions on the SQLite
//! store (`ours`), on the hand-written SQL of `store.rs` on the store's
//! tables (`hand`), or on a step of `sqlite_lean.rs`'s ladder from the
//! leanest hand-written transition (`lean`, `data`, `audit`), WAL with
//! synchronous NORMAL, for `valgrind --tool=callgrind`, whose instruction
//! counts repeat where times on a shared machine do not. Two unit counts
//! give the cost of a transition without the set-up:
//!
//! ```sh
//! cargo bench --bench store_callgrind --no-run
//! for side in ours hand audit data lean; do for units in 20 40; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/deps/store_callgrind-<hash> $side $units 2>&1 | grep refs
//! done; done   # (refs at 40 - refs at 20) / 2,000 = instructions per transition
//! ```

// A harness-less bench target: its items need no docs.
#![allow(missing_docs)]

#[path = "sqlite_lean.rs"]
mod sqlite_lean;
#[path = "sqlite_pair.rs"]
mod sqlite_pair;

use rusqlite::TransactionBehavior;
use sqlite_pair::{AnyLight, LightEvent, hand, hand_toggle, store};
use stateforge::runtime::db::{Synchronous, TransitionMeta};

fn main() {
    let mut args = std::env::args().skip(1);
    let side = args.next().unwrap_or_default();
    let units: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let step = sqlite_lean::Step::parse(&side);
    if units == 0 || !(matches!(side.as_str(), "ours" | "hand") || step.is_some()) {
        // `cargo bench` runs every bench target with `--bench`: nothing to do.
        eprintln!("usage: store_callgrind ours|hand|audit|data|lean UNITS");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    if let Some(step) = step {
        let mut conn = sqlite_lean::open(dir.path(), step, Synchronous::Normal);
        for _ in 0..units {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            for _ in 0..100 {
                sqlite_lean::toggle(&tx, step);
            }
            tx.commit().unwrap();
        }
    } else if side == "ours" {
        let ours = store(dir.path(), Synchronous::Normal);
        let meta = TransitionMeta::new();
        for _ in 0..units {
            ours.unit(|u| {
                for _ in 0..100 {
                    u.fire::<AnyLight>("l", LightEvent::Toggle, &meta)?;
                }
                Ok(())
            })
            .unwrap();
        }
    } else {
        let mut conn = hand(dir.path(), Synchronous::Normal);
        for _ in 0..units {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            for _ in 0..100 {
                hand_toggle(&tx);
            }
            tx.commit().unwrap();
        }
    }
}
