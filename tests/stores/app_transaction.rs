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
