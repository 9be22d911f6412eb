//! The store on a real PostgreSQL server: the same behaviours as on
//! SQLite, plus what only a server has: other sessions' backends killed
//! mid-transaction, passwords in URLs.
//!
//! Reads `STATEFORGE_PG_URL`; without it each test says it was skipped,
//! and with `STATEFORGE_REQUIRE_PG=1` a skip is a failure. Each test works
//! under its own table prefix and drops its tables at the end.

use std::time::Duration;

use stateforge::runtime::Timestamp;
use stateforge::runtime::db::{HistoryQuery, Store, StoreError, TablePrefix, TransitionMeta};

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Task {
        initial state Pending;
        state Assigned { agent: String }
        final state Done;
        event assign(agent: String): Pending -> Assigned;
        event finish: Assigned -> Done;
    }
}

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Lamp {
        context: u64;
        initial state Off;
        state On;
        event toggle: Off -> On, On -> Off;
        event dim: On -> Off after 30s;
    }
}

/// The URL, or `None` after saying the test was skipped.
fn url() -> Option<String> {
    match std::env::var("STATEFORGE_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("STATEFORGE_REQUIRE_PG").as_deref() != Ok("1"),
                "STATEFORGE_REQUIRE_PG=1 but STATEFORGE_PG_URL is not set"
            );
            eprintln!("skipped: STATEFORGE_PG_URL not set");
            None
        }
    }
}

/// A store under a prefix of this test's own; its tables go when dropped.
struct PgFixture {
    url: String,
    prefix: TablePrefix,
    store: Store,
}

impl PgFixture {
    fn new(test: &str) -> Option<PgFixture> {
        let url = url()?;
        let prefix =
            TablePrefix::new(&format!("t{}_{}_", std::process::id() % 100_000, test)).unwrap();
        let store = Store::open_with(&url, &prefix).unwrap();
        Some(PgFixture { url, prefix, store })
    }

    fn another(&self) -> Store {
        Store::open_with(&self.url, &self.prefix).unwrap()
    }

    fn raw(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }

    fn table(&self, name: &str) -> String {
        format!("{}sf_{name}", self.prefix.as_str())
    }
}

impl Drop for PgFixture {
    fn drop(&mut self) {
        let _ = self.store.drop_tables();
    }
}

fn meta() -> TransitionMeta {
    TransitionMeta::new()
}

fn assert_chain(store: &Store, machine: &str, id: &str) -> u64 {
    let history = store
        .history(&HistoryQuery::entity(machine, id).limit(1 << 40))
        .unwrap();
    assert!(history[0].from.is_none());
    for (i, r) in history.iter().enumerate() {
        assert_eq!(r.version, i as u64 + 1);
        if i > 0 {
            assert_eq!(r.from.as_deref(), Some(history[i - 1].to.as_str()));
        }
    }
    let row = store
        .entities(machine, None)
        .unwrap()
        .into_iter()
        .find(|e| e.entity_id == id)
        .unwrap();
    assert_eq!(
        (row.state.as_str(), row.version),
        (
            history.last().unwrap().to.as_str(),
            history.last().unwrap().version
        )
    );
    row.version
}

#[test]
fn pg_transitions_history_refusals_and_conflicts() {
    let Some(pg) = PgFixture::new("basics") else {
        return;
    };
    let store = &pg.store;
    assert_eq!(store.backend(), "postgres");
    store
        .create(
            "t",
            &AnyTask::from(Task::new()),
            &meta().session("s").actor("api"),
        )
        .unwrap();
    let err = store
        .fire::<AnyTask>("t", TaskEvent::Finish, &meta().session("s"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "event `finish` is not allowed in state `pending`"
    );
    let loaded = store.load::<AnyTask>("t").unwrap();
    store
        .fire::<AnyTask>(
            "t",
            TaskEvent::Assign {
                agent: "ada".into(),
            },
            &meta().session("s"),
        )
        .unwrap();
    // A typed save from the stale version is a conflict with the current one.
    let AnyTask::Pending(task) = loaded.machine else {
        panic!()
    };
    let stale = AnyTask::from(task.assign("bob".into()));
    let err = store
        .save("t", 1, "assign", &stale, &meta().session("s"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                expected: 1,
                current: 2,
                ..
            }
        ),
        "{err}"
    );
    // Sessions.
    let err = store
        .fire::<AnyTask>("t", TaskEvent::Finish, &meta().session("other"))
        .unwrap_err();
    assert!(matches!(err, StoreError::OtherSession { .. }));
    store
        .fire::<AnyTask>(
            "t",
            TaskEvent::Finish,
            &meta().session("ops").cross_session(),
        )
        .unwrap();
    assert_eq!(assert_chain(store, "task", "t"), 3);
    assert_eq!(store.history(&HistoryQuery::session("s")).unwrap().len(), 3);
}

