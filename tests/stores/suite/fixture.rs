//! A fresh, isolated store on one backend, with raw SQL beside it for
//! corrupting rows.

use stateforge::runtime::db::{
    HistoryQuery, StoreError, TablePrefix, TransitionMeta, blocking::Store,
};

use crate::pg_fixture::PgFixture;

/// Which database a [`Fixture`] is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    /// A fresh SQLite file in a temporary directory.
    Sqlite,
    /// The server at `STATEFORGE_PG_URL`, under a table prefix of the test's own.
    Postgres,
}

/// Stores on one isolated database: an SQLite file of its own, or tables
/// under a prefix of its own on PostgreSQL (dropped with the fixture).
/// Every [`Fixture::open`] is a new connection, as after a restart.
pub(crate) struct Fixture {
    backend: Backend,
    target: String,
    prefix: TablePrefix,
    /// Keeps the SQLite file's directory alive.
    _dir: Option<tempfile::TempDir>,
    /// On PostgreSQL, drops the tables with the fixture.
    _pg: Option<PgFixture>,
}

impl Fixture {
    /// A store in a fresh SQLite file, under the default prefix.
    /// (`Option` only to match [`Fixture::postgres`].)
    #[allow(clippy::unnecessary_wraps)]
    pub(crate) fn sqlite(_test: &str) -> Option<Fixture> {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("store.db").to_str().unwrap().to_owned();
        Some(Fixture {
            backend: Backend::Sqlite,
            target,
            prefix: TablePrefix::default(),
            _dir: Some(dir),
            _pg: None,
        })
    }

    /// Tables under a prefix of `test`'s own on the PostgreSQL server, or
    /// `None` when there is none (see [`pg_url`](crate::pg_fixture::pg_url)).
    pub(crate) fn postgres(test: &str) -> Option<Fixture> {
        let pg = PgFixture::new(test)?;
        Some(Fixture {
            backend: Backend::Postgres,
            target: pg.url.clone(),
            prefix: pg.prefix.clone(),
            _dir: None,
            _pg: Some(pg),
        })
    }

    /// The SQLite path or the PostgreSQL URL.
    pub(crate) fn target(&self) -> &str {
        &self.target
    }

    /// The table prefix.
    pub(crate) fn prefix(&self) -> &TablePrefix {
        &self.prefix
    }

    /// A new store on the fixture's database (migrating it if need be).
    pub(crate) fn open(&self) -> Store {
        let store = self.try_open().unwrap();
        let expected = match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        assert_eq!(store.backend(), expected);
        store
    }

    /// [`Fixture::open`], keeping the error.
    pub(crate) fn try_open(&self) -> Result<Store, StoreError> {
        Store::open_with(&self.target, &self.prefix)
    }

    /// The full name of one of the store's tables: `entities`, `meta`, ...
    pub(crate) fn table(&self, name: &str) -> String {
        format!("{}sf_{name}", self.prefix.as_str())
    }

    /// The target a child process opens, named `name` on PostgreSQL so that
    /// [`Fixture::wait_until_gone`] can find its connections.
    pub(crate) fn target_named(&self, name: &str) -> String {
        match self.backend {
            Backend::Sqlite => self.target.clone(),
            Backend::Postgres => {
                let sep = if self.target.contains('?') { '&' } else { '?' };
                format!("{}{sep}application_name={name}", self.target)
            }
        }
    }

