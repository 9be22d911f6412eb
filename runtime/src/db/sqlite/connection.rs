//! The SQLite connection and who may use it.
//!
//! A store has one connection. A unit of work (or a single operation)
//! holds it from its start to its end, through a one-permit semaphore, so
//! that whoever holds the permit may lock the connection's mutex without
//! waiting. The async store never runs a statement on an executor thread:
//! each statement is a job sent to the connection's own thread, and its
//! answer comes back on a channel. The blocking store runs the same jobs
//! on the caller's thread: there is nothing to hand over to.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rusqlite::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use super::busy_wait::Deadline;
use super::checkpointer::Checkpointer;
use super::mapped::SqliteMapped;
use super::sql::SqliteSql;
use crate::db::StoreError;
use crate::db::schema::Tables;
use crate::db::table_mapping::MappedTables;

/// What every job of a store shares: the connection and its statements.
pub(crate) struct Shared {
    pub(crate) conn: Mutex<Connection>,
    pub(crate) tables: Tables,
    pub(crate) sql: SqliteSql,
    /// The machines kept in the application's own tables, by name.
    pub(crate) mapped: MappedTables<SqliteMapped>,
    /// The thread that checkpoints the WAL, for a store on a file.
    pub(crate) checkpointer: Option<Checkpointer>,
}

impl Shared {
    /// The mapping of `machine`, when it is kept in the application's
    /// table.
    pub(crate) fn mapped(&self, machine: &str) -> Option<Arc<SqliteMapped>> {
        self.mapped.get(machine)
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// Where a store's statements run.
#[derive(Clone)]
pub(crate) enum Runner {
    /// On the caller's thread (the blocking API).
    Caller,
    /// On the connection's own thread (the async API).
    Thread(mpsc::Sender<Job>),
}

impl Runner {
    /// A thread of its own for the connection; it ends when the last
    /// sender (the store and its open connections) is gone.
    pub(crate) fn thread() -> Result<Runner, StoreError> {
        let (sender, jobs) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("stateforge-sqlite".into())
            .spawn(move || {
                for job in jobs {
                    job();
                }
            })
            .map_err(|e| {
                StoreError::Database(format!("cannot start the SQLite connection's thread: {e}"))
            })?;
        Ok(Runner::Thread(sender))
    }
}

fn stopped() -> StoreError {
    StoreError::Database("the SQLite connection's thread has stopped".into())
}

/// The connection, held for one operation or one unit of work.
pub(crate) struct SqliteConnection<'c> {
    pub(crate) shared: Arc<Shared>,
    runner: Runner,
    /// The application's own connection, in its own transaction, when the
    /// unit runs there: its statements run on it, on the caller's thread,
    /// and the application commits or rolls back.
    /// (Borrowed mutably: a shared `&Connection` could not go between
    /// threads, and every connection of a store can.)
    application: Option<&'c mut Connection>,
    /// Held until the connection is dropped, after its rollback.
    permit: Option<OwnedSemaphorePermit>,
    /// Until when statements wait for another process's lock.
    deadline: Option<Instant>,
}

impl<'c> SqliteConnection<'c> {
    /// The store's statements on the application's connection `conn`, in
    /// the application's transaction.
    pub(crate) fn application(conn: &'c mut Connection, shared: &Arc<Shared>) -> Self {
        SqliteConnection {
            shared: Arc::clone(shared),
            runner: Runner::Caller,
            application: Some(conn),
            permit: None,
            deadline: None,
        }
    }
}

impl SqliteConnection<'static> {
    /// Waits for the connection (`gate`'s permit).
    pub(crate) async fn take(
        shared: &Arc<Shared>,
        gate: &Arc<Semaphore>,
        runner: &Runner,
        deadline: Option<Instant>,
    ) -> Result<SqliteConnection<'static>, StoreError> {
        let permit = Arc::clone(gate)
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Database("the SQLite store is closed".into()))?;
        Ok(SqliteConnection {
            shared: Arc::clone(shared),
            runner: runner.clone(),
            application: None,
            permit: Some(permit),
            deadline,
        })
    }
}

