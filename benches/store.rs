//! The SQLite store beside the same SQL written by hand with rusqlite, in
//! one run: WAL with synchronous FULL and NORMAL, one transition per
//! transaction and a hundred per transaction.
//!
//! The hand-written version does the same work a transition needs: read
//! the state, version and JSON data, decode and re-encode the data (the
//! entity's record, as an application would), update where the version is
//! still the one read, append the history row with the time, commit.
//!
//! Beside both, the leanest transition a user could write by hand
//! (`sqlite_lean.rs`: a state and a version updated, a history row of
//! entity, from, to and time inserted), to show what the store's schema
//! and work cost against the least a transition can do.
//!
//! Run: `cargo bench --bench store -- --warm-up-time 1 --measurement-time 5`.

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::TransactionBehavior;
use stateforge::runtime::db::{Synchronous, TransitionMeta};

// The other steps of the ladder are for the instruction counts only.
#[allow(dead_code)]
#[path = "sqlite_lean.rs"]
mod sqlite_lean;
#[path = "sqlite_pair.rs"]
mod sqlite_pair;
use sqlite_pair::{AnyLight, LightEvent, hand, hand_toggle, store};

fn one_per_transaction(c: &mut Criterion, sync: Synchronous, label: &str) {
    let mut group = c.benchmark_group(format!("sqlite WAL {label}, 1 transition per transaction"));
    group.sample_size(30);
    let dir = tempfile::tempdir().unwrap();
    let ours = store(dir.path(), sync);
    let meta = TransitionMeta::new();
    group.bench_function("stateforge SqliteStore::fire", |b| {
        b.iter(|| {
            black_box(
                ours.fire::<AnyLight>("l", LightEvent::Toggle, &meta)
                    .unwrap()
                    .version,
            )
        });
    });
    let mut conn = hand(dir.path(), sync);
    group.bench_function("hand-written SQL", |b| {
        b.iter(|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            hand_toggle(&tx);
            tx.commit().unwrap();
        });
    });
    let mut lean = sqlite_lean::open(dir.path(), sqlite_lean::Step::Lean, sync);
    group.bench_function("leanest hand-written SQL", |b| {
        b.iter(|| {
            let tx = lean
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            sqlite_lean::toggle(&tx, sqlite_lean::Step::Lean);
            tx.commit().unwrap();
        });
    });
    group.finish();
}

fn hundred_per_transaction(c: &mut Criterion) {
    let mut group = c.benchmark_group("sqlite WAL NORMAL, 100 transitions per transaction");
    group.sample_size(20);
    let dir = tempfile::tempdir().unwrap();
    let ours = store(dir.path(), Synchronous::Normal);
    let meta = TransitionMeta::new();
    group.bench_function("stateforge SqliteStore::unit", |b| {
        b.iter(|| {
            ours.unit(|u| {
                for _ in 0..100 {
                    u.fire::<AnyLight>("l", LightEvent::Toggle, &meta)?;
                }
                Ok(())
            })
            .unwrap();
        });
    });
    let mut conn = hand(dir.path(), Synchronous::Normal);
    group.bench_function("hand-written SQL", |b| {
        b.iter(|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            for _ in 0..100 {
                hand_toggle(&tx);
            }
            tx.commit().unwrap();
        });
    });
    let mut lean = sqlite_lean::open(dir.path(), sqlite_lean::Step::Lean, Synchronous::Normal);
    group.bench_function("leanest hand-written SQL", |b| {
        b.iter(|| {
            let tx = lean
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap();
            for _ in 0..100 {
                sqlite_lean::toggle(&tx, sqlite_lean::Step::Lean);
            }
            tx.commit().unwrap();
        });
    });
    group.finish();
}

fn stores(c: &mut Criterion) {
    one_per_transaction(c, Synchronous::Full, "FULL");
    one_per_transaction(c, Synchronous::Normal, "NORMAL");
    hundred_per_transaction(c);
}

criterion_group!(benches, stores);
criterion_main!(benches);