#[test]
fn pg_units_commit_whole_or_not_at_all() {
    let Some(pg) = PgFixture::new("units") else {
        return;
    };
    let store = &pg.store;
    for id in ["a", "b"] {
        store
            .create(id, &AnyTask::from(Task::new()), &meta())
            .unwrap();
    }
    let err = store
        .unit(|u| {
            u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta())?;
            u.fire::<AnyTask>("b", TaskEvent::Finish, &meta())?;
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)));
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = store.unit(|u| {
            u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta())?;
            panic!("an action blew up");
            #[allow(unreachable_code)]
            Ok(())
        });
    }));
    assert!(panicked.is_err());
    for id in ["a", "b"] {
        assert_eq!(
            store.load::<AnyTask>(id).unwrap().version,
            1,
            "{id} unchanged"
        );
    }
    store
        .unit(|u| u.fire::<AnyTask>("a", TaskEvent::Assign { agent: "x".into() }, &meta()))
        .unwrap();
    assert_eq!(store.load::<AnyTask>("a").unwrap().version, 2);
}

#[test]
fn pg_timers_fire_once_across_workers_and_survive_reconnection() {
    let Some(pg) = PgFixture::new("timers") else {
        return;
    };
    // The timers are set by a store that is gone before any worker starts.
    let creator = pg.another();
    for i in 0..12 {
        let id = format!("l{i}");
        creator
            .create(&id, &AnyLamp::from(Lamp::new(0)), &meta())
            .unwrap();
        creator
            .fire::<AnyLamp>(&id, LampEvent::Toggle, &meta())
            .unwrap();
    }
    drop(creator);
    let later = Timestamp::now() + Duration::from_secs(31);
    let fired: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let store = pg.another(); // reconnected, as after a restart
                s.spawn(move || {
                    let mut fired = 0;
                    loop {
                        match store.fire_due::<AnyLamp>(later, 2).unwrap() {
                            0 => break fired,
                            n => fired += n,
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(fired, 12, "each timer fired exactly once");
    for i in 0..12 {
        assert_eq!(
            pg.store
                .load::<AnyLamp>(&format!("l{i}"))
                .unwrap()
                .machine
                .state(),
            LampState::Off
        );
    }
    assert!(pg.store.next_due("lamp").unwrap().is_none());
}

#[test]
fn pg_eight_threads_on_one_entity_never_both_win_a_version() {
    let Some(pg) = PgFixture::new("race") else {
        return;
    };
    pg.store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    let wins: Vec<u64> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = pg.another();
                s.spawn(move || {
                    let mut won = Vec::new();
                    for _ in 0..250 {
                        if t % 2 == 0 {
                            won.push(
                                store
                                    .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
                                    .unwrap()
                                    .version,
                            );
                        } else {
                            let loaded = store.load::<AnyLamp>("l").unwrap();
                            let next = loaded.machine.fire(LampEvent::Toggle).unwrap();
                            match store.save("l", loaded.version, "toggle", &next, &meta()) {
                                Ok(v) => won.push(v),
                                Err(StoreError::Conflict { .. }) => {}
                                Err(e) => panic!("{e}"),
                            }
                        }
                    }
                    won
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect()
    });
    let mut sorted = wins.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), wins.len(), "no version won twice");
    assert_eq!(assert_chain(&pg.store, "lamp", "l"), wins.len() as u64 + 1);
}

#[test]
fn pg_migrations_bad_rows_and_injection() {
    let Some(pg) = PgFixture::new("rows") else {
        return;
    };
    let evil = "'); DROP TABLE x; --";
    let m = meta()
        .reason(evil)
        .actor(evil)
        .session(evil)
        .metadata(serde_json::json!({ "x": evil }));
    pg.store
        .create(evil, &AnyTask::from(Task::new()), &m)
        .unwrap();
    pg.store
        .fire::<AnyTask>(evil, TaskEvent::Assign { agent: evil.into() }, &m)
        .unwrap();
    assert_eq!(
        pg.store.history(&HistoryQuery::actor(evil)).unwrap()[1].metadata["x"],
        evil
    );
    drop(pg.another()); // migrating again changes nothing
    assert_eq!(pg.store.load::<AnyTask>(evil).unwrap().version, 2);

    let mut raw = pg.raw();
    pg.store
        .create("bad", &AnyTask::from(Task::new()), &meta())
        .unwrap();
    let entities = pg.table("entities");
    raw.execute(
        &format!("UPDATE {entities} SET state = 'archived' WHERE entity_id = 'bad'"),
        &[],
    )
    .unwrap();
    assert_eq!(
        pg.store.load::<AnyTask>("bad").unwrap_err().to_string(),
        "machine `task` has no state `archived`"
    );
    raw.execute(
        &format!("UPDATE {entities} SET state = 'assigned' WHERE entity_id = 'bad'"),
        &[],
    )
    .unwrap();
    assert!(
        pg.store
            .load::<AnyTask>("bad")
            .unwrap_err()
            .to_string()
            .contains("does not fit")
    );
    raw.execute(
        &format!(
            "UPDATE {} SET value = 99 WHERE key = 'schema_version'",
            pg.table("meta")
        ),
        &[],
    )
    .unwrap();
    let err = Store::open_with(&pg.url, &pg.prefix).unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
        "{err}"
    );
}

#[test]
fn pg_a_killed_backend_is_an_error_then_the_store_reconnects() {
    let Some(pg) = PgFixture::new("kill") else {
        return;
    };
    // The store's own connections carry a name, so that only they are
    // killed, not those of tests running beside this one.
    let name = format!("sf_kill_{}", std::process::id());
    let sep = if pg.url.contains('?') { '&' } else { '?' };
    let store = Store::open_with(
        &format!("{}{sep}application_name={name}", pg.url),
        &pg.prefix,
    )
    .unwrap();
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    let mut raw = pg.raw();
    let err = store
        .unit(|u| {
            u.fire::<AnyLamp>("l", LampEvent::Toggle, &meta())?;
            raw.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                &[&name],
            )
            .unwrap();
            u.fire::<AnyLamp>("l", LampEvent::Toggle, &meta())?;
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err}");
    // Nothing half-written, and the next call reconnects.
    assert_eq!(assert_chain(&store, "lamp", "l"), 1);
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "lamp", "l"), 2);
}

