//! A pooled connection, the statements prepared on it, and the scope a
//! unit of work runs its statements in.
//!
//! The `postgres` crate prepares every statement it is given as text: a
//! round trip to parse it, then another to run it. Each connection keeps
//! the statements it has prepared, so after the first use a statement
//! costs the one round trip that runs it.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Client, Row, Statement, Transaction};

/// A connection and the statements prepared on it, by SQL text.
pub(super) struct PgConn {
    pub(super) client: Client,
    pub(super) statements: HashMap<String, Statement>,
}

impl PgConn {
    pub(super) fn new(client: Client) -> Self {
        PgConn {
            client,
            statements: HashMap::new(),
        }
    }
}

/// Where a unit's statements run: inside a transaction, or each on its
/// own (a statement that is its own transaction is atomic by itself; the
/// single-statement operations need no `BEGIN` and `COMMIT` around them).
pub(super) enum Scope<'a> {
    Transaction(Transaction<'a>),
    Autocommit(&'a mut Client),
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl Scope<'_> {
    pub(super) fn prepare(&mut self, sql: &str) -> Result<Statement, postgres::Error> {
        match self {
            Scope::Transaction(tx) => tx.prepare(sql),
            Scope::Autocommit(client) => client.prepare(sql),
        }
    }

    pub(super) fn query(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
    ) -> Result<Vec<Row>, postgres::Error> {
        match self {
            Scope::Transaction(tx) => tx.query(statement, params),
            Scope::Autocommit(client) => client.query(statement, params),
        }
    }

    pub(super) fn query_opt(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
    ) -> Result<Option<Row>, postgres::Error> {
        match self {
            Scope::Transaction(tx) => tx.query_opt(statement, params),
            Scope::Autocommit(client) => client.query_opt(statement, params),
        }
    }

    pub(super) fn execute(
        &mut self,
        statement: &Statement,
        params: Params<'_>,
    ) -> Result<u64, postgres::Error> {
        match self {
            Scope::Transaction(tx) => tx.execute(statement, params),
            Scope::Autocommit(client) => client.execute(statement, params),
        }
    }

    /// Whether the statements run inside one transaction (rows read for a
    /// change are then locked until it ends).
    pub(super) fn is_transaction(&self) -> bool {
        matches!(self, Scope::Transaction(_))
    }
}
