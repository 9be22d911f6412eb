//! A mapped machine inside the application's own transaction: the
//! transition and its history record commit or roll back with the
//! application's writes, and its row lock holds off a stale save.

use std::time::Duration;

use stateforge::runtime::db::{HistoryQuery, StoreError, TransitionMeta};

use super::{AnyTask, TaskEvent, TaskState, mapping, migration, postgres_app};
use crate::pg_fixture::PgFixture;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_fire_in_the_applications_transaction_rolls_back_with_it() {
    let Some(pg) = PgFixture::new("app_table_tx") else {
        return;
    };
    let (pool, _tables, store) = postgres_app(&pg).await;
    let p = pg.prefix.as_str();
    store.map_table::<AnyTask>(mapping(p)).await.unwrap();
    let meta = TransitionMeta::new();

    let mut tx = pool.begin().await.unwrap();
    let mut unit = store.unit_in(&mut tx).unwrap();
    let moved = unit
        .fire::<AnyTask>("t-2", TaskEvent::Start, &meta)
        .await
        .unwrap();
    assert_eq!(moved.version, 2);
    unit.commit().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {p}projects SET name = 'Gemini II' WHERE id = 2"
    )))
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.rollback().await.unwrap();

    let status: (String, Option<i32>) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT status, version FROM {p}tasks WHERE id = 't-2'"
    )))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, ("pending".to_owned(), None));
    let history = store
        .history(&HistoryQuery::entity("task", "t-2"))
        .await
        .unwrap();
    assert!(
        history.is_empty(),
        "no record of the transition rolled back"
    );

    // Committed, both are there; a save from the version before waits
    // for the application's transaction, then conflicts.
    let mut tx = pool.begin().await.unwrap();
    let mut unit = store.unit_in(&mut tx).unwrap();
    unit.fire::<AnyTask>("t-2", TaskEvent::Start, &meta)
        .await
        .unwrap();
    unit.commit().await.unwrap();
    let other = store.clone();
    let racing = tokio::spawn(async move {
        let AnyTask::Pending(pending) = other.load::<AnyTask>("t-2").await.unwrap().machine else {
            panic!("t-2 moved before its transaction committed");
        };
        let started = AnyTask::from(pending.start());
        other
            .save("t-2", 1, "start", &started, &TransitionMeta::new())
            .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
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
    let loaded = store.load::<AnyTask>("t-2").await.unwrap();
    assert_eq!(
        (loaded.machine.state(), loaded.version),
        (TaskState::InProgress, 2)
    );
}

/// On SQLite the application's transaction is on its own rusqlite
/// connection, through the blocking store.
#[test]
fn on_sqlite_a_fire_in_the_applications_transaction_rolls_back_with_it() {
    use stateforge::runtime::db::SqliteStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&migration("sqlite", "")).unwrap();
    let store = SqliteStore::open(&path).unwrap();
    store.map_table::<AnyTask>(mapping("")).unwrap();
    let meta = TransitionMeta::new();

    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let moved = store
        .unit_in(&mut conn, |u| {
            u.fire::<AnyTask>("t-2", TaskEvent::Start, &meta)
        })
        .unwrap();
    assert_eq!(moved.version, 2);
    conn.execute_batch("UPDATE projects SET name = 'Gemini II' WHERE id = 2; ROLLBACK")
        .unwrap();
    let status: (String, Option<i64>) = conn
        .query_row(
            "SELECT status, version FROM tasks WHERE id = 't-2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(status, ("pending".to_owned(), None));
    assert!(
        store
            .history(&HistoryQuery::entity("task", "t-2"))
            .unwrap()
            .is_empty()
    );

    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    store
        .unit_in(&mut conn, |u| {
            u.fire::<AnyTask>("t-2", TaskEvent::Start, &meta)
        })
        .unwrap();
    conn.execute_batch("COMMIT").unwrap();
    let loaded = store.load::<AnyTask>("t-2").unwrap();
    assert_eq!(
        (loaded.machine.state(), loaded.version),
        (TaskState::InProgress, 2)
    );
}

/// The blocking PostgreSQL store keeps a mapped machine the same way.
#[test]
fn the_blocking_postgres_store_fires_a_mapped_task() {
    use stateforge::runtime::db::PgStore;
    let Some(pg) = PgFixture::new("app_table_blocking") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (pool, tables) = runtime.block_on(async {
        let (pool, tables, store) = postgres_app(&pg).await;
        store.close().await;
        (pool, tables)
    });
    let store = PgStore::connect_with(&pg.url, &pg.prefix).unwrap();
    store
        .map_table::<AnyTask>(mapping(pg.prefix.as_str()))
        .unwrap();
    let started = store
        .fire::<AnyTask>("t-1", TaskEvent::Start, &TransitionMeta::new())
        .unwrap();
    assert_eq!(
        (started.machine.state(), started.version),
        (TaskState::InProgress, 2)
    );
    let p = pg.prefix.as_str();
    let status: String = runtime.block_on(async {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT status FROM {p}tasks WHERE id = 't-1'"
        )))
        .fetch_one(&pool)
        .await
        .unwrap()
    });
    assert_eq!(status, "in_progress");
    drop(store);
    drop(tables);
}