#[test]
fn pg_passwords_never_appear_in_errors() {
    if url().is_none() {
        return;
    }
    let err = Store::open("postgres://ada:hunter2@127.0.0.1:1/test").unwrap_err();
    let (shown, debug) = (err.to_string(), format!("{err:?}"));
    assert!(
        !shown.contains("hunter2") && !debug.contains("hunter2"),
        "{shown} / {debug}"
    );
    assert!(shown.contains("ada:***@127.0.0.1"), "{shown}");
}

#[test]
fn pg_eight_threads_on_distinct_entities() {
    let Some(pg) = PgFixture::new("distinct") else {
        return;
    };
    std::thread::scope(|s| {
        for t in 0..8 {
            let store = pg.another();
            s.spawn(move || {
                let id = format!("l{t}");
                store
                    .create(&id, &AnyLamp::from(Lamp::new(0)), &meta())
                    .unwrap();
                for _ in 0..50 {
                    store
                        .fire::<AnyLamp>(&id, LampEvent::Toggle, &meta())
                        .unwrap();
                }
            });
        }
    });
    for t in 0..8 {
        assert_eq!(assert_chain(&pg.store, "lamp", &format!("l{t}")), 51);
    }
}

/// Counts client-to-server bursts through a forwarding proxy: each burst
/// the client sends after hearing from the server is one round trip.
fn counting_proxy(target: &str) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    let target = target.to_owned();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let mut server = TcpStream::connect(&target).unwrap();
            client.set_nodelay(true).unwrap();
            server.set_nodelay(true).unwrap();
            let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let counted = counted.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = client.read(&mut buf) {
                    if n == 0 || server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                    counted.fetch_add(1, Ordering::SeqCst);
                }
            });
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = s2.read(&mut buf) {
                    if n == 0 || c2.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, count)
}

