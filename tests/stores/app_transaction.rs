//! The store inside the application's own PostgreSQL transaction: the
//! transition, its history record and the application's rows commit or
//! roll back together.

use stateforge::runtime::db::{HistoryQuery, Store, StoreError, StoreOptions, TransitionMeta};

use crate::pg_fixture::PgFixture;

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Order {
        initial state Placed;
        state Invoiced;
        final state Paid;
        event invoice: Placed -> Invoiced;
        event pay: Invoiced -> Paid;
    }
}

/// The application's pool, its `invoices` table, and the store on both.
async fn setup(pg: &PgFixture) -> (sqlx::PgPool, String, Store) {
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let invoices = format!("{}invoices", pg.prefix.as_str());
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE TABLE {invoices} (id TEXT PRIMARY KEY, entity TEXT NOT NULL)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    let store = Store::from_pool_with(pool.clone(), &pg.prefix, &StoreOptions::new())
        .await
        .unwrap();
    let meta = TransitionMeta::new();
    store
        .create("o-1", &AnyOrder::from(Order::new()), &meta)
        .await
        .unwrap();
    (pool, invoices, store)
}

async fn invoice_count(pool: &sqlx::PgPool, invoices: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM {invoices}"
    )))
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn drop_invoices(pool: &sqlx::PgPool, invoices: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP TABLE {invoices}")))
        .execute(pool)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_application_write_takes_the_transition_back_with_it() {
    let Some(pg) = PgFixture::new("app_tx_rollback") else {
        return;
    };
    let (pool, invoices, store) = setup(&pg).await;
    let insert = format!("INSERT INTO {invoices} (id, entity) VALUES ('inv-1', 'o-1')");
    let mut tx = pool.begin().await.unwrap();
    let mut unit = store.unit_in(&mut tx).unwrap();
    let moved = unit
        .fire::<AnyOrder>("o-1", OrderEvent::Invoice, &TransitionMeta::new())
        .await
        .unwrap();
    assert_eq!(moved.version, 2);
    unit.commit().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
        .execute(&mut *tx)
        .await
        .unwrap();
    // The application's second write fails: it rolls back everything.
    let duplicate = sqlx::query(sqlx::AssertSqlSafe(insert))
        .execute(&mut *tx)
        .await;
    assert!(duplicate.is_err());
    tx.rollback().await.unwrap();

    let order = store.load::<AnyOrder>("o-1").await.unwrap();
    assert_eq!(
        (order.machine.state(), order.version),
        (OrderState::Placed, 1)
    );
    let history = store
        .history(&HistoryQuery::entity("order", "o-1"))
        .await
        .unwrap();
    assert_eq!(history.len(), 1, "no record of the transition rolled back");
    assert_eq!(invoice_count(&pool, &invoices).await, 0);
    drop_invoices(&pool, &invoices).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committed_application_transaction_keeps_both_and_others_conflict() {
    let Some(pg) = PgFixture::new("app_tx_commit") else {
        return;
    };
    let (pool, invoices, store) = setup(&pg).await;
    let mut tx = pool.begin().await.unwrap();
    let mut unit = store.unit_in(&mut tx).unwrap();
    unit.fire::<AnyOrder>("o-1", OrderEvent::Invoice, &TransitionMeta::new())
        .await
        .unwrap();
    unit.commit().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {invoices} (id, entity) VALUES ('inv-1', 'o-1')"
    )))
    .execute(&mut *tx)
    .await
    .unwrap();

    // Someone else saves from version 1 meanwhile: the row is the
    // application's transaction's until it ends, then it is at version 2.
    let other = store.clone();
    let racing = tokio::spawn(async move {
        let invoiced = AnyOrder::from(Order::new().invoice());
        other
            .save("o-1", 1, "invoice", &invoiced, &TransitionMeta::new())
            .await
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        !racing.is_finished(),
        "the save waits for the application's transaction"
    );
    tx.commit().await.unwrap();
    let raced = racing.await.unwrap();
    assert!(
        matches!(
            raced,
            Err(StoreError::Conflict {
                expected: 1,
                current: 2,
                ..
            })
        ),
        "{raced:?}"
    );

    let order = store.load::<AnyOrder>("o-1").await.unwrap();
    assert_eq!(
        (order.machine.state(), order.version),
        (OrderState::Invoiced, 2)
    );
    let history = store
        .history(&HistoryQuery::entity("order", "o-1"))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(invoice_count(&pool, &invoices).await, 1);
    drop_invoices(&pool, &invoices).await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_sqlite_store_refuses_a_postgres_transaction() {
    let Some(pg) = PgFixture::new("app_tx_sqlite") else {
        return;
    };
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    let store = Store::in_memory().await.unwrap();
    assert!(matches!(
        store.unit_in(&mut tx),
        Err(StoreError::Database(_))
    ));
}

/// On SQLite the application's connection is its own rusqlite one, to the
/// store's file, in a transaction it began.
#[test]
fn on_sqlite_the_transition_commits_and_rolls_back_with_the_application() {
    use stateforge::runtime::db::SqliteStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let store = SqliteStore::open(&path).unwrap();
    let meta = TransitionMeta::new();
    store
        .create("o-1", &AnyOrder::from(Order::new()), &meta)
        .unwrap();
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id TEXT PRIMARY KEY, entity TEXT NOT NULL)")
        .unwrap();
    let insert = "INSERT INTO invoices (id, entity) VALUES ('inv-1', 'o-1')";

    // The application's second write fails: it rolls back everything.
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let version = store
        .unit_in(&mut conn, |u| {
            u.fire::<AnyOrder>("o-1", OrderEvent::Invoice, &meta)
        })
        .unwrap()
        .version;
    assert_eq!(version, 2);
    conn.execute(insert, []).unwrap();
    assert!(conn.execute(insert, []).is_err());
    conn.execute_batch("ROLLBACK").unwrap();
    let order = store.load::<AnyOrder>("o-1").unwrap();
    assert_eq!(
        (order.machine.state(), order.version),
        (OrderState::Placed, 1)
    );
    assert_eq!(
        store
            .history(&HistoryQuery::entity("order", "o-1"))
            .unwrap()
            .len(),
        1
    );

    // Committed: both.
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    store
        .unit_in(&mut conn, |u| {
            u.fire::<AnyOrder>("o-1", OrderEvent::Invoice, &meta)
        })
        .unwrap();
    conn.execute(insert, []).unwrap();
    conn.execute_batch("COMMIT").unwrap();
    let order = store.load::<AnyOrder>("o-1").unwrap();
    assert_eq!(
        (order.machine.state(), order.version),
        (OrderState::Invoiced, 2)
    );
    assert_eq!(
        store
            .history(&HistoryQuery::entity("order", "o-1"))
            .unwrap()
            .len(),
        2
    );
    let invoices: i64 = conn
        .query_row("SELECT count(*) FROM invoices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(invoices, 1);
}

/// A transition inside the application's transaction costs the round
/// trips of the store's own fire: two statements each (the store's own
/// fire reads the row and writes; inside the transaction the read locks
/// the row, and the write is the same statement). The transaction's
/// `BEGIN` and `COMMIT` are the application's, paid for its own writes.
/// Counted through a proxy, once each connection has prepared its
/// statements.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fire_in_the_applications_transaction_costs_the_round_trips_of_the_stores_own() {
    use crate::postgres::{counting_proxy, describe, messages};
    let Some(pg) = PgFixture::new("app_tx_round_trips") else {
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
    let store = Store::open_with(
        &proxied,
        &pg.prefix,
        &StoreOptions::new().max_connections(1),
    )
    .await
    .unwrap();
    let app = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&proxied)
        .await
        .unwrap();
    let meta = TransitionMeta::new();
    for id in ["own", "in-tx"] {
        store
            .create(id, &AnyOrder::from(Order::new()), &meta)
            .await
            .unwrap();
    }
    // The statements a fire sends once its connection has prepared them.
    let statements_of = |from: usize| -> Vec<String> {
        let sent: Vec<String> = bursts.lock().unwrap()[from..]
            .iter()
            .map(|burst| describe(&messages(burst)))
            .collect();
        sent.into_iter()
            .filter(|burst| burst.contains('B'))
            .collect()
    };
    let settle = || tokio::time::sleep(std::time::Duration::from_millis(50));

    // Prepares the store's statements, then counts its own fire.
    store
        .fire::<AnyOrder>("own", OrderEvent::Invoice, &meta)
        .await
        .unwrap();
    settle().await;
    let before = bursts.lock().unwrap().len();
    store
        .fire::<AnyOrder>("own", OrderEvent::Pay, &meta)
        .await
        .unwrap();
    settle().await;
    let own = statements_of(before);

    // The same inside the application's transaction.
    let mut in_tx = Vec::new();
    for event in [OrderEvent::Invoice, OrderEvent::Pay] {
        let mut tx = app.begin().await.unwrap();
        settle().await;
        let before = bursts.lock().unwrap().len();
        let mut unit = store.unit_in(&mut tx).unwrap();
        unit.fire::<AnyOrder>("in-tx", event, &meta).await.unwrap();
        unit.commit().await.unwrap();
        settle().await;
        in_tx = statements_of(before);
        tx.commit().await.unwrap();
    }
    assert_eq!(own.len(), 2, "the store's own fire: {own:?}");
    assert_eq!(
        in_tx.len(),
        own.len(),
        "inside the transaction: {in_tx:?}, the store's own: {own:?}"
    );
    let loaded = store.load::<AnyOrder>("in-tx").await.unwrap();
    assert_eq!(
        (loaded.machine.state(), loaded.version),
        (OrderState::Paid, 3)
    );
    store.close().await;
    app.close().await;
}
