//! A pooled connection, the statements prepared on it, and the scope a
//! unit of work runs its statements in.
//!
//! A statement given as text is prepared first: a round trip to parse it,
//! then another to run it. Each connection keeps the statements it has
//! prepared, so after the first use a statement costs the one round trip
//! that runs it; and the first of a transition's statements a connection
//! needs brings the others along, all parsed in one round trip, so that a
//! connection's first fire by id costs three round trips, not four.
//!
//! The connection is `tokio-postgres` driven by a current-thread runtime
//! of its own (the synchronous `postgres` crate wraps the same client the
//! same way, but does not expose pipelining), because that client
//! pipelines: requests sent together cost one round trip. A
//! transaction's `BEGIN` travels with its first statement, and a unit that
//! ends with a write sends `COMMIT` with it, so a fire by id costs two
//! round trips (the row, then the write) instead of four.
//!
//! Every count here is of a connection in use: one taken from the pool
//! after more than [`IDLE_CHECK`] idle is pinged first, one round trip
//! more.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::future::{join, try_join_all};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Error, NoTls, Row, Statement, ToStatement};

/// A connection and the statements prepared on it, by SQL text.
///
/// The fields drop in order: the client first, which tells the
/// connection to end, then the driver, which lets it say goodbye.
pub(super) struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
    /// Set when the connection may be left inside a transaction (its
    /// rollback or commit failed): the pool then drops it instead of
    /// handing it out again.
    poisoned: Cell<bool>,
    /// When the connection last went back to the pool.
    idle_since: Instant,
    driver: Driver,
}

/// A pooled connection idle for longer is asked whether it still answers
/// before it is used: a server that closed it (a restart, a killed
/// backend, an idle timeout) is otherwise only noticed by the call that
/// uses it, which then fails. Busier connections skip the round trip.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// Runs `future` to its end on the connection's `runtime`.
///
/// In an async task tokio refuses to block on another runtime (it panics:
/// "Cannot start a runtime from within a runtime"); in a `spawn_blocking`
/// thread it allows it, but no public API tells the two apart: both have a
/// current runtime handle. So wherever there is one, the store blocks on a
/// scoped thread of its own, one thread per round trip (in a
/// `spawn_blocking` thread too, where it was not needed); outside any
/// runtime, the common case, it blocks on the caller's thread.
fn block_on<F>(runtime: &Runtime, future: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    if !inside_async_runtime() {
        return runtime.block_on(future);
    }
    std::thread::scope(|s| {
        s.spawn(|| runtime.block_on(future))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Whether this thread is inside an async runtime (an async task, or a
/// `spawn_blocking` thread: tokio does not tell them apart).
fn inside_async_runtime() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

/// A connection's own runtime. Inside another runtime tokio panics on
/// dropping one ("Cannot drop a runtime in a context where blocking is not
/// allowed"), so there it is shut down without waiting, as tokio offers
/// for this case; its one task, the connection, has ended by then
/// ([`Driver`]'s drop) or is dropped with it.
pub(super) struct OwnRuntime(Option<Runtime>);

impl OwnRuntime {
    fn get(&self) -> &Runtime {
        // Present from construction to drop.
        self.0
            .as_ref()
            .unwrap_or_else(|| unreachable!("a connection's runtime is present until dropped"))
    }
}

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take()
            && inside_async_runtime()
        {
            runtime.shutdown_background();
        }
    }
}

/// The runtime that drives the connection, and the connection's task.
struct Driver {
    runtime: OwnRuntime,
    connection: JoinHandle<()>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Run the connection to its end, so that it sends `Terminate`
        // (the server otherwise logs an unexpected EOF); a server that no
        // longer answers is not waited for long.
        let connection = &mut self.connection;
        let ending = async { tokio::time::timeout(Duration::from_secs(1), connection).await };
        if block_on(self.runtime.get(), ending).is_err() {
            tracing::debug!("PostgreSQL connection did not end within 1 s");
        }
    }
}

impl PgConn {
    /// Connects to `url` with a runtime of its own, then runs `setup` (the
    /// session's settings) on the new connection: one round trip per
    /// connection made, none per operation.
    ///
    /// The outer error is the runtime's (it could not be started), the
    /// inner one the server's.
    pub(super) fn connect(url: &str, setup: &str) -> Result<Result<PgConn, Error>, std::io::Error> {
        let runtime = OwnRuntime(Some(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
        ));
        let (client, connection) =
            match block_on(runtime.get(), tokio_postgres::connect(url, NoTls)) {
                Ok(connected) => connected,
                Err(e) => return Ok(Err(e)),
            };
        // A current-thread runtime drives this task whenever the
        // connection blocks on a request; it ends with the client.
        let connection = runtime.get().spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "PostgreSQL connection closed");
            }
        });
        let conn = PgConn {
            client,
            statements: HashMap::new(),
            poisoned: Cell::new(false),
            idle_since: Instant::now(),
            driver: Driver {
                runtime,
                connection,
            },
        };
        // Dropped on failure, which closes it.
        Ok(block_on(conn.driver.runtime.get(), conn.client.batch_execute(setup)).map(|()| conn))
    }

    /// A scope for a unit's statements, beside the statements prepared on
    /// this connection: each statement its own transaction, or all of them
    /// one, begun with the first.
    pub(super) fn scope(
        &mut self,
        transaction: bool,
    ) -> (Scope<'_>, &mut HashMap<String, Statement>) {
        let state = if transaction {
            TxState::Pending
        } else {
            TxState::Autocommit
        };
        let scope = Scope {
            runtime: self.driver.runtime.get(),
            client: &self.client,
            poisoned: &self.poisoned,
            state,
            aborted: false,
        };
        (scope, &mut self.statements)
    }

    /// Whether the pool may hand this connection out again.
    pub(super) fn is_reusable(&self) -> bool {
        !self.client.is_closed() && !self.poisoned.get()
    }

    /// Marks the connection as going back to the pool now.
    pub(super) fn park(&mut self) {
        self.idle_since = Instant::now();
    }

    /// Whether a connection taken from the pool may serve: reusable, and,
    /// when it sat idle past [`IDLE_CHECK`], still answering an empty
    /// query (one round trip).
    pub(super) fn still_serves(&self) -> bool {
        self.is_reusable()
            && (self.idle_since.elapsed() < IDLE_CHECK
                || block_on(self.driver.runtime.get(), self.client.batch_execute("")).is_ok())
    }
}

