//! A connection taken from the pool for one operation or one unit: a
//! transaction (a unit), or a pooled connection in autocommit (a single
//! operation), and how its statements reach the server.

use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Connection as _, Postgres, Transaction};

use super::Shared;
use crate::db::StoreError;

/// A statement with its values bound.
pub(super) type PgQuery = Query<'static, Postgres, PgArguments>;

/// `sql`, one of the backend's statements, as a query to bind values to
/// (prepared once per connection, and kept: sqlx caches statements by
/// their text).
pub(super) fn query(sql: &Arc<str>) -> PgQuery {
    sqlx::query(AssertSqlSafe(Arc::clone(sql)))
}

/// Where a connection's statements run.
enum Link<'c> {
    /// A unit's transaction: rolled back when dropped uncommitted (sqlx
    /// queues the `ROLLBACK`, sent before the connection is pooled again).
    Transaction(Transaction<'static, Postgres>),
    /// A pooled connection, each statement its own transaction.
    Autocommit(PoolConnection<Postgres>),
    /// The application's own transaction: its statements and the store's
    /// commit or roll back together, when the application says.
    Application(&'c mut sqlx::PgConnection),
}

/// A connection of a [`PgBackend`](super::PgBackend), for one operation
/// ([`Scope::Single`](crate::db::backend::Scope::Single)) or one unit of
/// work ([`Scope::Unit`](crate::db::backend::Scope::Unit)).
pub(crate) struct PgConnection<'c> {
    link: Link<'c>,
    pub(super) shared: Arc<Shared>,
    /// A statement of the transaction failed: PostgreSQL has ended it, and
    /// would answer a `COMMIT` by rolling back.
    aborted: bool,
}

/// The connection a writing statement runs on: the unit's, or (a single
/// operation on a pool whose sessions do not carry the lock timeout) a
/// transaction of its own that sets it, committed by [`Writer::finish`].
pub(super) enum Writer<'c> {
    Direct(&'c mut sqlx::PgConnection),
    Own(Transaction<'c, Postgres>),
}

impl Writer<'_> {
    pub(super) fn conn(&mut self) -> &mut sqlx::PgConnection {
        match self {
            Writer::Direct(conn) => conn,
            Writer::Own(tx) => tx,
        }
    }

    /// Commits the statement's own transaction, if it has one.
    pub(super) async fn finish(self) -> Result<(), sqlx::Error> {
        match self {
            Writer::Direct(_) => Ok(()),
            Writer::Own(tx) => tx.commit().await,
        }
    }
}

impl<'c> PgConnection<'c> {
    /// The store's statements on the application's transaction `conn`.
    pub(super) fn application(conn: &'c mut sqlx::PgConnection, shared: Arc<Shared>) -> Self {
        PgConnection {
            link: Link::Application(conn),
            shared,
            aborted: false,
        }
    }
}

impl PgConnection<'static> {
    pub(super) fn unit(tx: Transaction<'static, Postgres>, shared: Arc<Shared>) -> Self {
        PgConnection {
            link: Link::Transaction(tx),
            shared,
            aborted: false,
        }
    }

    pub(super) fn single(conn: PoolConnection<Postgres>, shared: Arc<Shared>) -> Self {
        PgConnection {
            link: Link::Autocommit(conn),
            shared,
            aborted: false,
        }
    }
}

