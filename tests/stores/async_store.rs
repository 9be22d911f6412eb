//! The async store as a service uses it: futures spawned on tokio's
//! multi-thread runtime (so `Send`), many at once, and futures dropped
//! half-way (a cancelled request) leaving nothing half-written.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use stateforge::runtime::db::{HistoryQuery, Store, StoreError, TransitionMeta};

use crate::pg_fixture::PgFixture;

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Lamp {
        context: u32;
        initial state Off;
        state On;
        event flip_on: Off -> On => count;
        event flip_off: On -> Off => count;
    }
}

fn count<S>(flips: &mut u32, _from: &S) {
    *flips += 1;
}

async fn file_store(dir: &tempfile::TempDir) -> Store {
    Store::sqlite(dir.path().join("lamps.db")).await.unwrap()
}

/// Flips lamp `id` once, whichever way it is.
async fn flip(store: &Store, id: &str) -> Result<u64, StoreError> {
    let meta = TransitionMeta::new().actor("test");
    let lamp = store.load::<AnyLamp>(id).await?;
    let event = match lamp.machine.state() {
        LampState::Off => LampEvent::FlipOn,
        LampState::On => LampEvent::FlipOff,
    };
    match store.fire::<AnyLamp>(id, event, &meta).await {
        Ok(lamp) => Ok(lamp.version),
        // Another task flipped it between the load and the fire.
        Err(StoreError::NotAllowed { .. }) => Ok(0),
        Err(e) => Err(e),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_tasks_on_a_multi_thread_runtime_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    thirty_two_tasks(file_store(&dir).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_tasks_on_postgres_lose_nothing() {
    if let Some(pg) = PgFixture::new("async_32_tasks") {
        thirty_two_tasks(pg.async_store().await).await;
    }
}

async fn thirty_two_tasks(store: Store) {
    let meta = TransitionMeta::new();
    for lamp in 0..8 {
        store
            .create(&format!("lamp-{lamp}"), &AnyLamp::from(Lamp::new(0)), &meta)
            .await
            .unwrap();
    }
    let tasks: Vec<_> = (0..32)
        .map(|task| {
            let store = store.clone();
            // `spawn` takes only `Send` futures: this compiles only if the
            // store's futures are.
            tokio::spawn(async move {
                let id = format!("lamp-{}", task % 8);
                let mut flipped = 0;
                for _ in 0..10 {
                    if flip(&store, &id).await.unwrap() > 0 {
                        flipped += 1;
                    }
                }
                flipped
            })
        })
        .collect();
    let mut flipped = 0;
    for task in tasks {
        flipped += task.await.unwrap();
    }
    let mut versions = 0;
    for lamp in 0..8 {
        let id = format!("lamp-{lamp}");
        let loaded = store.load::<AnyLamp>(&id).await.unwrap();
        let history = store
            .history(&HistoryQuery::entity("lamp", &id))
            .await
            .unwrap();
        // Every transition is one version and one record, none lost.
        assert_eq!(history.len() as u64, loaded.version, "{id}");
        assert_eq!(
            u64::from(*loaded.machine.context()) + 1,
            loaded.version,
            "{id}"
        );
        versions += loaded.version - 1;
    }
    assert_eq!(versions, flipped);
}

/// Polls `future` at most `polls` times, letting the connection's thread
/// answer between polls; whether it finished (it must finish well).
async fn poll_at_most<T, F>(future: F, polls: usize) -> bool
where
    F: Future<Output = Result<T, StoreError>>,
{
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            if let Err(e) = out {
                panic!("after {polls} polls: {e}");
            }
            return true;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_dropped_at_any_await_point_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    unit_dropped_at_each_point(file_store(&dir).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_dropped_at_any_await_point_on_postgres() {
    if let Some(pg) = PgFixture::new("async_unit_dropped") {
        unit_dropped_at_each_point(pg.async_store().await).await;
    }
}

async fn unit_dropped_at_each_point(store: Store) {
    let meta = TransitionMeta::new();
    let mut polls = 1;
    loop {
        let id = format!("lamp-{polls}");
        let work = async {
            let mut unit = store.begin().await?;
            unit.create(&id, &AnyLamp::from(Lamp::new(0)), &meta)
                .await?;
            unit.fire::<AnyLamp>(&id, LampEvent::FlipOn, &meta).await?;
            unit.commit().await
        };
        let finished = poll_at_most(work, polls).await;
        // All of the unit, or none of it.
        match store.load::<AnyLamp>(&id).await {
            Ok(lamp) => {
                assert_eq!(lamp.version, 2, "dropped after {polls} polls");
                let history = store
                    .history(&HistoryQuery::entity("lamp", &id))
                    .await
                    .unwrap();
                assert_eq!(history.len(), 2, "dropped after {polls} polls");
            }
            Err(StoreError::NotFound { .. }) => assert!(!finished),
            Err(e) => panic!("dropped after {polls} polls: {e}"),
        }
        if finished {
            break;
        }
        polls += 1;
        assert!(polls < 100, "the unit never finished");
    }
    // The store, and its connection, still serve.
    store
        .create("after", &AnyLamp::from(Lamp::new(0)), &meta)
        .await
        .unwrap();
    assert_eq!(flip(&store, "after").await.unwrap(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fire_dropped_at_any_await_point_moves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fire_dropped_at_each_point(file_store(&dir).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fire_dropped_at_any_await_point_on_postgres() {
    if let Some(pg) = PgFixture::new("async_fire_dropped") {
        fire_dropped_at_each_point(pg.async_store().await).await;
    }
}

async fn fire_dropped_at_each_point(store: Store) {
    let meta = TransitionMeta::new();
    store
        .create("lamp", &AnyLamp::from(Lamp::new(0)), &meta)
        .await
        .unwrap();
    let mut polls = 1;
    loop {
        let before = store.load::<AnyLamp>("lamp").await.unwrap();
        let event = match before.machine.state() {
            LampState::Off => LampEvent::FlipOn,
            LampState::On => LampEvent::FlipOff,
        };
        let finished = poll_at_most(store.fire::<AnyLamp>("lamp", event, &meta), polls).await;
        let (version, records) = settled(&store, polls).await;
        assert!(
            version == before.version || version == before.version + 1,
            "dropped after {polls} polls"
        );
        assert!(!finished || version == before.version + 1);
        assert_eq!(records, version, "dropped after {polls} polls");
        if finished {
            break;
        }
        polls += 1;
        assert!(polls < 100, "the fire never finished");
    }
}

/// The lamp's version and the number of its history records, once two
/// reads some time apart agree. A fire dropped after its `COMMIT` was
/// sent is committed by the server a moment later, whoever waits for
/// it: reads right after the drop may see the row before the commit and
/// the history after it, which says nothing about the store.
async fn settled(store: &Store, polls: usize) -> (u64, u64) {
    let read = || async {
        let version = store.load::<AnyLamp>("lamp").await.unwrap().version;
        let records = store
            .history(&HistoryQuery::entity("lamp", "lamp"))
            .await
            .unwrap()
            .len() as u64;
        (version, records)
    };
    // Three reads alike, 50 ms apart: on a loaded machine the server may
    // run a dropped fire's last statement well after the drop.
    let mut last = read().await;
    let mut alike = 0;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = read().await;
        alike = if now == last && now.0 == now.1 {
            alike + 1
        } else {
            0
        };
        if alike == 2 {
            return now;
        }
        last = now;
    }
    panic!("dropped after {polls} polls: never settled, last read {last:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn the_async_and_blocking_stores_read_each_others_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let meta = TransitionMeta::new();
    {
        let store = Store::sqlite(&path).await.unwrap();
        store
            .create("lamp", &AnyLamp::from(Lamp::new(0)), &meta)
            .await
            .unwrap();
        store
            .fire::<AnyLamp>("lamp", LampEvent::FlipOn, &meta)
            .await
            .unwrap();
    }
    let blocking = stateforge::runtime::db::SqliteStore::open(&path).unwrap();
    let lamp = blocking.load::<AnyLamp>("lamp").unwrap();
    assert_eq!((lamp.machine.state(), lamp.version), (LampState::On, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fire_on_postgres_is_two_round_trips() {
    use crate::postgres::{counting_proxy, describe, messages};
    let Some(pg) = PgFixture::new("async_round_trips") else {
        return;
    };
    let config: postgres::Config = pg.url.parse().unwrap();
    let postgres::config::Host::Tcp(host) = &config.get_hosts()[0] else {
        return eprintln!("skipped: not a TCP server");
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
    // In clear: the proxy reads the messages.
    let proxied = format!("postgres://{user}{password}@127.0.0.1:{port}/{db}?sslmode=disable");
    let options = stateforge::runtime::db::StoreOptions::new().max_connections(1);
    let store = Store::open_with(&proxied, &pg.prefix, &options)
        .await
        .unwrap();
    let meta = TransitionMeta::new();
    store
        .create("lamp", &AnyLamp::from(Lamp::new(0)), &meta)
        .await
        .unwrap();
    // The connection's first fire prepares its statements.
    store
        .fire::<AnyLamp>("lamp", LampEvent::FlipOn, &meta)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let before = bursts.lock().unwrap().len();
    store
        .fire::<AnyLamp>("lamp", LampEvent::FlipOff, &meta)
        .await
        .unwrap();
    let sent: Vec<String> = bursts.lock().unwrap()[before..]
        .iter()
        .map(|burst| describe(&messages(burst)))
        .collect();
    // The row, then the write. sqlx checks a connection going back to the
    // pool with a bare Sync, after the caller has its answer: not a round
    // trip of the fire.
    let statements: Vec<&String> = sent.iter().filter(|burst| burst.contains('B')).collect();
    assert_eq!(statements.len(), 2, "{sent:?}");
    assert!(
        sent.iter().all(|burst| burst.contains('B') || burst == "S"),
        "{sent:?}"
    );
    store.close().await;
}

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Tally {
        context: u32;
        initial state Counting;
        event bump: Counting -> Counting => add_one;
    }
}

fn add_one(n: &mut u32, _from: &Counting) {
    *n += 1;
}

/// Sixteen tasks bump one entity ten times each: every bump lands, once.
async fn bumps_on_one_entity(store: Store) {
    let meta = TransitionMeta::new();
    store
        .create("tally", &AnyTally::from(Tally::new(0)), &meta)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                for _ in 0..10 {
                    let meta = TransitionMeta::new();
                    store
                        .fire::<AnyTally>("tally", TallyEvent::Bump, &meta)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let tally = store.load::<AnyTally>("tally").await.unwrap();
    assert_eq!((*tally.machine.context(), tally.version), (160, 161));
    let history = store
        .history(&HistoryQuery::entity("tally", "tally"))
        .await
        .unwrap();
    assert_eq!(history.len(), 161);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_fires_on_one_entity_all_land_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    bumps_on_one_entity(file_store(&dir).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_fires_on_one_entity_all_land_on_postgres() {
    if let Some(pg) = PgFixture::new("async_bumps") {
        bumps_on_one_entity(pg.async_store().await).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_error_carries_its_code_and_the_drivers_error() {
    let Some(pg) = PgFixture::new("async_error_code") else {
        return;
    };
    let store = pg.async_store().await;
    // PostgreSQL's text cannot hold U+0000: the server refuses the record.
    let meta = TransitionMeta::new().actor("a\u{0}b");
    let err = store
        .create("lamp", &AnyLamp::from(Lamp::new(0)), &meta)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Sql { .. }), "{err:?}");
    assert_eq!(err.code(), Some("22021"), "{err:?}");
    let source = std::error::Error::source(&err).expect("the driver's error");
    assert!(source.to_string().contains("0x00"), "{source}");
    assert!(matches!(
        store.load::<AnyLamp>("lamp").await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test(flavor = "current_thread")]
async fn a_sqlite_error_carries_its_code_and_the_drivers_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lamps.db");
    let store = Store::sqlite(&path).await.unwrap();
    store
        .create("lamp", &AnyLamp::from(Lamp::new(0)), &TransitionMeta::new())
        .await
        .unwrap();
    // A trigger of the application's refuses every history record.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON sf_history
         BEGIN SELECT RAISE(ABORT, 'no more history'); END;",
    )
    .unwrap();
    let err = store
        .fire::<AnyLamp>("lamp", LampEvent::FlipOn, &TransitionMeta::new())
        .await
        .unwrap_err();
    // SQLITE_CONSTRAINT_TRIGGER.
    assert_eq!(err.code(), Some("1811"), "{err:?}");
    assert!(std::error::Error::source(&err).is_some(), "{err:?}");
    assert_eq!(store.load::<AnyLamp>("lamp").await.unwrap().version, 1);
}

/// Without migration, opening a database without the store's tables
/// creates nothing and says so, on both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_without_migration_creates_nothing() {
    let options = stateforge::runtime::db::StoreOptions::new().migrate(false);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let err = Store::open_with(path.to_str().unwrap(), &Default::default(), &options)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NoSchema(_)), "{err:?}");
    let Some(pg) = PgFixture::new("no_migration") else {
        return;
    };
    let prefix = crate::pg_fixture::unique_prefix("no_migration_other");
    let url = pg.url.replacen("://postgres@", "://postgres:hunter2@", 1);
    let err = Store::open_with(&url, &prefix, &options).await.unwrap_err();
    let shown = err.to_string();
    assert!(matches!(err, StoreError::NoSchema(_)), "{err:?}");
    assert!(
        shown.starts_with("no stateforge tables in postgres://"),
        "{shown}"
    );
    assert!(!shown.contains("hunter2"), "{shown}");
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let created: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(format!("{}sf_meta", prefix.as_str()))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!created, "no table was created");
    // Where the tables are, the same options open the store.
    let store = Store::open_with(&pg.url, &pg.prefix, &options)
        .await
        .unwrap();
    store
        .create("lamp", &AnyLamp::from(Lamp::new(0)), &TransitionMeta::new())
        .await
        .unwrap();
}

/// A unit tells its transitions' after-listeners once it has committed,
/// and nothing when it is rolled back.
#[tokio::test(flavor = "current_thread")]
async fn a_unit_tells_after_listeners_when_it_commits() {
    use std::sync::{Arc, Mutex};
    let store = Store::in_memory().await.unwrap();
    let heard = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut listeners = stateforge::runtime::Listeners::<AnyLamp>::new();
    let sink = Arc::clone(&heard);
    listeners.after("audit", move |info, lamp| {
        let actor = info.meta.and_then(|m| m.actor.clone()).unwrap_or_default();
        sink.lock()
            .unwrap()
            .push(format!("{info} by {actor}, {} flips", lamp.context()));
        Ok(())
    });
    let meta = TransitionMeta::new().actor("ada");
    store
        .create("l", &AnyLamp::from(Lamp::new(0)), &meta)
        .await
        .unwrap();

    let mut unit = store.begin().await.unwrap();
    unit.fire_with(&listeners, "l", LampEvent::FlipOn, &meta)
        .await
        .unwrap();
    drop(unit);
    assert!(
        heard.lock().unwrap().is_empty(),
        "a unit rolled back tells nothing"
    );

    let mut unit = store.begin().await.unwrap();
    unit.fire_with(&listeners, "l", LampEvent::FlipOn, &meta)
        .await
        .unwrap();
    unit.fire_with(&listeners, "l", LampEvent::FlipOff, &meta)
        .await
        .unwrap();
    assert!(heard.lock().unwrap().is_empty(), "not before the commit");
    unit.commit().await.unwrap();
    assert_eq!(
        *heard.lock().unwrap(),
        [
            "lamp l: off --flip_on--> on by ada, 1 flips",
            "lamp l: on --flip_off--> off by ada, 2 flips"
        ]
    );
}

stateforge::state_machine! {
    #[derive(Debug)]
    machine Fuse {
        initial state Lit;
        final state Blown;
        event blow: Lit -> Blown after 50ms;
    }
}

/// The async timer worker, a tokio task on either backend: it fires a
/// timer once it is due, and ends when its token is cancelled.
async fn timer_worker_as_a_task(store: Store) {
    use stateforge::runtime::db::TimerWorker;
    use tokio_util::sync::CancellationToken;
    let meta = TransitionMeta::new();
    store
        .create("f", &AnyFuse::from(Fuse::new()), &meta)
        .await
        .unwrap();
    let stop = CancellationToken::new();
    let worker = TimerWorker::new()
        .machine::<AnyFuse>()
        .poll_interval(Duration::from_millis(20));
    let running = tokio::spawn(worker.run(store.clone(), stop.clone()));
    let blown = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let fuse = store.load::<AnyFuse>("f").await.unwrap();
            if fuse.machine.state() == FuseState::Blown {
                return fuse.version;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the worker fires the timer once it is due");
    assert_eq!(blown, 2);
    stop.cancel();
    let fired = tokio::time::timeout(Duration::from_secs(30), running)
        .await
        .expect("the worker stops when its token is cancelled")
        .expect("the worker does not panic");
    assert_eq!(fired, 1);
    let history = store
        .history(&HistoryQuery::entity("fuse", "f"))
        .await
        .unwrap();
    let events: Vec<_> = history.iter().map(|r| r.event.as_deref()).collect();
    assert_eq!(events, [None, Some("blow")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_timer_worker_runs_as_a_task_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    timer_worker_as_a_task(file_store(&dir).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_async_timer_worker_runs_as_a_task_on_postgres() {
    if let Some(pg) = PgFixture::new("async_timer_worker") {
        timer_worker_as_a_task(pg.async_store().await).await;
    }
}

/// A machine defined as data whose one event always fires: every toggle
/// must land, however the tasks' fires interleave.
fn toggle_definition() -> std::sync::Arc<stateforge::runtime::Bound<serde_json::Value>> {
    let json = r#"{"name": "switch",
        "states": [{"name": "off", "initial": true}, {"name": "on"}],
        "events": [{"name": "toggle", "arms": [
            {"from": ["off"], "to": "on"}, {"from": ["on"], "to": "off"}]}]}"#;
    stateforge::runtime::Registry::new()
        .bind(stateforge::Definition::from_json(json).unwrap())
        .unwrap()
}

/// Sixteen tasks toggle one entity by name, ten times each: a fire that
/// loses a race to another task's fires again from where that one left
/// the entity, so every fire is one version and one record.
async fn sixteen_tasks_toggle_one_entity_by_name(store: Store) {
    let bound = toggle_definition();
    let machine = stateforge::runtime::DynMachine::new(bound.clone(), serde_json::json!({}));
    store
        .create_dyn("s", &machine, &TransitionMeta::new())
        .await
        .unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (store, bound) = (store.clone(), bound.clone());
            tokio::spawn(async move {
                for _ in 0..10 {
                    let meta = TransitionMeta::new().actor("test");
                    store
                        .fire_dyn(&bound, "s", "toggle", &serde_json::Value::Null, &meta)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let loaded = store.load_dyn(&bound, "s").await.unwrap();
    assert_eq!(loaded.version, 1 + 16 * 10);
    assert_eq!(
        loaded.machine.state_name(),
        "off",
        "an even number of toggles"
    );
    let history = store
        .history(&HistoryQuery::entity("switch", "s"))
        .await
        .unwrap();
    assert_eq!(history.len() as u64, loaded.version);
    for (i, record) in history.iter().enumerate() {
        assert_eq!(record.version, i as u64 + 1, "{record:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamic_fires_on_one_entity_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    sixteen_tasks_toggle_one_entity_by_name(file_store(&dir).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamic_fires_on_one_entity_lose_nothing_on_postgres() {
    if let Some(pg) = PgFixture::new("async_dyn_toggle") {
        sixteen_tasks_toggle_one_entity_by_name(pg.async_store().await).await;
    }
}

/// A fire by name on a row of an older definition, through the async
/// store: the carry-over and the transition commit together or not at
/// all, although a fire on PostgreSQL first races without a transaction.
async fn a_refused_fire_on_an_older_row_writes_nothing(store: Store) {
    use crate::suite::migrations::{V1, V2, bind};
    let (v1, v2) = (bind(V1), bind(V2));
    let meta = TransitionMeta::new();
    let null = serde_json::Value::Null;
    let ticket = stateforge::runtime::DynMachine::new(v1.clone(), serde_json::json!({}));
    store.create_dyn("t", &ticket, &meta).await.unwrap();
    store
        .fire_dyn(&v1, "t", "start", &null, &meta)
        .await
        .unwrap();
    store
        .fire_dyn(&v2, "t", "start", &null, &meta)
        .await
        .unwrap_err();
    let rows = store.entities("ticket", None).await.unwrap();
    assert_eq!(
        (rows[0].state.as_str(), rows[0].version),
        ("in_progress", 2)
    );
    // Allowed, it carries the row over (a record of its own) and moves it.
    let closed = store
        .fire_dyn(&v2, "t", "close", &null, &meta)
        .await
        .unwrap();
    assert_eq!((closed.machine.state_name(), closed.version), ("closed", 4));
}

#[tokio::test]
async fn a_refused_fire_on_an_older_row_writes_nothing_on_either_backend() {
    let dir = tempfile::tempdir().unwrap();
    a_refused_fire_on_an_older_row_writes_nothing(file_store(&dir).await).await;
    if let Some(pg) = PgFixture::new("async_older_row") {
        a_refused_fire_on_an_older_row_writes_nothing(pg.async_store().await).await;
    }
}
