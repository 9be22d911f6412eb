//! Idempotent fires: the same idempotency key fired twice moves the
//! entity once and returns the first outcome again, from any client; a
//! key names one request; keys expire.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use stateforge::runtime::db::{HistoryQuery, Store, StoreError, TransitionMeta};
use stateforge::runtime::{Listeners, Registry, Timestamp};

use crate::pg_fixture::PgFixture;

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Meter {
        initial state Running;
        final state Stopped;
        event tick: Running -> Running;
        event stop: Running -> Stopped;
    }
}

fn keyed(key: &str) -> TransitionMeta {
    TransitionMeta::new().idempotency_key(key)
}

/// A store on a fresh SQLite file, and the one on the PostgreSQL
/// fixture's tables when there is a server.
async fn stores(test: &str) -> Vec<(Store, Option<PgFixture>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idempotent.db");
    let sqlite = Store::sqlite(&path).await.unwrap();
    let mut out = vec![(sqlite, None, dir)];
    if let Some(pg) = PgFixture::new(test) {
        let store = pg.async_store().await;
        out.push((store, Some(pg), tempfile::tempdir().unwrap()));
    }
    out
}

/// Eight clients, each sending each of its requests twice at once (two
/// tasks, one key): every request moves its entity once, both copies get
/// the same version, and the history has one record per request.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_clients_sending_each_request_twice_move_each_entity_once() {
    const CLIENTS: usize = 8;
    const REQUESTS: usize = 6;
    const ENTITIES: usize = 4;
    for (store, _pg, _dir) in stores("idem_eight_clients").await {
        let store = Arc::new(store);
        for e in 0..ENTITIES {
            store
                .create(
                    &format!("m-{e}"),
                    &AnyMeter::from(Meter::new()),
                    &TransitionMeta::new(),
                )
                .await
                .unwrap();
        }
        let mut clients = Vec::new();
        for c in 0..CLIENTS {
            let store = Arc::clone(&store);
            clients.push(tokio::spawn(async move {
                let entity = format!("m-{}", c % ENTITIES);
                let mut versions = Vec::new();
                for r in 0..REQUESTS {
                    let meta = keyed(&format!("req-{c}-{r}"));
                    let send = || store.fire::<AnyMeter>(&entity, MeterEvent::Tick, &meta);
                    let (first, second) = tokio::join!(send(), send());
                    let (first, second) = (first.unwrap(), second.unwrap());
                    assert_eq!(first.version, second.version, "client {c} request {r}");
                    assert_eq!(first.machine.state(), second.machine.state());
                    // A third copy, after both: the same outcome again.
                    assert_eq!(send().await.unwrap().version, first.version);
                    versions.push((entity.clone(), first.version));
                }
                versions
            }));
        }
        let mut seen = std::collections::HashSet::new();
        for client in clients {
            for (entity, version) in client.await.unwrap() {
                assert!(
                    seen.insert((entity, version)),
                    "two requests got one version"
                );
            }
        }
        let per_entity = (CLIENTS / ENTITIES * REQUESTS) as u64;
        for e in 0..ENTITIES {
            let id = format!("m-{e}");
            let loaded = store.load::<AnyMeter>(&id).await.unwrap();
            assert_eq!(loaded.version, 1 + per_entity, "{} {id}", store.backend());
            let history = store
                .history(&HistoryQuery::entity("meter", &id).limit(1000))
                .await
                .unwrap();
            assert_eq!(history.len() as u64, loaded.version);
        }
    }
}

