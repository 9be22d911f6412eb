//! Many processes opening one SQLite file at the same moment: each waits
//! for the others as every statement does (the busy timeout), and the
//! schema is created once, whoever wins.

use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use stateforge::runtime::db::{SqliteStore, TransitionMeta};

use crate::suite::machines::new_task;

const CHILD_PATH: &str = "STATEFORGE_OPEN_CHILD_PATH";
const CHILD_START: &str = "STATEFORGE_OPEN_CHILD_START";
const PROCESSES: usize = 12;
const ROUNDS: usize = 8;

fn micros_now() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros()
}

/// The opener the parent starts: waits for the agreed instant, so that
/// every process opens at once, then opens and creates one entity. A
/// no-op unless the parent started it.
#[test]
fn opening_child() {
    let (Ok(path), Ok(start)) = (std::env::var(CHILD_PATH), std::env::var(CHILD_START)) else {
        return;
    };
    let start: u128 = start.parse().unwrap();
    while micros_now() < start {
        std::hint::spin_loop();
    }
    let store = SqliteStore::open(&path).unwrap_or_else(|e| panic!("open: {e}"));
    let id = format!("t-{}", std::process::id());
    store
        .create(&id, &new_task(), &TransitionMeta::new())
        .unwrap_or_else(|e| panic!("create: {e}"));
}

#[test]
fn processes_opening_a_new_file_at_once_all_succeed() {
    let exe = std::env::current_exe().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for round in 0..ROUNDS {
        let path = dir.path().join(format!("new-{round}.db"));
        // Far enough ahead for every process to be started and spinning.
        let start = micros_now() + 300_000;
        let children: Vec<_> = (0..PROCESSES)
            .map(|_| {
                Command::new(&exe)
                    .args(["--exact", "sqlite_opening::opening_child", "--nocapture"])
                    .env(CHILD_PATH, &path)
                    .env(CHILD_START, start.to_string())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            if !out.status.success() {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let line = stderr
                    .lines()
                    .find(|l| l.contains("open:") || l.contains("create:"))
                    .unwrap_or("no message");
                failures.push(format!("round {round}: {line}"));
            }
        }
        if failures.is_empty() {
            let store = SqliteStore::open(&path).unwrap();
            assert_eq!(store.entities("task", None).unwrap().len(), PROCESSES);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} opens failed:\n{}",
        failures.len(),
        PROCESSES * ROUNDS,
        failures.join("\n")
    );
}