#[test]
fn pg_round_trips_per_transition() {
    use std::sync::atomic::Ordering;
    let Some(pg) = PgFixture::new("trips") else {
        return;
    };
    let config: postgres::Config = pg.url.parse().unwrap();
    let host = match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(h) => h.clone(),
        #[allow(unreachable_patterns)]
        _ => return eprintln!("skipped: not a TCP server"),
    };
    let target = format!(
        "{host}:{}",
        config.get_ports().first().copied().unwrap_or(5432)
    );
    let (port, count) = counting_proxy(&target);
    let user = config.get_user().unwrap_or("postgres");
    let password = config
        .get_password()
        .map(|p| format!(":{}", String::from_utf8_lossy(p)))
        .unwrap_or_default();
    let db = config.get_dbname().unwrap_or("postgres");
    let url = format!("postgres://{user}{password}@127.0.0.1:{port}/{db}");
    let store = Store::open_with(&url, &pg.prefix).unwrap();
    let trips = |work: &dyn Fn()| {
        let before = count.load(Ordering::SeqCst);
        work();
        count.load(Ordering::SeqCst) - before
    };
    store
        .create("t", &AnyTask::from(Task::new()), &meta())
        .unwrap();
    store
        .create("u", &AnyTask::from(Task::new()), &meta())
        .unwrap();
    // Every statement is prepared once per connection (the store has one
    // here); these first uses prepare them.
    store
        .fire::<AnyTask>("u", TaskEvent::Assign { agent: "a".into() }, &meta())
        .unwrap();
    store.load::<AnyTask>("u").unwrap();

    // BEGIN, the row locked, the update and its history record as one
    // statement, COMMIT.
    let fire = trips(&|| {
        store
            .fire::<AnyTask>("t", TaskEvent::Assign { agent: "a".into() }, &meta())
            .unwrap();
    });
    assert_eq!(fire, 4, "round trips for a fire by id");
    let load = trips(&|| {
        store.load::<AnyTask>("t").unwrap();
    });
    assert_eq!(load, 1, "round trips for a load");
    // Typed code: load, fire in memory, save. The save is one statement,
    // its own transaction.
    let loaded = store.load::<AnyTask>("t").unwrap();
    let next = loaded.machine.fire(TaskEvent::Finish).unwrap();
    let save = trips(&|| {
        assert_eq!(store.save("t", 2, "finish", &next, &meta()).unwrap(), 3);
    });
    assert_eq!(save, 1, "round trips for a versioned save");
    // A stale save: the statement writes nothing, one read says why.
    let stale = trips(&|| {
        let err = store.save("t", 2, "finish", &next, &meta()).unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { current: 3, .. }),
            "{err}"
        );
    });
    assert_eq!(stale, 2, "round trips for a conflict");
    eprintln!("round trips: fire = {fire}, load = {load}, save = {save}, stale save = {stale}");
    assert_chain(&pg.store, "task", "t");
}

#[test]
fn pg_leaving_a_state_cancels_its_timer_and_bad_prefixes_never_reach_sql() {
    let Some(pg) = PgFixture::new("cancel") else {
        return;
    };
    pg.store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    pg.store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert!(pg.store.next_due("lamp").unwrap().is_some());
    pg.store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert!(pg.store.next_due("lamp").unwrap().is_none());
    let later = Timestamp::now() + Duration::from_secs(60);
    assert_eq!(pg.store.fire_due::<AnyLamp>(later, 10).unwrap(), 0);
    assert_eq!(assert_chain(&pg.store, "lamp", "l"), 3);
    // A prefix is checked before any SQL is built from it.
    let err = TablePrefix::new("x; DROP TABLE t; --").unwrap_err();
    assert!(matches!(err, StoreError::InvalidPrefix(_)), "{err}");
    assert_eq!(pg.store.entities("lamp", None).unwrap().len(), 1);
}
