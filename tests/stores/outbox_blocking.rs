//! The blocking API's outbox: units write messages, fires write those of
//! their meta and their outbox listeners, and the blocking worker
//! delivers them on the caller's thread, as the async one does.

use std::collections::BTreeMap;
use std::time::Duration;

use stateforge::runtime::Listeners;
use stateforge::runtime::db::blocking::{OutboxWorker, StopSignal, Store};
use stateforge::runtime::db::{OutboxMessage, StoreError, TransitionMeta};

use crate::pg_fixture::PgFixture;

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Ledger {
        context: u64;
        initial state Open;
        final state Closed;
        event post: Open -> Open;
        event close: Open -> Closed;
    }
}

/// A blocking store on a fresh SQLite file, and one on the PostgreSQL
/// fixture's tables when there is a server.
fn stores(test: &str) -> Vec<(Store, Option<PgFixture>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let sqlite = Store::open(path.to_str().unwrap()).unwrap();
    let mut out = vec![(sqlite, None, dir)];
    if let Some(pg) = PgFixture::new(test) {
        out.push((pg.reopen(), Some(pg), tempfile::tempdir().unwrap()));
    }
    out
}

fn seq_of(m: &OutboxMessage) -> u64 {
    m.payload["seq"].as_u64().unwrap()
}

const ENTITIES: [&str; 3] = ["a", "b", "c"];
const POSTS: u64 = 20;

/// The worker, run on a thread of its own until every message came or
/// ten seconds passed, with a handler that fails once, at `a`'s fifth
/// message: every message is acknowledged once, each entity's in order
/// (the failed one again first), a rolled-back unit's never.
#[test]
fn the_blocking_worker_delivers_each_entitys_messages_in_order() {
    for (store, _pg, _dir) in stores("outbox_blocking") {
        let backend = store.backend();
        // Each post's message from the meta, and a listener's on `close`.
        let mut listeners = Listeners::<AnyLedger>::new();
        listeners.outbox("closed", |t, ledger: &AnyLedger| {
            (t.event == "close").then(|| serde_json::json!({ "seq": ledger.context() }))
        });
        for id in ENTITIES {
            store
                .create(
                    id,
                    &AnyLedger::from(Ledger::new(POSTS + 1)),
                    &TransitionMeta::new(),
                )
                .unwrap();
            for seq in 1..=POSTS {
                let meta =
                    TransitionMeta::new().message("posted", serde_json::json!({ "seq": seq }));
                store
                    .fire_with(&listeners, id, LedgerEvent::Post, &meta)
                    .unwrap();
            }
            store
                .fire_with(&listeners, id, LedgerEvent::Close, &TransitionMeta::new())
                .unwrap();
        }
        // A unit's own message, and one in a unit rolled back.
        store
            .unit(|u| {
                u.enqueue(
                    "ledger",
                    "b",
                    "audited",
                    serde_json::json!({ "seq": POSTS + 2 }),
                )
            })
            .unwrap();
        let rolled_back = store.unit(|u| {
            u.enqueue("ledger", "c", "audited", serde_json::json!({ "seq": 999 }))?;
            Err::<(), _>(StoreError::Database(
                "the application changed its mind".into(),
            ))
        });
        assert!(rolled_back.is_err());

        let total = ENTITIES.len() * (POSTS as usize + 1) + 1;
        let (tx, rx) = std::sync::mpsc::channel::<OutboxMessage>();
        let stop = StopSignal::new();
        let worker = OutboxWorker::new()
            .batch(4)
            .poll_interval(Duration::from_millis(10));
        let mut failed_once = false;
        let (acknowledged, delivered) = std::thread::scope(|s| {
            let running = s.spawn(|| {
                worker.run(
                    &store,
                    |m: OutboxMessage| {
                        if m.entity_id == "a" && seq_of(&m) == 5 && !failed_once {
                            failed_once = true;
                            return Err("receiver busy");
                        }
                        tx.send(m).map_err(|_| "test ended")
                    },
                    &stop,
                )
            });
            let mut delivered = Vec::new();
            while delivered.len() < total {
                match rx.recv_timeout(Duration::from_secs(10)) {
                    Ok(m) => delivered.push(m),
                    Err(_) => break,
                }
            }
            stop.stop();
            (running.join().unwrap(), delivered)
        });
        assert!(failed_once, "{backend}");
        assert_eq!((acknowledged, delivered.len()), (total, total), "{backend}");
        let mut per_entity: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for m in &delivered {
            per_entity
                .entry(m.entity_id.clone())
                .or_default()
                .push(seq_of(m));
        }
        let ledger: Vec<u64> = (1..=POSTS + 1).collect();
        assert_eq!(per_entity["a"], ledger, "{backend}");
        assert_eq!(
            per_entity["b"],
            (1..=POSTS + 2).collect::<Vec<_>>(),
            "{backend}"
        );
        assert_eq!(per_entity["c"], ledger, "{backend}");
        let left = OutboxWorker::new()
            .deliver_once(&store, |_m: OutboxMessage| Ok::<(), String>(()))
            .unwrap();
        assert_eq!(left, 0, "{backend}: acknowledged messages are gone");
    }
}
