//! A table without a version column: an entity's version is its latest
//! history record's, and writes from one version still collide, one of
//! them a conflict; on SQLite (two stores on one file) and PostgreSQL
//! (two stores, two connections).

use stateforge::runtime::db::{HistoryQuery, Store, StoreError, TableMapping, TransitionMeta};

use super::{AnyTask, App, TaskEvent, TaskState, postgres_app};
use crate::pg_fixture::PgFixture;

fn jobs(p: &str) -> TableMapping {
    TableMapping::new(&format!("{p}jobs"))
        .state("status")
        .without_version()
        .context_columns(&["project_id", "title", "priority"])
        .state_data("blocked")
}

/// `j-2`, pending at version 1, started.
async fn started_at_version_one(store: &Store) -> AnyTask {
    let loaded = store.load::<AnyTask>("j-2").await.unwrap();
    assert_eq!(loaded.version, 1);
    let AnyTask::Pending(task) = loaded.machine else {
        panic!("j-2 is not pending");
    };
    AnyTask::from(task.start())
}

/// A save of `j-2` from version 1.
async fn save_from_version_one(store: &Store, started: &AnyTask) -> Result<u64, StoreError> {
    store
        .save("j-2", 1, "start", started, &TransitionMeta::new())
        .await
}

async fn versions_come_from_the_history(app: &App, one: &Store, two: &Store, p: &str) {
    app.exec(&format!(
        "CREATE TABLE {p}jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL, project_id BIGINT,
                               title TEXT, priority INTEGER, blocked TEXT);
         INSERT INTO {p}jobs (id, status, project_id, title, priority) VALUES
             ('j-1', 'pending', 1, 'Paint', 1), ('j-2', 'pending', 2, 'Sand', 3);"
    ))
    .await;
    one.map_table::<AnyTask>(jobs(p)).await.unwrap();
    two.map_table::<AnyTask>(jobs(p)).await.unwrap();
    let meta = TransitionMeta::new();

    // A row the application inserted: version 1.
    let loaded = one.load::<AnyTask>("j-1").await.unwrap();
    assert_eq!(
        (loaded.machine.state(), loaded.version),
        (TaskState::Pending, 1)
    );
    one.fire::<AnyTask>("j-1", TaskEvent::Start, &meta)
        .await
        .unwrap();
    let blocked = one
        .fire::<AnyTask>(
            "j-1",
            TaskEvent::Block {
                reason: "paint".into(),
            },
            &meta,
        )
        .await
        .unwrap();
    assert_eq!(blocked.version, 3);
    // The other store reads the version from the history as well.
    assert_eq!(two.load::<AnyTask>("j-1").await.unwrap().version, 3);
    let history = one
        .history(&HistoryQuery::entity("task", "j-1"))
        .await
        .unwrap();
    let versions: Vec<u64> = history.iter().map(|r| r.version).collect();
    assert_eq!(versions, [2, 3]);
    let status = format!("SELECT status FROM {p}jobs WHERE id = 'j-1'");
    assert_eq!(app.texts(&status).await, ["blocked"]);

    // Two saves from version 1 at once: exactly one wins.
    let (from_one, from_two) = (
        started_at_version_one(one).await,
        started_at_version_one(two).await,
    );
    let (a, b) = tokio::join!(
        save_from_version_one(one, &from_one),
        save_from_version_one(two, &from_two)
    );
    let outcomes = [a, b];
    let won = outcomes.iter().filter(|o| matches!(o, Ok(2))).count();
    let lost = outcomes
        .iter()
        .filter(|o| {
            matches!(
                o,
                Err(StoreError::Conflict {
                    expected: 1,
                    current: 2,
                    ..
                })
            )
        })
        .count();
    assert_eq!((won, lost), (1, 1), "{outcomes:?}");
    // A save from the older version, later, conflicts too.
    let stale = save_from_version_one(two, &from_two).await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { current: 2, .. })),
        "{stale:?}"
    );
    let history = one
        .history(&HistoryQuery::entity("task", "j-2"))
        .await
        .unwrap();
    assert_eq!(history.len(), 1);

    // The application moving the state itself, without the store: a
    // write from the state read is refused, nothing written.
    let read = one.load::<AnyTask>("j-1").await.unwrap();
    app.exec(&format!(
        "UPDATE {p}jobs SET status = 'in_progress', blocked = NULL WHERE id = 'j-1'"
    ))
    .await;
    let AnyTask::Blocked(task) = read.machine else {
        panic!("j-1 is not blocked");
    };
    let unblocked = AnyTask::from(task.unblock());
    let refused = one
        .save("j-1", read.version, "unblock", &unblocked, &meta)
        .await;
    // PostgreSQL's one-statement write meets the moved state (a
    // conflict); SQLite's write reads the state again under its lock.
    assert!(
        matches!(
            refused,
            Err(StoreError::Conflict { .. } | StoreError::NotATransition { .. })
        ),
        "{refused:?}"
    );
    assert_eq!(app.texts(&status).await, ["in_progress"]);
    let history = one
        .history(&HistoryQuery::entity("task", "j-1"))
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_table_without_version_takes_the_historys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let app = App::Sqlite(std::sync::Mutex::new(
        rusqlite::Connection::open(&path).unwrap(),
    ));
    let one = Store::sqlite(&path).await.unwrap();
    let two = Store::sqlite(&path).await.unwrap();
    versions_come_from_the_history(&app, &one, &two, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_table_without_version_takes_the_historys() {
    let Some(pg) = PgFixture::new("app_table_noversion") else {
        return;
    };
    let (pool, _tables, one) = postgres_app(&pg).await;
    let two = Store::from_pool_with(
        sqlx::PgPool::connect(&pg.url).await.unwrap(),
        &pg.prefix,
        &stateforge::runtime::db::StoreOptions::new(),
    )
    .await
    .unwrap();
    versions_come_from_the_history(&App::Postgres(pool), &one, &two, pg.prefix.as_str()).await;
}

const JOBS: &str =
    "CREATE TABLE jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL, project_id BIGINT,
                                       title TEXT, priority INTEGER, blocked TEXT);
                    INSERT INTO jobs (id, status, project_id, title, priority)
                        VALUES ('j-1', 'pending', 1, 'Paint', 1);";

