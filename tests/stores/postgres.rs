//! The suite on PostgreSQL, and what only a server has: backends killed
//! mid-transaction, passwords in URLs, round trips over the network.

use crate::pg_fixture::pg_url;
use crate::suite::fixture::{Fixture, assert_chain, meta};
use crate::suite::machines::{AnyLamp, AnyTask, Lamp, LampEvent, TaskEvent, new_task};
use stateforge::runtime::Timestamp;
use stateforge::runtime::db::{
    HistoryQuery, StoreError, StoreOptions, TransientKind, blocking::Store,
};

behaviours!(crate::suite::Fixture::postgres);

#[path = "postgres_locks.rs"]
mod locks;

/// A pool of one connection, for the tests that kill or count the store's
/// connections: a call returns before sqlx's check of its connection
/// going back to the pool ends, and the next call, rather than open
/// another, then waits for it.
fn one_connection() -> StoreOptions {
    StoreOptions::new().max_connections(1)
}

#[test]
fn a_killed_backend_is_an_error_then_the_store_reconnects() {
    let Some(pg) = Fixture::postgres("killed_backend") else {
        return;
    };
    // The store's own connections carry a name, so that only they are
    // killed, not those of tests running beside this one.
    let name = format!("sf_kill_{}", std::process::id());
    let url = pg.target();
    let store =
        Store::open_with_options(&pg.target_named(&name), pg.prefix(), &one_connection()).unwrap();
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    let mut raw = postgres::Client::connect(url, postgres::NoTls).unwrap();
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
    assert!(
        matches!(
            err,
            StoreError::Transient {
                kind: TransientKind::Connection,
                ..
            }
        ),
        "{err:?}"
    );
    // Nothing half-written, and the next call reconnects.
    assert_eq!(assert_chain(&store, "lamp", "l"), 1);
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "lamp", "l"), 2);
}

/// A pooled connection the server closed while it sat idle (here its
/// backend is terminated) is noticed before use: the next call succeeds on
/// a new connection instead of failing once.
#[test]
fn an_idle_connection_the_server_closed_is_replaced_before_use() {
    let Some(pg) = Fixture::postgres("idle_closed") else {
        return;
    };
    let name = format!("sf_idle_{}", std::process::id());
    let url = pg.target();
    let store =
        Store::open_with_options(&pg.target_named(&name), pg.prefix(), &one_connection()).unwrap();
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    let mut raw = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let killed: i64 = raw
        .query_one(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = $1) AS k",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert_eq!(killed, 1, "the store's one pooled connection");
    // Idle past the store's check.
    std::thread::sleep(std::time::Duration::from_millis(1200));
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "lamp", "l"), 2);
}

