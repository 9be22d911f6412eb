//! The async store on SQLite with the application's own statements in its
//! unit (`StoreUnit::sqlite`): the transition, its history record and the
//! application's rows commit or roll back together.

use std::path::Path;
use std::time::Duration;

use stateforge::runtime::db::{HistoryQuery, Store, StoreError, TransitionMeta};

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

const INSERT_INVOICE: &str = "INSERT INTO invoices (id, entity) VALUES ('inv-1', 'o-1')";

/// The store on `path`, order `o-1` placed, and the application's
/// `invoices` table, made in a unit of the store's.
async fn setup(path: &Path) -> Store {
    let store = Store::sqlite(path).await.unwrap();
    store
        .create("o-1", &AnyOrder::from(Order::new()), &TransitionMeta::new())
        .await
        .unwrap();
    let mut unit = store.begin().await.unwrap();
    unit.sqlite(|conn| {
        conn.execute_batch("CREATE TABLE invoices (id TEXT PRIMARY KEY, entity TEXT NOT NULL)")
            .map_err(StoreError::from)
    })
    .await
    .unwrap();
    unit.commit().await.unwrap();
    store
}

/// The invoices committed to the file, read by a connection of its own.
fn invoices_on_file(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM invoices", [], |r| r.get(0))
        .unwrap()
}

async fn order_and_history(store: &Store) -> (OrderState, u64, usize) {
    let order = store.load::<AnyOrder>("o-1").await.unwrap();
    let history = store
        .history(&HistoryQuery::entity("order", "o-1"))
        .await
        .unwrap();
    (order.machine.state(), order.version, history.len())
}

