//! The timer worker outlives the database's failures: a locked SQLite
//! file, PostgreSQL backends terminated under it. It keeps trying and
//! fires every timer once, once the database serves again.

use std::sync::mpsc;
use std::time::Duration;

use stateforge::runtime::db::{
    SqliteOptions, SqliteStore,
    blocking::{StopSignal, Store, TimerWorker},
};

use crate::suite::Fixture;
use crate::suite::fixture::{PATIENCE, assert_chain, eventually, meta, on_its_own_thread};
use crate::suite::machines::{AnyKettle, Kettle, KettleState};

/// Runs a worker for kettles on `store` on its own thread; its fired count
/// arrives on the receiver once `stop` is stopped.
fn worker_on(store: Store, stop: &StopSignal) -> mpsc::Receiver<usize> {
    let worker = TimerWorker::new()
        .machine::<AnyKettle>()
        .poll_interval(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(100));
    let stop = stop.clone();
    on_its_own_thread(move || worker.run(&store, &stop))
}

fn boil_all(store: &Store, ids: &[String], finished: &mpsc::Receiver<usize>) {
    eventually("every kettle boils", || {
        assert!(
            finished.try_recv().is_err(),
            "the worker stopped without being told"
        );
        ids.iter()
            .all(|id| store.load::<AnyKettle>(id).unwrap().machine.state() == KettleState::Boiled)
    });
}

fn kettles(store: &Store, from: usize, to: usize) -> Vec<String> {
    (from..to)
        .map(|i| {
            let id = format!("k-{i}");
            store
                .create(&id, &AnyKettle::from(Kettle::new()), &meta())
                .unwrap();
            id
        })
        .collect()
}

/// Another connection holds the file's write lock for longer than the
/// worker's busy timeout: its rounds fail, and it fires the timers once
/// the lock is gone.
#[test]
fn a_worker_keeps_going_past_a_locked_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let options = SqliteOptions::new().busy_timeout(Duration::from_millis(10));
    let store = Store::from(SqliteStore::open_with_options(&path, &options).unwrap());
    let stop = StopSignal::new();
    let finished = worker_on(
        Store::from(SqliteStore::open_with_options(&path, &options).unwrap()),
        &stop,
    );
    let first = kettles(&store, 0, 2);
    boil_all(&store, &first, &finished);

    let later = kettles(&store, 2, 4);
    let locker = rusqlite::Connection::open(&path).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    // The kettles fall due, and several rounds fail, while it is held.
    std::thread::sleep(Duration::from_millis(400));
    for id in &later {
        assert_eq!(
            store.load::<AnyKettle>(id).unwrap().machine.state(),
            KettleState::Heating,
            "{id}: nothing fires while the file is locked"
        );
    }
    locker.execute_batch("COMMIT").unwrap();
    boil_all(&store, &later, &finished);

    stop.stop();
    let fired = finished.recv_timeout(PATIENCE).unwrap();
    assert_eq!(fired, 4);
    for id in first.iter().chain(&later) {
        assert_eq!(assert_chain(&store, "kettle", id), 2, "{id}: once");
    }
}

/// The worker's connections are terminated by the server (a restart, a
/// failover) while it runs: it reconnects and fires the timers that fall
/// due afterwards.
#[test]
fn a_worker_keeps_going_past_terminated_postgres_backends() {
    let Some(pg) = Fixture::postgres("worker_killed") else {
        return;
    };
    let name = format!("sf_worker_kill_{}", std::process::id());
    let store = pg.open();
    let stop = StopSignal::new();
    let finished = worker_on(
        Store::open_with(&pg.target_named(&name), pg.prefix()).unwrap(),
        &stop,
    );
    let first = kettles(&store, 0, 2);
    boil_all(&store, &first, &finished);

    let mut raw = postgres::Client::connect(pg.target(), postgres::NoTls).unwrap();
    let mut later = Vec::new();
    for round in 0..3 {
        let killed: i64 = raw
            .query_one(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = $1) AS k",
                &[&name],
            )
            .unwrap()
            .get(0);
        assert!(killed > 0, "the worker had a connection to terminate");
        let ids = kettles(&store, 2 + 2 * round, 4 + 2 * round);
        boil_all(&store, &ids, &finished);
        later.extend(ids);
    }

    stop.stop();
    let fired = finished.recv_timeout(PATIENCE).unwrap();
    assert_eq!(fired, 2 + later.len());
    for id in first.iter().chain(&later) {
        assert_eq!(assert_chain(&store, "kettle", id), 2, "{id}: once");
    }
}