#[test]
fn passwords_never_appear_in_errors() {
    if pg_url("passwords_never_appear_in_errors").is_none() {
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

/// Every log event the store emits while its URL carries a password:
/// none may contain it. A subscriber of this test's own collects them.
#[test]
fn passwords_never_appear_in_logs() {
    use std::sync::{Arc, Mutex};
    let Some(pg) = Fixture::postgres("password_logs") else {
        return;
    };
    let logged = Arc::new(Mutex::new(Vec::<String>::new()));
    let subscriber = Collect(logged.clone());
    tracing::subscriber::with_default(subscriber, || {
        // The server trusts loopback, so a password in the URL is ignored
        // by it but carried by the store: where it could leak.
        let url = pg
            .target()
            .replacen("://postgres@", "://postgres:hunter2@", 1);
        assert!(url.contains("hunter2"), "{url}");
        let refused = Store::open("postgres://ada:hunter2@127.0.0.1:1/test").unwrap_err();
        tracing::warn!(error = %refused, "what an application logs of a store error");
        let store = Store::open_with(&url, pg.prefix()).unwrap();
        store
            .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
            .unwrap();
        let mut listeners = stateforge::runtime::Listeners::<AnyLamp>::new();
        listeners.after("failing", |_, _| Err("an after-listener failed".into()));
        listeners.after("panicking", |_, _| panic!("an after-listener panicked"));
        store
            .fire_with(&listeners, "l", LampEvent::Toggle, &meta())
            .unwrap();
        tracing::warn!(store = ?store, "what an application logs of a store");
    });
    let logged = logged.lock().unwrap();
    assert!(
        logged.len() >= 4,
        "the subscriber saw the store's events: {logged:?}"
    );
    for line in logged.iter() {
        assert!(!line.contains("hunter2"), "{line}");
    }
}

/// A `tracing` subscriber that keeps each event's fields as text.
struct Collect(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl tracing::Subscriber for Collect {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
        }
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// What the client sent through a [`counting_proxy`]: one entry per round
/// trip, the bytes of that burst.
pub(crate) type Bursts = std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>;

/// Counts round trips through a forwarding proxy: a burst the client sends
/// after the server has spoken. A burst is recorded before it is forwarded
/// (so the record is up to date when the client has its answer), and bytes
/// the client sends before any answer belong to the same round trip (so a
/// message split across reads is not counted twice).
pub(crate) fn counting_proxy(target: &str) -> (u16, Bursts) {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let bursts = Bursts::default();
    let recorded = bursts.clone();
    let target = target.to_owned();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { return };
            let mut server = TcpStream::connect(&target).unwrap();
            client.set_nodelay(true).unwrap();
            server.set_nodelay(true).unwrap();
            let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let recorded = recorded.clone();
            let server_spoke = Arc::new(AtomicBool::new(true));
            let spoke = server_spoke.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = client.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    {
                        let mut bursts = recorded.lock().unwrap();
                        if server_spoke.swap(false, Ordering::SeqCst) || bursts.is_empty() {
                            bursts.push(Vec::new());
                        }
                        bursts.last_mut().unwrap().extend_from_slice(&buf[..n]);
                    }
                    if server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
            std::thread::spawn(move || {
                let mut buf = [0u8; 65536];
                while let Ok(n) = s2.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    spoke.store(true, Ordering::SeqCst);
                    if c2.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, bursts)
}

/// The frontend messages of a burst: each a type byte and its body (the
/// startup message, which has no type byte, never shares a burst with the
/// statements the tests look at).
pub(crate) fn messages(burst: &[u8]) -> Vec<(u8, &[u8])> {
    let mut out = Vec::new();
    let mut rest = burst;
    while let [kind, a, b, c, d, tail @ ..] = rest {
        let len = u32::from_be_bytes([*a, *b, *c, *d]) as usize;
        let body = len.checked_sub(4).and_then(|n| tail.get(..n));
        let Some(body) = body else { break };
        out.push((*kind, body));
        rest = &tail[body.len()..];
    }
    out
}

/// The messages of a burst as a person reads them: each type letter, and
/// a simple query's text (`B E S Q(BEGIN)`).
pub(crate) fn describe(messages: &[(u8, &[u8])]) -> String {
    let one = |&(kind, body): &(u8, &[u8])| match kind {
        b'Q' => format!(
            "Q({})",
            String::from_utf8_lossy(body).trim_end_matches('\0')
        ),
        _ => char::from(kind).to_string(),
    };
    messages.iter().map(one).collect::<Vec<_>>().join(" ")
}

/// Whether `message` is the simple query `sql`.
fn is_query(message: &(u8, &[u8]), sql: &str) -> bool {
    message.0 == b'Q' && message.1.strip_suffix(&[0]) == Some(sql.as_bytes())
}

#[test]
fn round_trips_per_transition() {
    let Some(pg) = Fixture::postgres("round_trips") else {
        return;
    };
    let config: postgres::Config = pg.target().parse().unwrap();
    let host = match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(h) => h.clone(),
        #[allow(unreachable_patterns)]
        _ => return eprintln!("skipped: not a TCP server"),
    };
    let target = format!(
        "{host}:{}",
        config.get_ports().first().copied().unwrap_or(5432)
    );
    let (port, bursts) = counting_proxy(&target);
    let user = config.get_user().unwrap_or("postgres");
    let password = config
        .get_password()
        .map(|p| format!(":{}", String::from_utf8_lossy(p)))
        .unwrap_or_default();
    let db = config.get_dbname().unwrap_or("postgres");
    // In clear, so that the proxy can read the messages (with the
    // `postgres-tls` feature, `prefer` would encrypt them).
    let url = format!("postgres://{user}{password}@127.0.0.1:{port}/{db}?sslmode=disable");
    let store = Store::open_with_options(&url, pg.prefix(), &one_connection()).unwrap();
    // A call returns before sqlx's check of its connection going back to
    // the pool (below) has ended: wait for it, to count it with the call
    // (and the one of a call before, to leave it out).
    let sent = |work: &dyn Fn()| {
        let released = std::time::Duration::from_millis(200);
        std::thread::sleep(released);
        let before = bursts.lock().unwrap().len();
        work();
        std::thread::sleep(released);
        bursts.lock().unwrap()[before..].to_vec()
    };
    let trips = |work: &dyn Fn()| sent(work).len();
    store.create("t", &new_task(), &meta()).unwrap();
    store.create("u", &new_task(), &meta()).unwrap();
    let shown = |bursts: &[Vec<u8>]| {
        bursts
            .iter()
            .map(|burst| describe(&messages(burst)))
            .collect::<Vec<_>>()
    };
    // sqlx checks a connection going back to the pool with a bare Sync:
    // the last round trip of every call, which the blocking store leaves
    // to the store's runtime once it has its answer.
    let released = |bursts: &[Vec<u8>]| {
        let last = bursts.last().map(|burst| messages(burst));
        last.is_some_and(|m| m.last().is_some_and(|m| m.0 == b'S' && m.1.is_empty()))
    };
    // A statement is prepared once per connection (the store has one
    // here), by a round trip of its own the first time.
    let first = sent(&|| {
        store
            .fire::<AnyTask>("u", TaskEvent::Assign { agent: "a".into() }, &meta())
            .unwrap();
    });
    assert_eq!(
        first
            .iter()
            .filter(|b| describe(&messages(b)) == "P D S")
            .count(),
        2,
        "the row's and the write's statements prepared: {:?}",
        shown(&first)
    );
    assert_eq!(
        first.len(),
        5,
        "round trips for a connection's first fire by id: {:?}",
        shown(&first)
    );
    store.load::<AnyTask>("u").unwrap();

    // A fire by id takes no transaction, as the async store's: the row
    // read without a lock, then the update with its history record as one
    // statement that checks the version read (a conflict fires again from
    // where the other writer left the entity), and sqlx's release check.
    let fire = sent(&|| {
        store
            .fire::<AnyTask>("t", TaskEvent::Assign { agent: "a".into() }, &meta())
            .unwrap();
    });
    let described = shown(&fire);
    assert_eq!(fire.len(), 3, "round trips for a fire by id: {described:?}");
    assert!(
        !fire
            .iter()
            .any(|b| describe(&messages(b)).contains("BEGIN")),
        "a fire by id takes no transaction: {described:?}"
    );
    assert!(
        messages(&fire[0]).iter().any(|m| m.0 == b'B')
            && messages(&fire[1]).iter().any(|m| m.0 == b'B'),
        "the row's read, then the write: {described:?}"
    );
    assert!(released(&fire), "{described:?}");
    let fire = fire.len();
    // A fire by name on a machine defined as data races the same way.
    let bound = stateforge::runtime::Registry::new()
        .bind(
            stateforge::Definition::from_json(
                r#"{"name": "switch", "states": [{"name": "off", "initial": true}, {"name": "on"}],
                    "events": [{"name": "toggle", "arms": [
                        {"from": ["off"], "to": "on"}, {"from": ["on"], "to": "off"}]}]}"#,
            )
            .unwrap(),
        )
        .unwrap();
    let switch = stateforge::runtime::DynMachine::new(bound.clone(), serde_json::json!({}));
    store.create_dyn("s", &switch, &meta()).unwrap();
    let toggle = || {
        store
            .fire_dyn(&bound, "s", "toggle", &serde_json::Value::Null, &meta())
            .unwrap();
    };
    toggle();
    let dynamic = sent(&toggle);
    let described = shown(&dynamic);
    assert_eq!(
        dynamic.len(),
        3,
        "round trips for a fire by name: {described:?}"
    );
    assert!(
        !dynamic
            .iter()
            .any(|b| describe(&messages(b)).contains("BEGIN")),
        "a fire by name takes no transaction: {described:?}"
    );
    assert!(released(&dynamic), "{described:?}");
    let load = trips(&|| {
        store.load::<AnyTask>("t").unwrap();
    });
    assert_eq!(
        load, 2,
        "round trips for a load, the release check included"
    );
    // Typed code: load, fire in memory, save. The save reads the row to
    // check it, then writes with the version read: no transaction.
    let loaded = store.load::<AnyTask>("t").unwrap();
    let next = loaded.machine.fire(TaskEvent::Start).unwrap();
    let save = sent(&|| {
        assert_eq!(store.save("t", 2, "start", &next, &meta()).unwrap(), 3);
    });
    assert!(
        !save
            .iter()
            .any(|b| describe(&messages(b)).contains("BEGIN")),
        "a save takes no transaction: {:?}",
        shown(&save)
    );
    let save = save.len();
    assert_eq!(save, 3, "round trips for a versioned save");
    // A stale save: the row's read says why, and nothing is written.
    let stale = trips(&|| {
        let err = store.save("t", 2, "start", &next, &meta()).unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { current: 3, .. }),
            "{err}"
        );
    });
    assert_eq!(stale, 2, "round trips for a conflict");
    // A refused event: the row, and nothing written (with the release
    // check).
    let refused = sent(&|| {
        let err = store
            .fire::<AnyTask>("t", TaskEvent::Retry, &meta())
            .unwrap_err();
        assert!(matches!(err, StoreError::NotAllowed { .. }), "{err:?}");
    });
    assert!(released(&refused), "{:?}", shown(&refused));
    let refused = refused.len();
    assert_eq!(refused, 2, "round trips for a refused event");
    // Two fires in one unit: BEGIN, each row and each write, COMMIT. A
    // unit's write locks the row it read, a statement of its own: the
    // first unit prepares it.
    store
        .unit(|u| {
            u.fire::<AnyTask>("t", TaskEvent::Fail { reason: "r".into() }, &meta())?;
            u.fire::<AnyTask>("t", TaskEvent::Retry, &meta())
        })
        .unwrap();
    let unit = sent(&|| {
        store
            .unit(|u| {
                u.fire::<AnyTask>("t", TaskEvent::Assign { agent: "b".into() }, &meta())?;
                u.fire::<AnyTask>("t", TaskEvent::Fail { reason: "r".into() }, &meta())
            })
            .unwrap();
    });
    let described = shown(&unit);
    assert!(
        is_query(&messages(&unit[0])[0], "BEGIN")
            && is_query(&messages(&unit[unit.len() - 2])[0], "COMMIT"),
        "a unit is one transaction: {described:?}"
    );
    let unit = unit.len();
    assert_eq!(unit, 7, "round trips for a unit of two fires");
    eprintln!(
        "round trips: fire = {fire}, load = {load}, save = {save}, stale save = {stale}, \
         refused = {refused}, unit of two fires = {unit}"
    );
    assert_chain(&pg.open(), "task", "t");
}

