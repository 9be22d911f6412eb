//! WAL checkpoints off the committing path.
//!
//! By default SQLite checkpoints inside the commit that takes the WAL
//! past 1,000 pages: that commit waits while the pages are copied into
//! the database file. In a large database the copy is a scatter of
//! writes across the file, and that one commit in some hundred is what a
//! transition's tail latency is made of (BENCHMARKS.md, "SQLite's
//! checkpoints off the firing path"). A store on a file therefore runs
//! its checkpoints on a thread of its own, on a connection of its own,
//! a moment after commits, and keeps SQLite's automatic checkpoint only
//! as a backstop, far above where the thread keeps the WAL.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::db::StoreError;

/// How long the thread lets commits gather before it checkpoints them:
/// copying a page once for many commits that wrote it.
const PACE: Duration = Duration::from_millis(100);

/// The WAL size, in pages, at which a committing connection checkpoints
/// by itself: reached only if the thread falls behind (or a unit writes
/// that much at once).
pub(super) const BACKSTOP_PAGES: u32 = 10_000;

/// The thread that checkpoints a store's database file. Dropped with
/// the store, it stops the thread and waits for it: the file is closed
/// when the store is.
pub(crate) struct Checkpointer {
    /// `None` once dropped: the thread then stops.
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread for the database at `path`, in WAL already.
    pub(super) fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        let (wake, woken) = mpsc::sync_channel::<()>(1);
        let thread = std::thread::Builder::new()
            .name("stateforge-checkpoint".into())
            .spawn(move || run(&conn, &woken))
            .map_err(|e| {
                StoreError::Database(format!("cannot start the SQLite checkpoint thread: {e}"))
            })?;
        Ok(Checkpointer {
            wake: Some(wake),
            thread: Some(thread),
        })
    }

    /// Says a unit committed: the thread checkpoints a moment later.
    pub(super) fn committed(&self) {
        // A wake already pending covers this commit; a thread gone (it
        // panicked) leaves the checkpoints to the backstop.
        if let Some(wake) = &self.wake {
            let _ = wake.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.wake.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::warn!("the SQLite checkpoint thread panicked");
        }
    }
}

/// The thread: after each wake, lets commits gather for [`PACE`], then
/// checkpoints; ends when the store drops its end of `woken`.
fn run(conn: &Connection, woken: &Receiver<()>) {
    while woken.recv().is_ok() {
        let until = Instant::now() + PACE;
        loop {
            match woken.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(()) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        checkpoint(conn);
    }
}

/// Copies what the WAL holds into the database file, as far as readers
/// allow, waiting for nobody (`PASSIVE`).
fn checkpoint(conn: &Connection) {
    let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    });
    match done {
        Ok((busy, log, copied)) => {
            tracing::trace!(busy, log, copied, "checkpointed the WAL");
        }
        Err(error) => tracing::debug!(%error, "the WAL checkpoint failed; the next one retries"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Checkpointer;
    use crate::db::{SqliteStore, TransitionMeta};
    use crate::{DynMachine, Registry};

    /// Waits up to five seconds for `done`.
    fn eventually(mut done: impl FnMut() -> bool) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if done() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// A few commits, far below SQLite's automatic checkpoint, reach the
    /// database file without another commit.
    #[test]
    fn commits_reach_the_database_file_off_the_committing_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let store = SqliteStore::open(&path).unwrap();
        let size = || std::fs::metadata(&path).unwrap().len();
        let bound = Registry::new()
            .guard("can_retry", |_: &serde_json::Value, _| true)
            .bind(stateforge_core::Definition::example())
            .unwrap();
        let data = serde_json::json!({ "notes": "x".repeat(2_000) });
        let opened = size();
        for i in 0..20 {
            let machine = DynMachine::new(bound.clone(), data.clone());
            store
                .create_dyn(&format!("t-{i}"), &machine, &TransitionMeta::new())
                .unwrap();
        }
        assert!(
            eventually(|| size() > opened + 20 * 2_000),
            "the file stayed at {} bytes",
            size()
        );
    }

    /// Dropping the checkpointer stops its thread, even one waiting for
    /// commits to gather. (That the drop also waits for the thread, so
    /// that nothing holds the file after the store is dropped, is what
    /// the stores suite's read-only remount shows.)
    #[test]
    fn dropping_it_stops_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        let mut checkpointer = Checkpointer::start(&path).unwrap();
        checkpointer.committed();
        let thread = checkpointer.thread.take().unwrap();
        assert!(!thread.is_finished(), "it waits for commits to gather");
        drop(checkpointer);
        assert!(eventually(|| thread.is_finished()), "the thread ended");
    }
}
