//! Where outbox messages come from besides `TransitionMeta::message`: an
//! outbox listener composing one from the machine a transition entered.
//! Either way a message is written in the transition's transaction: a
//! fire whose message cannot be written moves nothing.

use std::sync::Mutex;

use stateforge::runtime::Listeners;
use stateforge::runtime::db::{OutboxMessage, OutboxWorker, Store, StoreError, TransitionMeta};

use crate::pg_fixture::PgFixture;

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Order {
        context: u32;
        initial state Open;
        state Paid;
        final state Closed;
        event pay: Open -> Paid;
        event ship: Paid -> Closed;
        event cancel: Open -> Closed;
    }
}

/// A store on a fresh SQLite file, and the one on the PostgreSQL
/// fixture's tables when there is a server; the SQLite file's directory.
async fn stores(test: &str) -> Vec<(Store, Option<PgFixture>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::sqlite(dir.path().join("orders.db")).await.unwrap();
    let mut out = vec![(sqlite, None, dir)];
    if let Some(pg) = PgFixture::new(test) {
        let store = pg.async_store().await;
        out.push((store, Some(pg), tempfile::tempdir().unwrap()));
    }
    out
}

/// Everything in the outbox, in delivery order.
async fn drain(store: &Store) -> Vec<OutboxMessage> {
    let seen = Mutex::new(Vec::new());
    while OutboxWorker::new()
        .deliver_once(store, |m: OutboxMessage| {
            seen.lock().unwrap().push(m);
            async { Ok::<(), String>(()) }
        })
        .await
        .unwrap()
        > 0
    {}
    seen.into_inner().unwrap()
}

/// An invoice on `pay`, composed from the order's total and the fire's
/// actor; nothing on the other arms.
fn invoicing() -> Listeners<AnyOrder> {
    let mut listeners = Listeners::new();
    listeners.outbox("invoice", |t, order: &AnyOrder| {
        (t.event == "pay").then(|| {
            serde_json::json!({
                "total": order.context(),
                "state": order.state().as_str(),
                "actor": t.meta.and_then(|m| m.actor.clone()),
            })
        })
    });
    listeners
}

async fn create(store: &Store, id: &str, total: u32) {
    store
        .create(
            id,
            &AnyOrder::from(Order::new(total)),
            &TransitionMeta::new(),
        )
        .await
        .unwrap();
}

/// An outbox listener's message commits with its transition, fire or
/// unit, after the meta's own; a veto, a refused event, a rolled-back
/// unit or an arm the listener does not answer leave none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbox_listener_writes_its_message_with_the_transition() {
    for (store, _pg, _dir) in stores("outbox_listener").await {
        let backend = store.backend();
        let listeners = invoicing();
        for (id, total) in [("a", 1250), ("b", 990), ("c", 10), ("d", 7)] {
            create(&store, id, total).await;
        }
        let meta = TransitionMeta::new()
            .actor("ada")
            .message("paid", serde_json::json!({ "by": "card" }));
        store
            .fire_with(&listeners, "a", OrderEvent::Pay, &meta)
            .await
            .unwrap();
        // No message on `ship`: the listener answers `None`.
        store
            .fire_with(&listeners, "a", OrderEvent::Ship, &TransitionMeta::new())
            .await
            .unwrap();
        // In a unit that commits.
        let mut unit = store.begin().await.unwrap();
        unit.fire_with(&listeners, "b", OrderEvent::Pay, &TransitionMeta::new())
            .await
            .unwrap();
        unit.commit().await.unwrap();
        // In a unit rolled back.
        let mut unit = store.begin().await.unwrap();
        unit.fire_with(&listeners, "c", OrderEvent::Pay, &TransitionMeta::new())
            .await
            .unwrap();
        unit.rollback();
        // Refused by the machine, then vetoed by a before-listener.
        store
            .fire::<AnyOrder>("d", OrderEvent::Cancel, &TransitionMeta::new())
            .await
            .unwrap();
        let refused = store
            .fire_with(&listeners, "d", OrderEvent::Pay, &TransitionMeta::new())
            .await;
        assert!(
            matches!(refused, Err(StoreError::NotAllowed { .. })),
            "{backend}"
        );
        let mut vetoing = invoicing();
        vetoing.before("frozen", |_, _| Err("account frozen".into()));
        let vetoed = store
            .fire_with(&vetoing, "c", OrderEvent::Pay, &TransitionMeta::new())
            .await;
        assert!(
            matches!(vetoed, Err(StoreError::Vetoed { .. })),
            "{backend}"
        );

        let mut sent: Vec<(String, String, serde_json::Value)> = drain(&store)
            .await
            .into_iter()
            .map(|m| (m.entity_id, m.topic, m.payload))
            .collect();
        // Entities' messages interleave; each entity's keep their order.
        sent.sort_by(|x, y| x.0.cmp(&y.0));
        let expected = vec![
            (
                "a".to_owned(),
                "paid".to_owned(),
                serde_json::json!({ "by": "card" }),
            ),
            (
                "a".to_owned(),
                "invoice".to_owned(),
                serde_json::json!({ "total": 1250, "state": "paid", "actor": "ada" }),
            ),
            (
                "b".to_owned(),
                "invoice".to_owned(),
                serde_json::json!({ "total": 990, "state": "paid", "actor": null }),
            ),
        ];
        assert_eq!(sent, expected, "{backend}");
        assert_eq!(
            store.load::<AnyOrder>("c").await.unwrap().machine.state(),
            OrderState::Open,
            "{backend}"
        );
    }
}