/// PostgreSQL ends a transaction at its first error: a unit whose code
/// went on past a server error is rolled back at its end, and says so
/// instead of reporting a commit that did not happen.
#[test]
fn a_unit_that_went_on_past_a_server_error_says_it_was_rolled_back() {
    let Some(pg) = Fixture::postgres("past_an_error") else {
        return;
    };
    let store = pg.open();
    let err = store
        .unit(|u| {
            u.create("kept?", &AnyLamp::from(Lamp::new(0)), &meta())?;
            // U+0000 in a reason is refused by the server (see below); the
            // error is dropped here on purpose.
            let refused = u.create("b", &AnyLamp::from(Lamp::new(0)), &meta().reason("a\u{0}b"));
            assert!(
                matches!(refused, Err(StoreError::Sql { .. })),
                "{refused:?}"
            );
            Ok(())
        })
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Database(m) if m.contains("rolled back")),
        "{err}"
    );
    assert!(matches!(
        store.load::<AnyLamp>("kept?"),
        Err(StoreError::NotFound { .. })
    ));
    // The connection goes on serving.
    store
        .create("next", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "lamp", "next"), 1);
}

/// A fire by id sends its write with COMMIT: when the write fails on the
/// server (here a trigger refuses the history row), the COMMIT rolls
/// back, the write's own error is returned, nothing is half-written, and
/// the connection serves the next call.
#[test]
fn a_write_that_fails_with_its_commit_writes_nothing() {
    let Some(pg) = Fixture::postgres("failing_write") else {
        return;
    };
    let store = pg.open();
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    let h = pg.table("history");
    pg.execute(&format!(
        "CREATE FUNCTION {h}_refuse() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'no more history, says the trigger'; END $$;
         CREATE TRIGGER {h}_refuse BEFORE INSERT ON {h}
             FOR EACH ROW EXECUTE FUNCTION {h}_refuse();"
    ));
    let err = store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Sql { message, .. } if message.contains("no more history, says the trigger")),
        "{err}"
    );
    assert_eq!(assert_chain(&store, "lamp", "l"), 2);
    pg.execute(&format!(
        "DROP TRIGGER {h}_refuse ON {h}; DROP FUNCTION {h}_refuse();"
    ));
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    assert_eq!(assert_chain(&store, "lamp", "l"), 3);
}

