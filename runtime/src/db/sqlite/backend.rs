//! The SQLite backend: a file (or memory) opened, its schema checked, and
//! its one connection handed out to one operation or unit at a time.

use crate::db::contention::Contention;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension};
use tokio::sync::{Semaphore, oneshot};

use super::Synchronous;
use super::busy_wait;
use super::checkpointer::{BACKSTOP_PAGES, Checkpointer};
use super::connection::{Runner, Shared, SqliteConnection};
use super::options::SqliteOptions;
use super::sql::SqliteSql;
use crate::db::StoreError;
use crate::db::backend::{Backend, Scope};
use crate::db::migrations::{LATEST_VERSION, Migration, MigrationDialect};
use crate::db::schema::{TablePrefix, Tables, check_schema_current, check_schema_version};
use crate::db::table_mapping::MappedTable;

/// What to open.
pub(crate) enum Target {
    File(PathBuf),
    Memory,
}

/// The SQLite database of a store.
pub(crate) struct SqliteBackend {
    shared: Arc<Shared>,
    gate: Arc<Semaphore>,
    runner: Runner,
    /// How long an operation waits for another process's lock, in µs.
    busy_timeout: AtomicU64,
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

impl SqliteBackend {
    /// Opens `target` with `options`; its statements run where `runner`
    /// says. Opening itself runs there too: it reads and may create the
    /// file.
    pub(crate) async fn open(
        target: Target,
        options: &SqliteOptions,
        runner: Runner,
    ) -> Result<SqliteBackend, StoreError> {
        let opening = {
            let options = options.clone();
            move || open_connection(target, &options)
        };
        let (conn, tables, checkpointer) = match &runner {
            Runner::Caller => opening()?,
            Runner::Thread(jobs) => {
                let (answer, answered) = oneshot::channel();
                let job = Box::new(move || {
                    let _ = answer.send(opening());
                });
                let stopped =
                    || StoreError::Database("the SQLite connection's thread has stopped".into());
                jobs.send(job).map_err(|_| stopped())?;
                answered.await.map_err(|_| stopped())??
            }
        };
        Ok(SqliteBackend {
            shared: Arc::new(Shared {
                conn: Mutex::new(conn),
                sql: SqliteSql::new(&tables),
                tables,
                mapped: crate::db::table_mapping::MappedTables::default(),
                checkpointer,
            }),
            gate: Arc::new(Semaphore::new(1)),
            runner,
            busy_timeout: AtomicU64::new(micros(options.busy_timeout)),
        })
    }

    /// See [`SqliteStore::set_busy_timeout`](crate::db::SqliteStore::set_busy_timeout).
    pub(crate) fn set_busy_timeout(&self, timeout: Duration) {
        self.busy_timeout.store(micros(timeout), Ordering::Relaxed);
    }

    /// The connection itself, whoever holds it (tests only).
    #[cfg(test)]
    pub(crate) fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.shared
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The store's statements on the application's own connection.
    pub(crate) fn application<'c>(&self, conn: &'c mut Connection) -> SqliteConnection<'c> {
        SqliteConnection::application(conn, &self.shared)
    }

    /// Keeps `table`'s machine in the application's table, once the
    /// table and its columns are found.
    pub(crate) async fn map_table(&self, table: MappedTable) -> Result<(), StoreError> {
        let mut conn = self.begin(Scope::Read).await?;
        let mapped = conn
            .call(move |conn, s| super::mapped::register_in(conn, &s.tables, table))
            .await?;
        let machine = mapped.table.machine.clone();
        self.shared.mapped.insert(machine, mapped);
        Ok(())
    }

    pub(crate) fn tables(&self) -> &Tables {
        &self.shared.tables
    }

    fn deadline(&self) -> Option<Instant> {
        // A timeout past any instant the clock can hold waits a year.
        const A_YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
        let timeout = Duration::from_micros(self.busy_timeout.load(Ordering::Relaxed));
        Instant::now().checked_add(timeout.min(A_YEAR))
    }
}

impl Backend for SqliteBackend {
    type Connection = SqliteConnection<'static>;

