//! Machines kept in the application's own table: a `tasks` table the
//! application's migration made (a foreign key to `projects`, columns the
//! store never names), rows the application inserted itself, and its own
//! queries still answering as the store moves the tasks; on SQLite and
//! PostgreSQL.

use std::time::Duration;

use stateforge::runtime::Timestamp;
use stateforge::runtime::db::{
    EntityQuery, HistoryQuery, SqliteOptions, Store, StoreError, StoreOptions, TableMapping,
    TransitionMeta,
};

use crate::pg_fixture::PgFixture;

mod json_context;
mod kept_timers;
mod no_version;
mod transactions;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct TaskRow {
    project_id: i64,
    title: String,
    priority: i64,
}

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Task {
        context: TaskRow;
        initial state Pending;
        state InProgress;
        state Blocked { reason: String }
        final state Done;
        event start: Pending -> InProgress;
        event block(reason: String): InProgress -> Blocked;
        event unblock: Blocked -> InProgress after 1h;
        event finish: InProgress -> Done;
    }
}

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Ticket {
        initial state Open;
        final state Closed;
        event close: Open -> Closed;
    }
}

/// The application's side of the database: its own connection, its own
/// SQL.
enum App {
    Sqlite(std::sync::Mutex<rusqlite::Connection>),
    Postgres(sqlx::PgPool),
}

impl App {
    async fn exec(&self, sql: &str) {
        match self {
            App::Sqlite(conn) => conn.lock().unwrap().execute_batch(sql).unwrap(),
            App::Postgres(pool) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(pool)
                    .await
                    .unwrap();
            }
        }
    }

    async fn number(&self, sql: &str) -> i64 {
        match self {
            App::Sqlite(conn) => conn
                .lock()
                .unwrap()
                .query_row(sql, [], |r| r.get(0))
                .unwrap(),
            App::Postgres(pool) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_one(pool)
                .await
                .unwrap(),
        }
    }

    async fn texts(&self, sql: &str) -> Vec<String> {
        match self {
            App::Sqlite(conn) => {
                let conn = conn.lock().unwrap();
                let mut stmt = conn.prepare(sql).unwrap();
                stmt.query_map([], |r| r.get::<_, String>(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            App::Postgres(pool) => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all(pool)
                .await
                .unwrap(),
        }
    }
}

/// The application's migration: `projects`, and `tasks` with a foreign
/// key, a default, and columns the store does not know.
fn migration(backend: &str, p: &str) -> String {
    let (stamp, json) = match backend {
        "sqlite" => ("TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP", "TEXT"),
        _ => ("TIMESTAMPTZ NOT NULL DEFAULT now()", "JSONB"),
    };
    format!(
        "CREATE TABLE {p}projects (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE {p}tasks (
             id TEXT PRIMARY KEY,
             project_id BIGINT NOT NULL REFERENCES {p}projects (id),
             title TEXT NOT NULL,
             priority INTEGER NOT NULL DEFAULT 0,
             status TEXT NOT NULL DEFAULT 'pending',
             version INTEGER,
             blocked JSON_TYPE,
             created_at {stamp},
             notes TEXT
         );
         CREATE TABLE {p}tickets (id BIGINT PRIMARY KEY, state TEXT NOT NULL, version INTEGER);
         INSERT INTO {p}tickets (id, state) VALUES (7, 'open');
         INSERT INTO {p}projects (id, name) VALUES (1, 'Apollo'), (2, 'Gemini');
         INSERT INTO {p}tasks (id, project_id, title, priority, status)
             VALUES ('t-1', 1, 'Write the report', 2, 'pending'),
                    ('t-2', 2, 'Review the budget', 1, 'pending');"
    )
    .replace("JSON_TYPE", json)
}

fn mapping(p: &str) -> TableMapping {
    TableMapping::new(&format!("{p}tasks"))
        .key("id")
        .state("status")
        .version("version")
        .context_columns(&["project_id", "title", "priority"])
        .state_data("blocked")
}

/// A table keyed by integers: ids in their decimal form, any other id
/// names no row.
async fn integer_keys_are_ids_in_decimal(app: &App, store: &Store, p: &str) {
    let meta = TransitionMeta::new();
    let tickets = TableMapping::new(&format!("{p}tickets"));
    store.map_table::<AnyTicket>(tickets).await.unwrap();
    assert_eq!(store.load::<AnyTicket>("7").await.unwrap().version, 1);
    for other in ["07", "seven", "7.0"] {
        let missing = store.load::<AnyTicket>(other).await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "{other}: {missing:?}"
        );
        let fired = store
            .fire::<AnyTicket>(other, TicketEvent::Close, &meta)
            .await;
        assert!(
            matches!(fired, Err(StoreError::NotFound { .. })),
            "{other}: {fired:?}"
        );
    }
    let closed = store
        .fire::<AnyTicket>("7", TicketEvent::Close, &meta)
        .await
        .unwrap();
    assert_eq!(
        (closed.machine.state(), closed.version),
        (TicketState::Closed, 2)
    );
    store
        .create("8", &AnyTicket::from(Ticket::new()), &meta)
        .await
        .unwrap();
    let refused = store
        .create("eight", &AnyTicket::from(Ticket::new()), &meta)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("`eight` is not one"),
        "{refused}"
    );
    let states = format!("SELECT CAST(id AS TEXT) || ':' || state FROM {p}tickets ORDER BY id");
    assert_eq!(app.texts(&states).await, ["7:closed", "8:open"]);
    let ids: Vec<String> = store
        .entities("ticket", None)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.entity_id)
        .collect();
    assert_eq!(ids, ["7", "8"]);
}

