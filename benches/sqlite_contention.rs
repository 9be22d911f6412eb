//! Not a criterion benchmark: what a caller can expect when many processes
//! fire on one SQLite entity at once. `PROCS` processes each fire `FIRES`
//! transitions on the same entity (synchronous NORMAL) with the store's
//! busy timeout; the parent reports the wait per fire (p50, p99, max), the
//! fires that failed as busy, and how often the write lock changed hands
//! (from the history: consecutive versions written by different
//! processes). A writer whose opening waited past the timeout counts all
//! its fires as busy.
//!
//! ```sh
//! cargo bench --bench sqlite_contention -- 16 1000        # PROCS FIRES
//! cargo bench --bench sqlite_contention -- 16 1000 2000   # busy timeout, ms
//! ```

// A harness-less bench target: its items need no docs.
#![allow(missing_docs)]

#[path = "light.rs"]
mod light;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use light::{AnyLight, Light, LightEvent};
use stateforge::runtime::db::{
    HistoryQuery, SqliteOptions, SqliteStore, StoreError, Synchronous, TransitionMeta,
};

const CHILD: &str = "STATEFORGE_CONTENTION_CHILD";

fn options(busy_ms: u64) -> SqliteOptions {
    SqliteOptions::new()
        .synchronous(Synchronous::Normal)
        .busy_timeout(Duration::from_millis(busy_ms))
}

/// One writer: fires `fires` times and prints each wait in µs, `busy` for
/// a fire that failed as busy.
fn child(path: &Path, name: &str, fires: usize, busy_ms: u64) {
    let store = match SqliteStore::open_with_options(path, &options(busy_ms)) {
        Ok(store) => store,
        Err(StoreError::Transient { .. }) => {
            // Opening waited past the timeout: every fire it was to make
            // counts as failed.
            print!("{}", "busy\n".repeat(fires));
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let meta = TransitionMeta::new().actor(name);
    let mut out = String::new();
    for _ in 0..fires {
        let started = Instant::now();
        match store.fire::<AnyLight>("l", LightEvent::Toggle, &meta) {
            Ok(_) => out.push_str(&format!("{}\n", started.elapsed().as_micros())),
            Err(StoreError::Transient { .. }) => out.push_str("busy\n"),
            Err(e) => panic!("{e}"),
        }
    }
    print!("{out}");
}

fn percentile(sorted: &[u128], p: f64) -> u128 {
    if sorted.is_empty() {
        return 0;
    }
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let busy_ms = numbers.get(2).copied().unwrap_or(10_000);
    if let Ok(spec) = std::env::var(CHILD) {
        let mut parts = spec.splitn(3, '|');
        let (path, name, fires) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        child(Path::new(path), name, fires.parse().unwrap(), busy_ms);
        return;
    }
    let (Some(&procs), Some(&fires)) = (numbers.first(), numbers.get(1)) else {
        // `cargo bench` runs every bench target with `--bench`: nothing to do.
        eprintln!("usage: sqlite_contention PROCS FIRES [BUSY_TIMEOUT_MS]");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contention.db");
    let store = SqliteStore::open_with_options(&path, &options(busy_ms)).unwrap();
    store
        .create("l", &AnyLight::from(Light::new(0)), &TransitionMeta::new())
        .unwrap();
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let children: Vec<_> = (0..procs)
        .map(|i| {
            Command::new(&exe)
                .args(&args)
                .env(CHILD, format!("{}|p{i}|{fires}", path.display()))
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut waits = Vec::new();
    let mut busy = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "a writer failed");
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            match line.parse::<u128>() {
                Ok(us) => waits.push(us),
                Err(_) => busy += 1,
            }
        }
    }
    let elapsed = started.elapsed();
    waits.sort_unstable();
    let history = store
        .history(&HistoryQuery::entity("light", "l").limit(u64::MAX >> 1))
        .unwrap();
    let handoffs = history
        .windows(2)
        .skip(1)
        .filter(|w| w[0].actor != w[1].actor)
        .count();
    println!(
        "{procs} processes x {fires} fires, busy timeout {busy_ms} ms: {} fired in {:.1} s \
         ({:.0}/s), busy {busy}; wait p50 {:.2} ms, p99 {:.1} ms, max {:.1} ms; \
         lock changed hands {handoffs} times in {} transitions",
        waits.len(),
        elapsed.as_secs_f64(),
        waits.len() as f64 / elapsed.as_secs_f64(),
        percentile(&waits, 0.5) as f64 / 1000.0,
        percentile(&waits, 0.99) as f64 / 1000.0,
        percentile(&waits, 1.0) as f64 / 1000.0,
        history.len() - 1,
    );
}
