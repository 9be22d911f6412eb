//! How the blocking API drives a backend: the one thing that differs
//! between [`SqliteStore`](crate::db::SqliteStore),
//! [`PgStore`](crate::db::PgStore) and [`Store`](super::Store), whose
//! operations are written once, in [`StoreOn`](super::StoreOn) and
//! [`UnitOn`](super::UnitOn).

use crate::db::StoreError;
use crate::db::backend::{Connection, Scope};
use crate::db::ops::Connections;
use crate::db::table_mapping::MappedTable;
use std::future::Future;

/// A backend as the blocking API drives it: where its futures run, and
/// what a unit of work holds.
///
/// Crate-private: the backends are the crate's own (the public
/// [`Sqlite`](super::Sqlite), [`Postgres`](super::Postgres) and
/// [`Either`](super::Either) implement it), so the stores' methods are
/// public while the driving stays inside.
pub(crate) trait Driver: Send + Sync + 'static {
    /// The connection a unit of work holds, borrowed for `'c` where the
    /// unit runs in the application's own transaction (SQLite's
    /// `unit_in`).
    type Conn<'c>: Connection;

    /// The backend, as a task of [`Driver::spawn_wait`] owns it.
    type Shared: Connections<Conn = Self::Conn<'static>> + 'static;

    /// `"sqlite"` or `"postgres"`.
    fn name(&self) -> &'static str;

    /// A connection for `scope`, in a transaction when the scope needs one.
    fn begin(&self, scope: Scope) -> impl Future<Output = Result<Self::Conn<'static>, StoreError>>;

    /// The backend, for a task.
    fn shared(&self) -> Self::Shared;

    /// Whether a fire outside a unit reads without a lock and retries on
    /// a conflict ([`Backend::reads_optimistically`](crate::db::backend::Backend::reads_optimistically)).
    fn reads_optimistically(&self) -> bool;

    /// Drops the store's tables.
    fn drop_tables(&self) -> Result<(), StoreError>;

    /// Keeps `table`'s machine in the application's own table.
    fn map_table(&self, table: MappedTable) -> Result<(), StoreError>;

    /// A unit's connection for the unit's lifetime: every connection the
    /// backend hands out outlives any unit.
    fn shorten<'a>(conn: Self::Conn<'static>) -> Self::Conn<'a>;

    /// Runs `future` to its end on this thread.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Runs `future`, which owns what it needs, to its end: as a task of
    /// the store's runtime where it has one (its round trips then never
    /// wake this thread, which waits once for the answer), else here.
    fn spawn_wait<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Drops a unit's connection that did not commit, rolling it back.
    fn discard(&self, conn: Self::Conn<'_>) {
        drop(conn);
    }
}

/// Runs an operation to its end on this thread, when its statements run
/// inside the poll (SQLite's blocking connection): it is then done after
/// one poll unless it waits for the connection another thread holds,
/// and only then is a real waker needed; the operation is blocked on
/// from where it stands.
#[cfg(feature = "sqlite")]
pub(crate) fn block_here<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut noop = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut noop) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => futures_executor::block_on(future),
    }
}