/// PostgreSQL's text cannot hold U+0000 (SQLite's can): an entity id
/// holding it is refused before it reaches the server, as on SQLite;
/// another value holding it is a database error that says why; either
/// way the operation writes nothing.
#[test]
fn text_the_server_cannot_keep_is_an_error_that_writes_nothing() {
    let Some(pg) = Fixture::postgres("nul_text") else {
        return;
    };
    let store = pg.open();
    let err = store.create("a\u{0}b", &new_task(), &meta()).unwrap_err();
    assert!(matches!(err, StoreError::InvalidEntityId(_)), "{err:?}");
    let err = store
        .create("n", &new_task(), &meta().actor("a\u{0}b"))
        .unwrap_err();
    let StoreError::Sql { message, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("0x00"), "the server's reason: {message}");
    // The server's SQLSTATE.
    assert_eq!(err.code(), Some("22021"), "{err:?}");
    store.create("t", &new_task(), &meta()).unwrap();
    let err = store
        .fire::<AnyTask>(
            "t",
            TaskEvent::Assign { agent: "x".into() },
            &meta().reason("a\u{0}b"),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Sql { .. }), "{err}");
    assert_eq!(assert_chain(&store, "task", "t"), 1);
    assert!(store.load::<AnyTask>("a\u{0}b").is_err());
    assert_eq!(store.entities("task", None).unwrap().len(), 1);
}