impl PgConnection<'_> {
    /// Whether the statements run in a unit's transaction, the store's or
    /// the application's (rows read to be changed are then locked until
    /// it ends).
    pub(super) fn in_unit(&self) -> bool {
        matches!(self.link, Link::Transaction(_) | Link::Application(_))
    }

    /// The connection, for a statement that waits on no row lock (a read
    /// that locks nothing).
    pub(super) fn reader(&mut self) -> &mut sqlx::PgConnection {
        match &mut self.link {
            Link::Transaction(tx) => tx,
            Link::Autocommit(conn) => conn,
            Link::Application(conn) => conn,
        }
    }

    /// The connection for a statement that may wait on a lock: every wait
    /// is bounded by the lock timeout. The sessions of a pool the backend
    /// made carry it, and so does a unit's transaction; a single
    /// operation on the application's pool runs such a statement in a
    /// transaction of its own that sets it (`SET LOCAL`), leaving the
    /// session's settings as they were.
    pub(super) async fn writer(&mut self) -> Result<Writer<'_>, StoreError> {
        let shared = Arc::clone(&self.shared);
        match (&mut self.link, &shared.begin_bounded) {
            (Link::Autocommit(conn), Some(begin)) => {
                let begun = (**conn).begin_with(AssertSqlSafe(Arc::clone(begin))).await;
                begun.map(Writer::Own).map_err(|e| shared.redactor.error(e))
            }
            (Link::Transaction(tx), _) => Ok(Writer::Direct(tx)),
            (Link::Application(conn), _) => Ok(Writer::Direct(conn)),
            (Link::Autocommit(conn), None) => Ok(Writer::Direct(conn)),
        }
    }

    /// `e` as a store error; in a unit, the transaction is marked aborted
    /// (PostgreSQL ends a transaction at its first error).
    pub(super) fn failed(&mut self, e: sqlx::Error) -> StoreError {
        if self.in_unit() {
            self.aborted = true;
        }
        self.shared.redactor.error(e)
    }

    /// Commits the unit's transaction (a single operation's statements
    /// have each committed already). One a failed statement aborted is
    /// rolled back instead, and says so: its caller may have gone on past
    /// the error.
    pub(super) async fn finish(self) -> Result<(), StoreError> {
        let redactor = &self.shared.redactor;
        match self.link {
            Link::Autocommit(_) => Ok(()),
            // The application commits its transaction; a failed statement
            // has ended it, and the application's next statement or its
            // commit will say so too.
            Link::Application(_) if self.aborted => Err(StoreError::Database(
                "a statement of the store failed, and PostgreSQL ended the application's \
                 transaction at it"
                    .into(),
            )),
            Link::Application(_) => Ok(()),
            Link::Transaction(tx) if self.aborted => {
                tx.rollback().await.map_err(|e| redactor.error(e))?;
                Err(StoreError::Database(
                    "the unit was rolled back: a statement in it failed, and PostgreSQL \
                     ends a transaction at its first error"
                        .into(),
                ))
            }
            Link::Transaction(tx) => tx.commit().await.map_err(|e| redactor.error(e)),
        }
    }
}

/// The statements' round trips, their errors as store errors.
impl PgConnection<'_> {
    /// The rows of a read that locks nothing.
    pub(super) async fn read_all(&mut self, q: PgQuery) -> Result<Vec<PgRow>, StoreError> {
        let out = q.fetch_all(self.reader()).await;
        out.map_err(|e| self.failed(e))
    }

    /// The row, if any, of a read that locks nothing.
    pub(super) async fn read_optional(&mut self, q: PgQuery) -> Result<Option<PgRow>, StoreError> {
        let out = q.fetch_optional(self.reader()).await;
        out.map_err(|e| self.failed(e))
    }

    /// The rows of a statement that may wait on a lock.
    pub(super) async fn write_all(&mut self, q: PgQuery) -> Result<Vec<PgRow>, StoreError> {
        let out = {
            let mut writer = self.writer().await?;
            match q.fetch_all(writer.conn()).await {
                Ok(rows) => writer.finish().await.map(|()| rows),
                Err(e) => Err(e),
            }
        };
        out.map_err(|e| self.failed(e))
    }

    /// The row, if any, of a statement that may wait on a lock.
    pub(super) async fn write_optional(&mut self, q: PgQuery) -> Result<Option<PgRow>, StoreError> {
        let out = {
            let mut writer = self.writer().await?;
            match q.fetch_optional(writer.conn()).await {
                Ok(row) => writer.finish().await.map(|()| row),
                Err(e) => Err(e),
            }
        };
        out.map_err(|e| self.failed(e))
    }

    /// How many rows a statement that may wait on a lock changed.
    pub(super) async fn write_count(&mut self, q: PgQuery) -> Result<u64, StoreError> {
        let out = {
            let mut writer = self.writer().await?;
            match q.execute(writer.conn()).await {
                Ok(done) => writer.finish().await.map(|()| done.rows_affected()),
                Err(e) => Err(e),
            }
        };
        out.map_err(|e| self.failed(e))
    }
}