/// The behaviour, once for both backends: `app` on the database `store`
/// works on, `p` the application's table prefix.
async fn tasks_stay_the_applications(app: &App, store: &Store, p: &str) {
    let meta = TransitionMeta::new().actor("ada");
    store.map_table::<AnyTask>(mapping(p)).await.unwrap();

    // A row the application inserted, with no version: version 1.
    let loaded = store.load::<AnyTask>("t-1").await.unwrap();
    assert_eq!(
        (loaded.machine.state(), loaded.version),
        (TaskState::Pending, 1)
    );
    assert_eq!(loaded.machine.context().title, "Write the report");
    assert_eq!(loaded.machine.context().priority, 2);

    let started = store
        .fire::<AnyTask>("t-1", TaskEvent::Start, &meta)
        .await
        .unwrap();
    assert_eq!(
        (started.machine.state(), started.version),
        (TaskState::InProgress, 2)
    );
    // The application's own queries see it.
    let in_progress = format!("SELECT count(*) FROM {p}tasks WHERE status = 'in_progress'");
    assert_eq!(app.number(&in_progress).await, 1);
    let joined = format!(
        "SELECT p.name || ': ' || t.title FROM {p}tasks AS t JOIN {p}projects AS p ON p.id = t.project_id
         WHERE t.status = 'in_progress' ORDER BY t.id"
    );
    assert_eq!(app.texts(&joined).await, ["Apollo: Write the report"]);
    let version = format!("SELECT CAST(version AS BIGINT) FROM {p}tasks WHERE id = 't-1'");
    assert_eq!(app.number(&version).await, 2);

    // A state's data goes to its column; the columns it does not name
    // keep what the application wrote.
    app.exec(&format!(
        "UPDATE {p}tasks SET notes = 'kept' WHERE id = 't-1'"
    ))
    .await;
    let blocked = store
        .fire::<AnyTask>(
            "t-1",
            TaskEvent::Block {
                reason: "waiting for data".into(),
            },
            &meta,
        )
        .await
        .unwrap();
    assert_eq!(blocked.version, 3);
    let AnyTask::Blocked(task) = store.load::<AnyTask>("t-1").await.unwrap().machine else {
        panic!("t-1 is not blocked");
    };
    assert_eq!(task.state().reason, "waiting for data");
    let notes = format!("SELECT notes FROM {p}tasks WHERE id = 't-1' AND created_at IS NOT NULL");
    assert_eq!(app.texts(&notes).await, ["kept"]);

    // Created by the store: a row of the application's table, the
    // context in its columns.
    let row = TaskRow {
        project_id: 2,
        title: "Plan the launch".into(),
        priority: 5,
    };
    let created = store
        .create("t-3", &AnyTask::from(Task::new(row.clone())), &meta)
        .await
        .unwrap();
    assert_eq!(created.version, 1);
    let by_app = format!(
        "SELECT title || '/' || status || '/' || priority || '/' || version FROM {p}tasks WHERE id = 't-3'"
    );
    assert_eq!(app.texts(&by_app).await, ["Plan the launch/pending/5/1"]);
    assert!(matches!(
        store
            .create("t-3", &AnyTask::from(Task::new(row)), &meta)
            .await,
        Err(StoreError::AlreadyExists { .. })
    ));

    // The application moves a row on itself (its version too): a save
    // from the version read before is a conflict, nothing written.
    let read = store.load::<AnyTask>("t-3").await.unwrap();
    app.exec(&format!(
        "UPDATE {p}tasks SET priority = 9, version = COALESCE(version, 1) + 1 WHERE id = 't-3'"
    ))
    .await;
    let AnyTask::Pending(pending) = read.machine else {
        panic!("t-3 is not pending");
    };
    let stale = store
        .save(
            "t-3",
            read.version,
            "start",
            &AnyTask::from(pending.start()),
            &meta,
        )
        .await;
    assert!(
        matches!(
            stale,
            Err(StoreError::Conflict {
                expected: 1,
                current: 2,
                ..
            })
        ),
        "{stale:?}"
    );
    assert_eq!(
        app.texts(&format!("SELECT status FROM {p}tasks WHERE id = 't-3'"))
            .await,
        ["pending"]
    );
    let fresh = store.load::<AnyTask>("t-3").await.unwrap();
    assert_eq!((fresh.version, fresh.machine.context().priority), (2, 9));

    // A state name the machine does not have: a bad row naming it.
    app.exec(&format!(
        "INSERT INTO {p}tasks (id, project_id, title, status) VALUES ('t-9', 1, 'Odd', 'archivd')"
    ))
    .await;
    let bad = store.load::<AnyTask>("t-9").await.unwrap_err();
    let StoreError::BadRow { what, .. } = &bad else {
        panic!("not a bad row: {bad:?}");
    };
    assert!(
        what.contains("column `status`") && what.contains("`archivd`"),
        "{bad}"
    );
    let fired = store.fire::<AnyTask>("t-9", TaskEvent::Start, &meta).await;
    assert!(matches!(fired, Err(StoreError::BadRow { .. })), "{fired:?}");
    assert!(matches!(
        store.load::<AnyTask>("t-404").await,
        Err(StoreError::NotFound { .. })
    ));

    // Listing reads the table: the bad row is its own error.
    let listed = store.entities_checked("task", None).await.unwrap();
    let ids: Vec<String> = listed
        .iter()
        .map(|r| match r {
            Ok(row) => format!("{}:{}", row.entity_id, row.state),
            Err(e) => format!("bad:{}", matches!(e, StoreError::BadRow { .. })),
        })
        .collect();
    assert_eq!(
        ids,
        ["t-1:blocked", "t-2:pending", "t-3:pending", "bad:true"]
    );
    let pending = store.entities("task", Some("pending")).await.unwrap();
    assert_eq!(pending.len(), 2);
    // A page by key is the application's own SQL on its table: the store
    // says so rather than page by a key it does not order.
    let page = store
        .entity_page(&EntityQuery::machine("task").state("pending").limit(1))
        .await;
    match page {
        Err(StoreError::TableMapping { machine, why, .. }) => {
            assert_eq!(machine, "task");
            assert!(why.contains("entity_page"), "{why}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    // History is the store's, written with each transition.
    let history = store
        .history(&HistoryQuery::entity("task", "t-1"))
        .await
        .unwrap();
    let moves: Vec<(Option<&str>, &str, u64)> = history
        .iter()
        .map(|r| (r.event.as_deref(), r.to.as_str(), r.version))
        .collect();
    assert_eq!(
        moves,
        [
            (Some("start"), "in_progress", 2),
            (Some("block"), "blocked", 3)
        ]
    );
    assert_eq!(history[0].actor.as_deref(), Some("ada"));

    // The blocked state's timer fires on the application's row.
    let later = Timestamp::now() + Duration::from_secs(2 * 3600);
    assert_eq!(store.fire_due::<AnyTask>(later, 10).await.unwrap(), 1);
    assert_eq!(app.number(&in_progress).await, 1);
    let status = format!("SELECT status FROM {p}tasks WHERE id = 't-1'");
    assert_eq!(app.texts(&status).await, ["in_progress"]);
    // A state without data leaves its column NULL.
    let unblocked = format!("SELECT count(*) FROM {p}tasks WHERE blocked IS NULL AND id = 't-1'");
    assert_eq!(app.number(&unblocked).await, 1);

    // What the table cannot hold is refused at registration.
    let missing = store
        .map_table::<AnyTask>(mapping(p).version("revision"))
        .await
        .unwrap_err();
    assert!(
        matches!(&missing, StoreError::TableMapping { why, .. } if why == "the table has no column `revision`"),
        "{missing}"
    );
    let not_unique = store
        .map_table::<AnyTask>(mapping(p).key("notes"))
        .await
        .unwrap_err();
    assert!(
        not_unique
            .to_string()
            .contains("key column `notes` is not unique on its own"),
        "{not_unique}"
    );
    let no_table = store
        .map_table::<AnyTask>(TableMapping::new(&format!("{p}nothing")))
        .await
        .unwrap_err();
    assert!(
        no_table.to_string().ends_with("the table does not exist"),
        "{no_table}"
    );

    // A unit locks mapped rows up front; an idempotent fire replays its
    // first outcome.
    let mut unit = store.begin().await.unwrap();
    let missing = unit.lock_entities("task", &["t-2", "t-404"]).await;
    assert!(
        matches!(&missing, Err(StoreError::NotFound { entity_id, .. }) if entity_id == "t-404"),
        "{missing:?}"
    );
    drop(unit);
    let mut unit = store.begin().await.unwrap();
    unit.lock_entities("task", &["t-3", "t-2"]).await.unwrap();
    let request = TransitionMeta::new().idempotency_key("start-t-2");
    let first = unit
        .fire::<AnyTask>("t-2", TaskEvent::Start, &request)
        .await
        .unwrap();
    unit.commit().await.unwrap();
    let again = store
        .fire::<AnyTask>("t-2", TaskEvent::Start, &request)
        .await
        .unwrap();
    assert_eq!((first.version, again.version), (2, 2));
    let started = format!("SELECT CAST(version AS BIGINT) FROM {p}tasks WHERE id = 't-2'");
    assert_eq!(app.number(&started).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_tasks_stay_in_the_applications_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let app = App::Sqlite(std::sync::Mutex::new(
        rusqlite::Connection::open(&path).unwrap(),
    ));
    app.exec(&migration("sqlite", "")).await;
    let store = Store::sqlite_with(&path, &SqliteOptions::new())
        .await
        .unwrap();
    tasks_stay_the_applications(&app, &store, "").await;
    integer_keys_are_ids_in_decimal(&app, &store, "").await;
    kept_timers::a_regions_timer_runs_on_while_another_moves(&app, &store, "").await;
}

/// Drops the application's tables of a PostgreSQL test, even when it
/// fails.
struct AppTables {
    url: String,
    prefix: String,
}

impl Drop for AppTables {
    fn drop(&mut self) {
        let (url, p) = (self.url.clone(), self.prefix.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                    let drop = format!(
                        "DROP TABLE IF EXISTS {p}tasks, {p}projects, {p}tickets, {p}notes, {p}jobs, {p}builds"
                    );
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                        .execute(&pool)
                        .await;
                }
            });
        })
        .join();
    }
}