/// Without a version column, a fire in the application's transaction
/// still rolls back with it, history record included.
#[test]
fn on_sqlite_a_fire_without_version_rolls_back_with_the_application() {
    use stateforge::runtime::db::SqliteStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(JOBS).unwrap();
    let store = SqliteStore::open(&path).unwrap();
    store.map_table::<AnyTask>(jobs("")).unwrap();
    let meta = TransitionMeta::new();

    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let moved = store
        .unit_in(&mut conn, |u| {
            u.fire::<AnyTask>("j-1", TaskEvent::Start, &meta)
        })
        .unwrap();
    assert_eq!(moved.version, 2);
    conn.execute_batch("ROLLBACK").unwrap();
    let status: String = conn
        .query_row("SELECT status FROM jobs WHERE id = 'j-1'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "pending");
    let history = store.history(&HistoryQuery::entity("task", "j-1")).unwrap();
    assert!(history.is_empty());
    assert_eq!(store.load::<AnyTask>("j-1").unwrap().version, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_fire_without_version_rolls_back_with_the_application() {
    let Some(pg) = PgFixture::new("app_table_noversion_tx") else {
        return;
    };
    let (pool, _tables, store) = postgres_app(&pg).await;
    let p = pg.prefix.as_str();
    let app = App::Postgres(pool.clone());
    app.exec(&JOBS.replace("jobs", &format!("{p}jobs"))).await;
    store.map_table::<AnyTask>(jobs(p)).await.unwrap();
    let meta = TransitionMeta::new();

    let mut tx = pool.begin().await.unwrap();
    let mut unit = store.unit_in(&mut tx).unwrap();
    let moved = unit
        .fire::<AnyTask>("j-1", TaskEvent::Start, &meta)
        .await
        .unwrap();
    assert_eq!(moved.version, 2);
    unit.commit().await.unwrap();
    tx.rollback().await.unwrap();

    let status = format!("SELECT status FROM {p}jobs WHERE id = 'j-1'");
    assert_eq!(app.texts(&status).await, ["pending"]);
    let history = store
        .history(&HistoryQuery::entity("task", "j-1"))
        .await
        .unwrap();
    assert!(history.is_empty());
    assert_eq!(store.load::<AnyTask>("j-1").await.unwrap().version, 1);
}

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Counter {
        initial state Open;
        event bump: Open -> Open;
    }
}

/// Two saves of a transition that stays in its state, both from version
/// 1, both held on the row the application locks: the state check cannot
/// tell them apart, the history's unique version does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_writers_from_one_version_collide_on_the_history() {
    let Some(pg) = PgFixture::new("app_table_noversion_loop") else {
        return;
    };
    let (pool, _tables, store) = postgres_app(&pg).await;
    let p = pg.prefix.as_str();
    let app = App::Postgres(pool.clone());
    app.exec(&format!(
        "CREATE TABLE {p}jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL);
         INSERT INTO {p}jobs (id, state) VALUES ('c-1', 'open');"
    ))
    .await;
    let counters = TableMapping::new(&format!("{p}jobs")).without_version();
    store.map_table::<AnyCounter>(counters).await.unwrap();
    let AnyCounter::Open(open) = store.load::<AnyCounter>("c-1").await.unwrap().machine;
    let bumped = AnyCounter::from(open.bump());

    let mut tx = pool.begin().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT 1 FROM {p}jobs WHERE id = 'c-1' FOR UPDATE"
    )))
    .execute(&mut *tx)
    .await
    .unwrap();
    let saves: Vec<_> = (0..2)
        .map(|_| {
            let (store, bumped) = (store.clone(), bumped.clone());
            tokio::spawn(async move {
                store
                    .save("c-1", 1, "bump", &bumped, &TransitionMeta::new())
                    .await
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    tx.commit().await.unwrap();
    let mut outcomes = Vec::new();
    for save in saves {
        outcomes.push(save.await.unwrap());
    }
    let won = outcomes.iter().filter(|o| matches!(o, Ok(2))).count();
    let lost = outcomes
        .iter()
        .filter(|o| {
            matches!(
                o,
                Err(StoreError::Conflict {
                    expected: 1,
                    current: 2,
                    ..
                })
            )
        })
        .count();
    assert_eq!((won, lost), (1, 1), "{outcomes:?}");
    assert_eq!(store.load::<AnyCounter>("c-1").await.unwrap().version, 2);
}