/// `fire_due` locks a timer together with its entity, skipping those
/// another transaction holds: a transition in progress on the entity
/// makes the worker leave its timer for a later call, instead of holding
/// the timer while it waits for the entity (the order opposite to a
/// transition's, which could deadlock).
#[test]
fn a_timer_whose_entity_is_locked_is_left_for_later() {
    let Some(pg) = Fixture::postgres("timer_entity_locked") else {
        return;
    };
    let store = pg.open();
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap();
    store
        .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
        .unwrap();
    let later = Timestamp::now() + std::time::Duration::from_secs(31);
    let mut raw = postgres::Client::connect(pg.target(), postgres::NoTls).unwrap();
    let mut holder = raw.transaction().unwrap();
    holder
        .execute(
            &format!(
                "SELECT 1 FROM {} WHERE entity_id = 'l' FOR UPDATE",
                pg.table("entities")
            ),
            &[],
        )
        .unwrap();
    let (sent, fired) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| {
            sent.send(store.fire_due::<AnyLamp>(later, 10).unwrap())
                .unwrap()
        });
        // Not a measure of speed: a worker that waits for the lock would
        // wait until the holder ends, which happens after this timeout.
        let first = fired.recv_timeout(std::time::Duration::from_secs(60));
        holder.commit().unwrap();
        assert_eq!(first, Ok(0), "the worker skipped the locked entity");
    });
    assert_eq!(store.fire_due::<AnyLamp>(later, 10).unwrap(), 1);
    assert_eq!(assert_chain(&store, "lamp", "l"), 3);
}