async fn postgres_app(pg: &PgFixture) -> (sqlx::PgPool, AppTables, Store) {
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let p = pg.prefix.as_str().to_owned();
    let tables = AppTables {
        url: pg.url.clone(),
        prefix: p.clone(),
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(migration("postgres", &p)))
        .execute(&pool)
        .await
        .unwrap();
    let store = Store::from_pool_with(pool.clone(), &pg.prefix, &StoreOptions::new())
        .await
        .unwrap();
    (pool, tables, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_tasks_stay_in_the_applications_table() {
    let Some(pg) = PgFixture::new("app_table") else {
        return;
    };
    let (pool, _tables, store) = postgres_app(&pg).await;
    let app = App::Postgres(pool);
    tasks_stay_the_applications(&app, &store, pg.prefix.as_str()).await;
    integer_keys_are_ids_in_decimal(&app, &store, pg.prefix.as_str()).await;
    kept_timers::a_regions_timer_runs_on_while_another_moves(&app, &store, pg.prefix.as_str())
        .await;

    // The foreign key holds for the store's writes too: nothing written.
    let orphan = TaskRow {
        project_id: 99,
        title: "No project".into(),
        priority: 0,
    };
    let refused = store
        .create(
            "t-4",
            &AnyTask::from(Task::new(orphan)),
            &TransitionMeta::new(),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Sql { .. })),
        "{refused:?}"
    );
    let history = store
        .history(&HistoryQuery::entity("task", "t-4"))
        .await
        .unwrap();
    assert!(history.is_empty());
}