    async fn begin(&self, scope: Scope) -> Result<SqliteConnection<'static>, StoreError> {
        let mut conn =
            SqliteConnection::take(&self.shared, &self.gate, &self.runner, self.deadline()).await?;
        // Reads need no transaction; writes take the database's write lock
        // from their start, so that a unit's reads and writes see one state.
        if scope != Scope::Read {
            conn.begin_immediate().await?;
        }
        Ok(conn)
    }

    async fn drop_tables(&self) -> Result<(), StoreError> {
        let mut conn = self.begin(Scope::Read).await?;
        conn.call(|conn, s| {
            // Statements prepared on the dropped tables must not be reused.
            conn.flush_prepared_statement_cache();
            let t = &s.tables;
            let mut sql = String::from("BEGIN IMMEDIATE;");
            let tables = [
                &t.timers,
                &t.history,
                &t.entities,
                &t.definitions,
                &t.idempotency,
                &t.outbox,
                &t.meta,
            ];
            for table in tables {
                sql.push_str(&format!("DROP TABLE IF EXISTS {table};"));
            }
            sql.push_str("COMMIT;");
            if let Err(e) = conn.execute_batch(&sql) {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e.into());
            }
            Ok(())
        })
        .await?;
        crate::db::backend::Connection::commit(conn).await
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn contention(&self) -> Option<&Contention> {
        // A unit holds the write lock from its start, at no round trip.
        None
    }
}

/// The store's connection: opened, waiting on other processes' locks the
/// store's way, in WAL (for a file), with its schema; and, for a file it
/// writes, the thread that checkpoints it.
fn open_connection(
    target: Target,
    options: &SqliteOptions,
) -> Result<(Connection, Tables, Option<Checkpointer>), StoreError> {
    let conn = match &target {
        Target::File(path) if options.read_only => {
            use rusqlite::OpenFlags;
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            Connection::open_with_flags(path, flags)?
        }
        Target::File(path) => Connection::open(path)?,
        Target::Memory => Connection::open_in_memory()?,
    };
    // Before anything that takes a lock: switching a new file to WAL and
    // creating the schema wait on other openers like any statement,
    // within one deadline.
    busy_wait::install(&conn)?;
    let _deadline = busy_wait::Deadline::start(options.busy_timeout);
    if let Target::File(_) = target
        && !options.read_only
    {
        switch_to_wal(&conn, options.busy_timeout)?;
    }
    conn.pragma_update(
        None,
        "synchronous",
        match options.synchronous {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        },
    )?;
    let tables = Tables::new(&options.prefix);
    if options.read_only || !options.migrate {
        let shown = match &target {
            Target::File(path) => path.display().to_string(),
            Target::Memory => ":memory:".to_owned(),
        };
        check_schema(&conn, &tables, &shown)?;
    } else {
        migrate(&conn, &tables, &options.prefix)?;
    }
    let checkpointer = match &target {
        Target::File(path) if !options.read_only => {
            let checkpointer = Checkpointer::start(path)?;
            conn.pragma_update(None, "wal_autocheckpoint", BACKSTOP_PAGES)?;
            Some(checkpointer)
        }
        _ => None,
    };
    Ok((conn, tables, checkpointer))
}

/// `journal_mode=WAL`, retried while another opener holds the lock: SQLite
/// does not call the busy handler for this pragma.
fn switch_to_wal(conn: &Connection, timeout: Duration) -> Result<(), StoreError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => return Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && started.elapsed() + pause < timeout =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Checks that the schema is there and is this build's, changing
/// nothing.
fn check_schema(conn: &Connection, t: &Tables, shown: &str) -> Result<(), StoreError> {
    match recorded_version(conn, t)? {
        None => Err(StoreError::NoSchema(format!(
            "{shown} (looked for `{}`)",
            t.meta
        ))),
        Some(found) => check_schema_current(found),
    }
}

/// The schema version the meta table records; `None` without one.
fn recorded_version(conn: &Connection, t: &Tables) -> Result<Option<i64>, StoreError> {
    let present: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
        [&t.meta],
        |r| r.get(0),
    )?;
    if !present {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            &format!("SELECT value FROM {} WHERE key = 'schema_version'", t.meta),
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Applies the migrations the database lacks, under the write lock;
/// refuses one written by a newer stateforge. A database already at this
/// build's version is only read.
fn migrate(conn: &Connection, t: &Tables, prefix: &TablePrefix) -> Result<(), StoreError> {
    if recorded_version(conn, t)? == Some(LATEST_VERSION) {
        return Ok(());
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let done = (|| -> Result<(), StoreError> {
        let found = recorded_version(conn, t)?;
        check_schema_version(found)?;
        for migration in Migration::after(found.unwrap_or(0)) {
            conn.execute_batch(&migration.sql(MigrationDialect::Sqlite, prefix))?;
        }
        conn.execute_batch("COMMIT")?;
        Ok(())
    })();
    if done.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    done
}