/// Renames the outbox table of `store` away, so that writing a message
/// fails, or `back`.
async fn rename_outbox(store: &Store, pg: Option<&PgFixture>, dir: &std::path::Path, back: bool) {
    let prefix = pg.map_or("", |pg| pg.prefix.as_str());
    let (from, to) = if back {
        (
            format!("{prefix}sf_outbox_away"),
            format!("{prefix}sf_outbox"),
        )
    } else {
        (
            format!("{prefix}sf_outbox"),
            format!("{prefix}sf_outbox_away"),
        )
    };
    let sql = format!("ALTER TABLE {from} RENAME TO {to}");
    match store.pg_pool() {
        Some(pool) => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(pool)
                .await
                .unwrap();
        }
        None => {
            let conn = rusqlite::Connection::open(dir.join("orders.db")).unwrap();
            conn.execute_batch(&sql).unwrap();
        }
    }
}

/// A fire whose message cannot be written (the outbox table is gone)
/// fails and moves nothing, whether the message came with the meta or
/// from a listener: on PostgreSQL such a fire must not take the lock-free
/// path, whose transition commits in a statement of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fire_whose_message_cannot_be_written_moves_nothing() {
    for (store, pg, dir) in stores("outbox_unwritable").await {
        let backend = store.backend();
        create(&store, "a", 5).await;
        create(&store, "b", 6).await;
        rename_outbox(&store, pg.as_ref(), dir.path(), false).await;
        let with_meta = TransitionMeta::new().message("paid", serde_json::json!({}));
        let by_meta = store
            .fire::<AnyOrder>("a", OrderEvent::Pay, &with_meta)
            .await;
        let by_listener = store
            .fire_with(&invoicing(), "b", OrderEvent::Pay, &TransitionMeta::new())
            .await;
        rename_outbox(&store, pg.as_ref(), dir.path(), true).await;
        assert!(by_meta.is_err(), "{backend}: {by_meta:?}");
        assert!(by_listener.is_err(), "{backend}: {by_listener:?}");
        for id in ["a", "b"] {
            let loaded = store.load::<AnyOrder>(id).await.unwrap();
            assert_eq!(
                (loaded.machine.state(), loaded.version),
                (OrderState::Open, 1),
                "{backend}: {id} moved without its message"
            );
        }
        // With the table back, the same fires move and send.
        store
            .fire::<AnyOrder>("a", OrderEvent::Pay, &with_meta)
            .await
            .unwrap();
        store
            .fire_with(&invoicing(), "b", OrderEvent::Pay, &TransitionMeta::new())
            .await
            .unwrap();
        let topics: Vec<String> = drain(&store).await.into_iter().map(|m| m.topic).collect();
        assert_eq!(topics, ["paid", "invoice"], "{backend}");
    }
}