/// What became of a transaction asked to commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a transaction that went on past an error was rolled back, not committed"]
pub(super) enum Outcome {
    /// Its writes are in the database (or it had none).
    Committed,
    /// A statement in it had failed: PostgreSQL ends a transaction at its
    /// first error, so the server rolled it back.
    RolledBack,
}

/// Where a scope stands with its transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TxState {
    /// Each statement is its own transaction (a statement is atomic by
    /// itself: the single-statement operations need no `BEGIN`/`COMMIT`).
    Autocommit,
    /// A transaction whose `BEGIN` goes with the next statement.
    Pending,
    /// A transaction begun and not yet ended: rolled back when dropped.
    Open,
    /// The transaction has ended; later statements (a read that says why a
    /// write did nothing) run on their own.
    Ended,
}

/// Where a unit's statements run: inside a transaction, or each on its own.
pub(super) struct Scope<'a> {
    runtime: &'a Runtime,
    client: &'a Client,
    poisoned: &'a Cell<bool>,
    state: TxState,
    /// A statement of the open transaction failed: the server has aborted
    /// it, and a `COMMIT` would roll it back.
    aborted: bool,
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl Scope<'_> {
    /// Runs `request`, with the transaction's `BEGIN` ahead of it in the
    /// same round trip when it is the transaction's first.
    fn run<T: Send>(
        &mut self,
        request: impl Future<Output = Result<T, Error>> + Send,
    ) -> Result<T, Error> {
        let out = if self.state == TxState::Pending {
            // Open before anything is sent: a panic while the requests run
            // still leaves a scope that rolls back (or poisons) on drop.
            self.state = TxState::Open;
            let (begun, out) = block_on(
                self.runtime,
                join(self.client.batch_execute("BEGIN"), request),
            );
            // A failed `BEGIN` means a broken connection: the request ran
            // on its own, if at all.
            begun.and(out)
        } else {
            block_on(self.runtime, request)
        };
        if out.is_err() && self.state == TxState::Open {
            self.aborted = true;
        }
        out
    }

    /// Prepares every statement of `sqls`, in one round trip: the client
    /// sends each `Parse` before it waits for any answer.
    pub(super) fn prepare_all(&mut self, sqls: &[&str]) -> Result<Vec<Statement>, Error> {
        let client = self.client;
        let out = block_on(
            self.runtime,
            try_join_all(sqls.iter().map(|sql| client.prepare(sql))),
        );
        // Parsing inside an aborted transaction fails too.
        if out.is_err() && self.state == TxState::Open {
            self.aborted = true;
        }
        out
    }

    pub(super) fn query<S: ?Sized + ToStatement + Sync>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<Vec<Row>, Error> {
        let client = self.client;
        self.run(client.query(statement, params))
    }

    pub(super) fn query_opt<S: ?Sized + ToStatement + Sync>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<Option<Row>, Error> {
        let client = self.client;
        self.run(client.query_opt(statement, params))
    }

    pub(super) fn execute<S: ?Sized + ToStatement + Sync>(
        &mut self,
        statement: &S,
        params: Params<'_>,
    ) -> Result<u64, Error> {
        let client = self.client;
        self.run(client.execute(statement, params))
    }

    pub(super) fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        let client = self.client;
        self.run(client.batch_execute(sql))
    }

    /// Runs the transaction's last statement and its `COMMIT` in one round
    /// trip. When the statement fails, the server answers the `COMMIT` by
    /// rolling back, and the statement's error is returned.
    ///
    /// Only for a transaction whose one write is this statement: later
    /// statements (a read that says why the write did nothing) run on
    /// their own.
    pub(super) fn query_opt_and_commit(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
    ) -> Result<Option<Row>, Error> {
        let client = self.client;
        match self.state {
            TxState::Open => {
                let (out, committed) = block_on(
                    self.runtime,
                    join(
                        client.query_opt(statement, params),
                        client.batch_execute("COMMIT"),
                    ),
                );
                self.state = TxState::Ended;
                let row = out?;
                committed?;
                Ok(row)
            }
            // Nothing else was written: the statement is the transaction.
            TxState::Pending | TxState::Autocommit | TxState::Ended => {
                self.state = TxState::Ended;
                block_on(self.runtime, client.query_opt(statement, params))
            }
        }
    }

    /// Commits what the scope wrote (nothing to send when no statement
    /// ran). A transaction a failed statement aborted is rolled back
    /// instead, and says so: its caller may have gone on past the error.
    pub(super) fn commit(mut self) -> Result<Outcome, Error> {
        let (open, aborted) = (self.state == TxState::Open, self.aborted);
        self.state = TxState::Ended;
        if !open {
            return Ok(Outcome::Committed);
        }
        let sql = if aborted { "ROLLBACK" } else { "COMMIT" };
        let out = block_on(self.runtime, self.client.batch_execute(sql));
        if out.is_err() {
            self.poisoned.set(true);
        }
        out.map(|()| {
            if aborted {
                Outcome::RolledBack
            } else {
                Outcome::Committed
            }
        })
    }

    /// Whether the statements run inside one open transaction (rows read
    /// for a change are then locked until it ends).
    pub(super) fn is_transaction(&self) -> bool {
        matches!(self.state, TxState::Pending | TxState::Open)
    }
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        if self.state == TxState::Open {
            // A connection whose rollback failed is not pooled again; the
            // server rolls back by itself when it closes.
            if let Err(e) = block_on(self.runtime, self.client.batch_execute("ROLLBACK")) {
                tracing::debug!(error = %e, "rollback failed");
                self.poisoned.set(true);
            }
        }
    }
}