/// The store blocks; called inside an async runtime, where blocking on
/// its connections' own runtime would panic, it serves all the same, in
/// an async task (which it then blocks, as any blocking call does) and in
/// a `spawn_blocking` thread; dropped there, its pooled connections close
/// without a panic.
#[test]
fn inside_an_async_runtime_the_store_serves_instead_of_panicking() {
    let Some(pg) = Fixture::postgres("inside_async") else {
        return;
    };
    let store = Store::open_with(pg.target(), pg.prefix()).unwrap();
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta())
        .unwrap(); // a connection now waits in the pool
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pg_ref = &pg;
    let store = runtime.block_on(async move {
        let pg = pg_ref;
        store
            .fire::<AnyLamp>("l", LampEvent::Toggle, &meta())
            .unwrap();
        let other = Store::open_with(pg.target(), pg.prefix()).unwrap();
        assert_eq!(other.load::<AnyLamp>("l").unwrap().version, 2);
        // (This half passed before the change too: tokio allows blocking
        // in a blocking thread. It guards the hop made there now.)
        tokio::task::spawn_blocking(move || {
            store
                .unit(|u| u.fire::<AnyLamp>("l", LampEvent::Toggle, &meta()))
                .unwrap();
            store
        })
        .await
        .unwrap()
    });
    assert_eq!(assert_chain(&store, "lamp", "l"), 3);
    runtime.block_on(async move { drop(store) });
}

/// PostgreSQL's columns are typed, but one altered past the store to
/// another type must not make a read panic: each row is a bad row naming
/// its entity and the column, and the listing, checked, says so.
#[test]
fn a_column_altered_to_another_type_is_a_bad_row_not_a_panic() {
    let Some(pg) = Fixture::postgres("altered_column") else {
        return;
    };
    let store = pg.open();
    store.create("t", &new_task(), &meta()).unwrap();
    drop(store);
    pg.execute(&format!(
        "ALTER TABLE {} ALTER COLUMN created_at TYPE TEXT;
         ALTER TABLE {} ALTER COLUMN at TYPE TEXT;",
        pg.table("entities"),
        pg.table("history")
    ));
    // New connections: statements prepared for the old types are gone.
    let store = pg.open();
    let err = store.load::<AnyTask>("t").unwrap_err();
    assert!(
        matches!(&err, StoreError::BadRow { entity_id, what, .. }
            if entity_id == "t" && what.starts_with("column `created_at` does not read")),
        "{err:?}"
    );
    let fired = store
        .fire::<AnyTask>("t", TaskEvent::Assign { agent: "x".into() }, &meta())
        .unwrap_err();
    assert_eq!(fired.to_string(), err.to_string());
    let history = store
        .history(&HistoryQuery::entity("task", "t"))
        .unwrap_err();
    assert!(
        history
            .to_string()
            .starts_with("task `t`: bad row: history record: column `at` does not read"),
        "{history}"
    );
    assert!(store.entities("task", None).unwrap().is_empty());
    let checked = store.entities_checked("task", None).unwrap();
    assert!(
        matches!(checked.as_slice(), [Err(StoreError::BadRow { .. })]),
        "{checked:?}"
    );
}

/// A scheme is case-insensitive: `POSTGRES://...` opens the server, where
/// it was taken for an SQLite file name (and such a file created).
#[test]
fn an_upper_case_scheme_opens_the_server_not_a_file() {
    let Some(pg) = Fixture::postgres("upper_scheme") else {
        return;
    };
    let (scheme, rest) = pg.target().split_once("://").unwrap();
    let upper = format!("{}://{rest}", scheme.to_ascii_uppercase());
    let store = Store::open_with(&upper, pg.prefix()).unwrap();
    assert_eq!(store.backend(), "postgres");
    assert!(!std::path::Path::new(&upper).exists());
}

/// A server that cannot be reached (down, restarting) is a transient
/// connection failure, which a caller may retry: not a database error.
#[test]
fn an_unreachable_server_is_a_retryable_connection_failure() {
    if pg_url("unreachable_server").is_none() {
        return;
    }
    // Nothing listens on port 1 of the loopback.
    let err = Store::open("postgres://postgres@127.0.0.1:1/test").unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Transient {
                kind: TransientKind::Connection,
                ..
            }
        ) && err.is_retryable(),
        "{err:?}"
    );
}
