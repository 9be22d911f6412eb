//! SQLite under faults: a full disk, a read-only filesystem, a locked
//! database. Each gives a clear error, and the database stays consistent:
//! every entity's state is its last history record's `to`.
//!
//! The disk faults use a small tmpfs, which needs the right to mount (root
//! here and in CI); without it they say they were skipped.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use stateforge::runtime::db::{
    HistoryQuery, SqliteStore, StoreError, TransientKind, TransitionMeta,
};

stateforge::state_machine! {
    #[derive(Debug)]
    pub machine Doc {
        context: String;
        initial state Draft;
        state Review;
        event submit(note: String): Draft -> Review => append;
        event revise(note: String): Review -> Draft => append;
    }
}

fn append(text: &mut String, _from: &impl Sized, note: &str) {
    text.push_str(note);
}

/// A tmpfs of `size` mounted at `dir`, unmounted when dropped.
struct SmallDisk<'a>(&'a Path);

impl<'a> SmallDisk<'a> {
    fn mount(dir: &'a Path, size: &str) -> Option<SmallDisk<'a>> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk(dir))
    }

    fn remount(&self, read_only: bool) -> bool {
        Command::new("mount")
            .args([
                "-o",
                if read_only {
                    "remount,ro"
                } else {
                    "remount,rw"
                },
            ])
            .arg(self.0)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for SmallDisk<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0).status();
    }
}

fn assert_consistent(store: &SqliteStore, id: &str) -> u64 {
    let row = store
        .entities("doc", None)
        .unwrap()
        .into_iter()
        .find(|e| e.entity_id == id)
        .unwrap();
    let history = store
        .history(&HistoryQuery::entity("doc", id).limit(u64::MAX >> 1))
        .unwrap();
    for (i, r) in history.iter().enumerate() {
        assert_eq!(r.version, i as u64 + 1);
        if i > 0 {
            assert_eq!(r.from.as_deref(), Some(history[i - 1].to.as_str()));
        }
    }
    let last = history.last().unwrap();
    assert_eq!(
        (row.state.as_str(), row.version),
        (last.to.as_str(), last.version)
    );
    row.version
}

fn note() -> String {
    "x".repeat(2000)
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(dir.path(), "512k") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let path = dir.path().join("full.db");
    let store = SqliteStore::open(&path).unwrap();
    store
        .create(
            "d",
            &AnyDoc::from(Doc::new(String::new())),
            &TransitionMeta::new(),
        )
        .unwrap();
    let mut moved = 0;
    let err = loop {
        let event = if moved % 2 == 0 {
            DocEvent::Submit { note: note() }
        } else {
            DocEvent::Revise { note: note() }
        };
        match store.fire::<AnyDoc>("d", event, &TransitionMeta::new()) {
            Ok(_) => moved += 1,
            Err(e) => break e,
        }
        assert!(moved < 10_000, "the disk never filled");
    };
    assert!(
        // SQLITE_FULL, with SQLite's code and its error as the source.
        matches!(err, StoreError::Sql { code: Some(ref code), ref message, source: Some(_) }
            if message.contains("full") && code == "13"),
        "{err}"
    );
    // Each transition rewrites the whole (growing) record: a few fit.
    assert!(
        moved >= 3,
        "some transitions fit before the disk filled: {moved}"
    );
    // What committed is whole: the failed transition left nothing behind.
    assert_eq!(assert_consistent(&store, "d"), moved + 1);
    drop(store);
    drop(disk);
}

#[test]
fn a_read_only_filesystem_is_a_clear_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = SmallDisk::mount(dir.path(), "4m") else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return;
    };
    let path = dir.path().join("ro.db");
    let store = SqliteStore::open(&path).unwrap();
    store
        .create(
            "d",
            &AnyDoc::from(Doc::new(String::new())),
            &TransitionMeta::new(),
        )
        .unwrap();
    store
        .fire::<AnyDoc>(
            "d",
            DocEvent::Submit { note: "a".into() },
            &TransitionMeta::new(),
        )
        .unwrap();
    drop(store);
    // A filesystem with files open for writing cannot turn read-only; with
    // the store closed it can.
    assert!(disk.remount(true), "remount read-only");
    let err = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Sql { .. }), "{err}");
    assert!(disk.remount(false), "remount read-write");
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(assert_consistent(&store, "d"), 2);
    assert_eq!(
        store.load::<AnyDoc>("d").unwrap().machine.state(),
        DocState::Review
    );
}

#[test]
fn a_locked_database_is_a_clear_error_after_the_timeout_and_then_works() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let store = SqliteStore::open(&path).unwrap();
    store.set_busy_timeout(Duration::from_millis(200)).unwrap();
    store
        .create(
            "d",
            &AnyDoc::from(Doc::new(String::new())),
            &TransitionMeta::new(),
        )
        .unwrap();

    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let err = store
        .fire::<AnyDoc>(
            "d",
            DocEvent::Submit { note: "a".into() },
            &TransitionMeta::new(),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Transient { kind: TransientKind::Busy, ref message, .. } if message.contains("locked")
        ) && err.is_retryable(),
        "{err}"
    );
    other.execute_batch("COMMIT").unwrap();

    store
        .fire::<AnyDoc>(
            "d",
            DocEvent::Submit { note: "a".into() },
            &TransitionMeta::new(),
        )
        .unwrap();
    assert_eq!(assert_consistent(&store, "d"), 2);
}