    /// Waits until no connection opened through [`Fixture::target_named`]
    /// with `name` is left: the server has run whatever such a connection
    /// sent before its process died. (Nothing to wait for on SQLite: a
    /// process's writes are done when it is.)
    pub(crate) fn wait_until_gone(&self, name: &str) {
        if let Backend::Postgres = self.backend {
            let mut client = postgres::Client::connect(&self.target, postgres::NoTls).unwrap();
            for _ in 0..400 {
                let left: i64 = client
                    .query_one(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                        &[&name],
                    )
                    .unwrap()
                    .get(0);
                if left == 0 {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            panic!("connections named {name} still open after 10 s");
        }
    }

    /// Runs `sql` straight on the database, past the store.
    pub(crate) fn execute(&self, sql: &str) {
        match self.backend {
            Backend::Sqlite => rusqlite::Connection::open(&self.target)
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            Backend::Postgres => postgres::Client::connect(&self.target, postgres::NoTls)
                .unwrap()
                .batch_execute(sql)
                .unwrap(),
        }
    }
}

impl Fixture {
    /// The number `sql` selects (`SELECT count(*) ...`), read straight
    /// from the database.
    pub(crate) fn count(&self, sql: &str) -> i64 {
        match self.backend {
            Backend::Sqlite => rusqlite::Connection::open(&self.target)
                .unwrap()
                .query_row(sql, [], |r| r.get(0))
                .unwrap(),
            Backend::Postgres => postgres::Client::connect(&self.target, postgres::NoTls)
                .unwrap()
                .query_one(sql, &[])
                .unwrap()
                .get(0),
        }
    }

    /// The entity's timer rows, `(event, state, due_at in µs)`, by event,
    /// read straight from the database.
    pub(crate) fn timers(&self, entity_id: &str) -> Vec<(String, String, i64)> {
        let sql = format!(
            "SELECT event, state, due_at FROM {} WHERE entity_id = '{entity_id}' ORDER BY event",
            self.table("timers")
        );
        match self.backend {
            Backend::Sqlite => {
                let conn = rusqlite::Connection::open(&self.target).unwrap();
                let mut stmt = conn.prepare(&sql).unwrap();
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            Backend::Postgres => postgres::Client::connect(&self.target, postgres::NoTls)
                .unwrap()
                .query(&sql, &[])
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect(),
        }
    }
}

/// No transition details.
pub(crate) fn meta() -> TransitionMeta {
    TransitionMeta::new()
}

/// Every history chain is unbroken: versions 1..=n, each `from` the
/// previous `to`, and the last `to` and version the entity's; returns the
/// entity's version.
pub(crate) fn assert_chain(store: &Store, machine: &str, entity_id: &str) -> u64 {
    let history = store
        .history(&HistoryQuery::entity(machine, entity_id).limit(1 << 40))
        .unwrap();
    assert!(history[0].from.is_none());
    for (i, r) in history.iter().enumerate() {
        assert_eq!(r.version, i as u64 + 1, "versions are contiguous");
        if i > 0 {
            assert_eq!(
                r.from.as_deref(),
                Some(history[i - 1].to.as_str()),
                "chain at {i}"
            );
        }
    }
    let row = store
        .entities(machine, None)
        .unwrap()
        .into_iter()
        .find(|e| e.entity_id == entity_id)
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(row.state, last.to);
    assert_eq!(row.version, last.version);
    row.version
}

/// How many history records `entity_id` has.
pub(crate) fn records(store: &Store, machine: &str, entity_id: &str) -> usize {
    store
        .history(&HistoryQuery::entity(machine, entity_id).limit(1 << 40))
        .unwrap()
        .len()
}

/// What moved the entity last, and who: the event and actor of its last
/// history record.
pub(crate) fn last_move(
    store: &Store,
    machine: &str,
    entity_id: &str,
) -> (Option<String>, Option<String>) {
    let history = store
        .history(&HistoryQuery::entity(machine, entity_id))
        .unwrap();
    let last = history.last().expect("the entity has a history");
    (last.event.clone(), last.actor.clone())
}

/// How long a test waits for something that should happen in well under
/// a second, before it fails instead of hanging.
pub(crate) const PATIENCE: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs `work` on a thread of its own, not a scoped one: if it never
/// returns, the test fails at `recv_timeout(PATIENCE)` on the answer
/// instead of hanging on a join.
pub(crate) fn on_its_own_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> std::sync::mpsc::Receiver<T> {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(work());
    });
    finished
}

/// Waits until `done` holds, failing after [`PATIENCE`].
pub(crate) fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "not within {PATIENCE:?}: {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