impl SqliteConnection<'_> {
    /// Whether the statements run on the calling thread (the blocking
    /// store, or the application's connection): a job may then borrow its
    /// inputs, see [`SqliteConnection::run_here`].
    pub(crate) fn runs_here(&self) -> bool {
        self.application.is_some() || matches!(self.runner, Runner::Caller)
    }

    /// Runs `job` on the connection on this thread, its inputs borrowed
    /// from the caller. Only where [`SqliteConnection::runs_here`];
    /// elsewhere the statements go to the connection's own thread, with
    /// owned inputs, through [`SqliteConnection::call`].
    pub(crate) fn run_here<T>(
        &mut self,
        job: impl FnOnce(&Connection, &Shared) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        debug_assert!(self.runs_here());
        if let Some(conn) = &mut self.application {
            return job(conn, &self.shared);
        }
        // A panic while the lock was held left the connection as it was;
        // the unit's rollback restores it.
        let conn = self
            .shared
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _deadline = Deadline::until(self.deadline);
        job(&conn, &self.shared)
    }

    /// Runs `job` on the connection, where this store runs its statements.
    pub(crate) async fn call<T, F>(&mut self, job: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &Shared) -> Result<T, StoreError> + Send + 'static,
    {
        let jobs = match (&self.application, &self.runner) {
            (None, Runner::Thread(jobs)) => jobs,
            _ => return self.run_here(job),
        };
        let shared = Arc::clone(&self.shared);
        let deadline = self.deadline;
        let run = move || {
            // As in `run_here`.
            let conn = shared
                .conn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let _deadline = Deadline::until(deadline);
            job(&conn, &shared)
        };
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(run))
                .unwrap_or_else(|_| Err(StoreError::Database("a statement panicked".into())));
            // The caller may have stopped waiting (its future was dropped):
            // the work is done either way.
            let _ = answer.send(outcome);
        });
        jobs.send(job).map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }

    /// Runs the application's `statements` on the connection, inside the
    /// open transaction, where the store runs its own: their outcome, or
    /// the store's error when they could not run (or panicked, or ended
    /// the transaction themselves).
    pub(crate) async fn run_application<T, E, F>(
        &mut self,
        statements: F,
    ) -> Result<Result<T, E>, StoreError>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        self.call(move |conn, _| {
            let outcome = statements(conn);
            // A `COMMIT` or `ROLLBACK` of theirs took the unit's earlier
            // writes out of its hands; going on would write outside it.
            if conn.is_autocommit() {
                return Err(StoreError::Database(
                    "the application's statements ended the unit's transaction; leave its \
                     COMMIT and ROLLBACK to the unit"
                        .into(),
                ));
            }
            Ok(outcome)
        })
        .await
    }

    /// Opens the write transaction: the database's write lock, held until
    /// the connection commits or is dropped.
    pub(crate) async fn begin_immediate(&mut self) -> Result<(), StoreError> {
        self.call(|conn, _| Ok(conn.execute_batch("BEGIN IMMEDIATE")?))
            .await
    }

    /// Commits the open transaction, if any.
    pub(crate) async fn commit_open(&mut self) -> Result<(), StoreError> {
        // The application commits its own transaction.
        if self.application.is_some() {
            return Ok(());
        }
        self.call(|conn, s| {
            if !conn.is_autocommit() {
                conn.execute_batch("COMMIT")?;
                if let Some(checkpointer) = &s.checkpointer {
                    checkpointer.committed();
                }
            }
            Ok(())
        })
        .await
    }
}

impl Drop for SqliteConnection<'_> {
    fn drop(&mut self) {
        // The application's transaction is the application's to end.
        if self.application.is_some() {
            return;
        }
        // Whether a transaction is open is asked of the connection itself,
        // where the rollback runs: a future dropped while its `BEGIN` or
        // `COMMIT` was on the way cannot know.
        let shared = Arc::clone(&self.shared);
        // The permit goes with the rollback: nobody takes the connection
        // before it is rolled back.
        let permit = self.permit.take();
        let rollback = move || {
            let conn = shared
                .conn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !conn.is_autocommit()
                && let Err(error) = conn.execute_batch("ROLLBACK")
            {
                tracing::warn!(%error, "rolling back an unfinished SQLite unit failed");
            }
            drop(permit);
        };
        match &self.runner {
            Runner::Caller => rollback(),
            Runner::Thread(jobs) => {
                // After the jobs already sent: those of this connection
                // still running when its future was dropped.
                if jobs.send(Box::new(rollback)).is_err() {
                    tracing::warn!("the SQLite connection's thread stopped before a rollback");
                }
            }
        }
    }
}