/// The first outcome comes back after the entity moved on, marked as
/// replayed, and the after-listeners are not told twice; a key fired on
/// another entity or with another event is refused, moving nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_returns_its_first_outcome_and_names_one_request() {
    for (store, _pg, _dir) in stores("idem_one_request").await {
        let meta = TransitionMeta::new();
        for id in ["a", "b"] {
            store
                .create(id, &AnyMeter::from(Meter::new()), &meta)
                .await
                .unwrap();
        }
        let told = Arc::new(AtomicUsize::new(0));
        let mut listeners = Listeners::<AnyMeter>::new();
        let counter = Arc::clone(&told);
        listeners.after("count", move |_, _| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
        let first = store
            .fire_with(&listeners, "a", MeterEvent::Tick, &keyed("k-1"))
            .await
            .unwrap();
        assert_eq!(first.version, 2);
        // The entity moves on, then the request comes again.
        store
            .fire::<AnyMeter>("a", MeterEvent::Stop, &meta)
            .await
            .unwrap();
        let again = store
            .fire_with(&listeners, "a", MeterEvent::Tick, &keyed("k-1"))
            .await
            .unwrap();
        assert_eq!(
            (again.version, again.machine.state()),
            (2, MeterState::Running)
        );
        // Told of the first fire only (the stop had no listeners).
        assert_eq!(told.load(Ordering::SeqCst), 1, "{}", store.backend());
        let mut unit = store.begin().await.unwrap();
        let replayed = unit
            .fire_with(&listeners, "a", MeterEvent::Tick, &keyed("k-1"))
            .await
            .unwrap();
        assert!(replayed.replayed);
        assert_eq!(
            (replayed.from, replayed.to, replayed.loaded.version),
            ("running", "running", 2)
        );
        unit.commit().await.unwrap();
        assert_eq!(told.load(Ordering::SeqCst), 1);
        // Another entity, another event: another request, refused.
        for (id, event) in [("b", MeterEvent::Tick), ("a", MeterEvent::Stop)] {
            let err = store
                .fire::<AnyMeter>(id, event, &keyed("k-1"))
                .await
                .unwrap_err();
            match &err {
                StoreError::IdempotencyKeyReused {
                    key,
                    entity_id,
                    event,
                    ..
                } => {
                    assert_eq!(
                        (key.as_str(), entity_id.as_str(), event.as_str()),
                        ("k-1", "a", "tick")
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(store.load::<AnyMeter>("a").await.unwrap().version, 3);
        assert_eq!(store.load::<AnyMeter>("b").await.unwrap().version, 1);
    }
}

/// Past its time to live a key is a new request, and expiring removes
/// its row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_key_is_a_new_request() {
    for (store, _pg, _dir) in stores("idem_expiry").await {
        store
            .create("m", &AnyMeter::from(Meter::new()), &TransitionMeta::new())
            .await
            .unwrap();
        let short = keyed("k").idempotency_ttl(Duration::from_millis(1));
        let fire = || store.fire::<AnyMeter>("m", MeterEvent::Tick, &short);
        assert_eq!(fire().await.unwrap().version, 2);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(fire().await.unwrap().version, 3);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            store
                .expire_idempotency_keys(Timestamp::now())
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .expire_idempotency_keys(Timestamp::now())
                .await
                .unwrap(),
            0
        );
        // A long-lived key is kept.
        let long = keyed("long");
        store
            .fire::<AnyMeter>("m", MeterEvent::Tick, &long)
            .await
            .unwrap();
        assert_eq!(
            store
                .expire_idempotency_keys(Timestamp::now())
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            store
                .fire::<AnyMeter>("m", MeterEvent::Tick, &long)
                .await
                .unwrap()
                .version,
            4
        );
    }
}

const METER_JSON: &str = r#"{
    "name": "dyn_meter",
    "states": [{"name": "running", "initial": true}, {"name": "stopped", "final": true}],
    "events": [
        {"name": "tick", "arms": [{"from": ["running"], "to": "running"}]},
        {"name": "stop", "arms": [{"from": ["running"], "to": "stopped"}]}
    ]
}"#;

/// Dynamic machines, and the blocking store, take keys the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamic_fires_and_the_blocking_store_are_idempotent_too() {
    let bound = Registry::new()
        .bind(stateforge::Definition::from_json(METER_JSON).unwrap())
        .unwrap();
    let args = serde_json::Value::Null;
    for (store, _pg, _dir) in stores("idem_dynamic").await {
        let machine = stateforge::runtime::DynMachine::new(bound.clone(), serde_json::json!({}));
        store
            .create_dyn("d", &machine, &TransitionMeta::new())
            .await
            .unwrap();
        for _ in 0..2 {
            let moved = store
                .fire_dyn(&bound, "d", "tick", &args, &keyed("dyn-1"))
                .await
                .unwrap();
            assert_eq!(moved.version, 2);
        }
        let err = store
            .fire_dyn(&bound, "d", "stop", &args, &keyed("dyn-1"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::IdempotencyKeyReused { .. }),
            "{err:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blocking.db");
    let path = path.to_str().unwrap().to_owned();
    tokio::task::spawn_blocking(move || {
        let store = stateforge::runtime::db::blocking::Store::open(&path).unwrap();
        store
            .create("m", &AnyMeter::from(Meter::new()), &TransitionMeta::new())
            .unwrap();
        for _ in 0..2 {
            let moved = store
                .fire::<AnyMeter>("m", MeterEvent::Tick, &keyed("b-1"))
                .unwrap();
            assert_eq!(moved.version, 2);
        }
    })
    .await
    .unwrap();
}