fn insert_invoice(conn: &rusqlite::Connection) -> Result<usize, StoreError> {
    Ok(conn.execute(INSERT_INVOICE, [])?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_insert_failing_after_the_fire_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let store = setup(&path).await;

    let mut unit = store.begin().await.unwrap();
    let moved = unit
        .fire::<AnyOrder>("o-1", OrderEvent::Invoice, &TransitionMeta::new())
        .await
        .unwrap();
    assert_eq!(moved.version, 2);
    unit.sqlite(insert_invoice).await.unwrap();
    // The application's second write fails: the database's error, with
    // its code, comes back to the caller.
    let duplicate = unit.sqlite(insert_invoice).await;
    let Err(error) = duplicate else {
        panic!("a second invoice inv-1: {duplicate:?}")
    };
    assert_eq!(error.code(), Some("1555"), "{error}");
    // The unit does not commit what is left of it.
    let committed = unit.commit().await;
    assert!(
        matches!(&committed, Err(StoreError::Database(m)) if m.contains("rolled back")),
        "{committed:?}"
    );

    assert_eq!(
        order_and_history(&store).await,
        (OrderState::Placed, 1, 1),
        "no transition, no record of it"
    );
    assert_eq!(invoices_on_file(&path), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committed_unit_keeps_the_transition_and_the_application_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let store = setup(&path).await;

    let mut unit = store.begin().await.unwrap();
    unit.fire::<AnyOrder>("o-1", OrderEvent::Invoice, &TransitionMeta::new())
        .await
        .unwrap();
    let inserted = unit.sqlite(insert_invoice).await.unwrap();
    assert_eq!(inserted, 1);
    // The unit sees its own writes and the application's, in one
    // transaction.
    let seen: (i64, String) = unit
        .sqlite(|conn| {
            conn.query_row(
                "SELECT (SELECT count(*) FROM invoices), \
                 (SELECT state FROM sf_entities WHERE entity_id = 'o-1')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(StoreError::from)
        })
        .await
        .unwrap();
    assert_eq!(seen, (1, "invoiced".to_owned()));
    assert_eq!(invoices_on_file(&path), 0, "not before the commit");
    unit.commit().await.unwrap();

    assert_eq!(
        order_and_history(&store).await,
        (OrderState::Invoiced, 2, 2)
    );
    assert_eq!(invoices_on_file(&path), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_save_waits_for_the_unit_then_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let store = setup(&path).await;
    // Another process's store on the same file.
    let elsewhere = Store::sqlite(&path).await.unwrap();

    let mut unit = store.begin().await.unwrap();
    unit.fire::<AnyOrder>("o-1", OrderEvent::Invoice, &TransitionMeta::new())
        .await
        .unwrap();
    unit.sqlite(insert_invoice).await.unwrap();

    // Both save from version 1 meanwhile.
    let racing: Vec<_> = [store.clone(), elsewhere]
        .into_iter()
        .map(|other| {
            tokio::spawn(async move {
                let invoiced = AnyOrder::from(Order::new().invoice());
                other
                    .save("o-1", 1, "invoice", &invoiced, &TransitionMeta::new())
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(
        racing.iter().all(|r| !r.is_finished()),
        "the saves wait for the unit"
    );
    unit.commit().await.unwrap();
    for raced in racing {
        let raced = raced.await.unwrap();
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
    }
    assert_eq!(
        order_and_history(&store).await,
        (OrderState::Invoiced, 2, 2)
    );
    assert_eq!(invoices_on_file(&path), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_dropped_mid_statement_leaves_nothing_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let store = setup(&path).await;

    let (started, running) = tokio::sync::oneshot::channel();
    let task = tokio::spawn({
        let store = store.clone();
        async move {
            let mut unit = store.begin().await.unwrap();
            unit.fire::<AnyOrder>("o-1", OrderEvent::Invoice, &TransitionMeta::new())
                .await
                .unwrap();
            unit.sqlite(insert_invoice).await.unwrap();
            unit.sqlite(move |conn| {
                let _ = started.send(());
                // Still writing when the caller gives up.
                std::thread::sleep(Duration::from_millis(300));
                conn.execute(
                    "INSERT INTO invoices (id, entity) VALUES ('inv-2', 'o-1')",
                    [],
                )
                .map_err(StoreError::from)
            })
            .await
            .unwrap();
            unit.commit().await.unwrap();
        }
    });
    running.await.unwrap();
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());

    // The statement that was running finished, then the unit rolled back.
    assert_eq!(order_and_history(&store).await, (OrderState::Placed, 1, 1));
    assert_eq!(invoices_on_file(&path), 0);
    // The store goes on.
    let moved = store
        .fire::<AnyOrder>("o-1", OrderEvent::Invoice, &TransitionMeta::new())
        .await
        .unwrap();
    assert_eq!(moved.version, 2);
}

/// The application's own error type comes back as it was returned, and
/// the unit does not commit.
#[tokio::test(flavor = "current_thread")]
async fn the_applications_own_error_comes_back_and_rolls_the_unit_back() {
    #[derive(Debug)]
    enum ShopError {
        Store(StoreError),
        NothingToInvoice(String),
    }
    impl From<StoreError> for ShopError {
        fn from(e: StoreError) -> Self {
            ShopError::Store(e)
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.db");
    let store = setup(&path).await;

    let mut unit = store.begin().await.unwrap();
    unit.fire::<AnyOrder>("o-1", OrderEvent::Invoice, &TransitionMeta::new())
        .await
        .unwrap();
    let refused = unit
        .sqlite(|conn| {
            conn.execute(INSERT_INVOICE, [])
                .map_err(|e| ShopError::Store(e.into()))?;
            Err::<(), _>(ShopError::NothingToInvoice("o-1".into()))
        })
        .await;
    assert!(
        matches!(&refused, Err(ShopError::NothingToInvoice(id)) if id == "o-1"),
        "{refused:?}"
    );
    assert!(unit.commit().await.is_err());
    assert_eq!(order_and_history(&store).await, (OrderState::Placed, 1, 1));
    assert_eq!(invoices_on_file(&path), 0);

    // Statements that end the unit's transaction themselves are refused.
    let mut unit = store.begin().await.unwrap();
    let ended = unit
        .sqlite(|conn| conn.execute_batch("ROLLBACK").map_err(ShopError::from_sql))
        .await;
    assert!(
        matches!(&ended, Err(ShopError::Store(StoreError::Database(m))) if m.contains("ended")),
        "{ended:?}"
    );
    assert!(unit.commit().await.is_err());

    impl ShopError {
        fn from_sql(e: rusqlite::Error) -> Self {
            ShopError::Store(e.into())
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_postgres_unit_refuses_sqlite_statements() {
    let Some(pg) = crate::pg_fixture::PgFixture::new("app_tx_sqlite_stmts") else {
        return;
    };
    let store = Store::open_with(
        &pg.url,
        &pg.prefix,
        &stateforge::runtime::db::StoreOptions::new(),
    )
    .await
    .unwrap();
    let mut unit = store.begin().await.unwrap();
    let refused = unit.sqlite(|_conn| Ok::<(), StoreError>(())).await;
    assert!(
        matches!(&refused, Err(StoreError::Database(m)) if m.contains("unit_in")),
        "{refused:?}"
    );
    drop(unit);
    store.drop_tables().await.unwrap();
}
