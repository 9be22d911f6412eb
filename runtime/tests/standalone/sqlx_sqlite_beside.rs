//! The SQLite store and sqlx's SQLite driver in one program: both link
//! the one SQLite library (`libsqlite3-sys` links it once per program), so
//! an application that already uses sqlx on SQLite can add stateforge,
//! and each sees the other's rows in the same file.

use std::sync::Arc;

use sqlx::sqlite::SqlitePoolOptions;
use stateforge_core::Definition;
use stateforge_runtime::db::{Store, TransitionMeta};
use stateforge_runtime::{DynMachine, Registry};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlx_reads_the_rows_the_store_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let store = Store::sqlite(&path).await.unwrap();
    let bound = Registry::<serde_json::Value>::new()
        .guard("can_retry", |_, _| true)
        .bind(Definition::example())
        .unwrap();
    let meta = TransitionMeta::new();
    let task = DynMachine::new(Arc::clone(&bound), serde_json::json!({}));
    store.create_dyn("t-1", &task, &meta).await.unwrap();

    let url = format!("sqlite://{}", path.display());
    let pool = SqlitePoolOptions::new().connect(&url).await.unwrap();
    let state = |pool: sqlx::SqlitePool| async move {
        sqlx::query_scalar::<_, String>("SELECT state FROM sf_entities WHERE entity_id = 't-1'")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(state(pool.clone()).await, "pending");
    let args = serde_json::Value::Null;
    store
        .fire_dyn(&bound, "t-1", "assign", &args, &meta)
        .await
        .unwrap();
    assert_eq!(state(pool.clone()).await, "assigned");
    pool.close().await;
}
