//! A machine whose context is one JSON column of the application's
//! table: read and written whole, the other columns left to the
//! application, a column that does not hold JSON a bad row.

use stateforge::runtime::db::{Store, StoreError, TableMapping, TransitionMeta};

use super::{App, postgres_app};
use crate::pg_fixture::PgFixture;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Body {
    title: String,
    tags: Vec<String>,
}

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Note {
        context: Body;
        initial state Draft;
        final state Published;
        event publish: Draft -> Published;
    }
}

async fn a_json_column_holds_the_context(app: &App, store: &Store, p: &str) {
    app.exec(&format!(
        "CREATE TABLE {p}notes (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER,
                                body TEXT, author TEXT);
         INSERT INTO {p}notes (id, state, body, author) VALUES
             ('n-1', 'draft', '{{\"title\": \"Hello\", \"tags\": [\"a\"]}}', 'ada'),
             ('n-2', 'draft', 'not json', 'bob');"
    ))
    .await;
    let notes = TableMapping::new(&format!("{p}notes")).context_json("body");
    store.map_table::<AnyNote>(notes).await.unwrap();
    let meta = TransitionMeta::new();

    let loaded = store.load::<AnyNote>("n-1").await.unwrap();
    assert_eq!(loaded.machine.context().tags, ["a"]);
    let published = store
        .fire::<AnyNote>("n-1", NoteEvent::Publish, &meta)
        .await
        .unwrap();
    assert_eq!(
        (published.machine.state(), published.version),
        (NoteState::Published, 2)
    );
    let author = format!("SELECT author FROM {p}notes WHERE id = 'n-1' AND state = 'published'");
    assert_eq!(app.texts(&author).await, ["ada"]);

    let body = Body {
        title: "New".into(),
        tags: vec![],
    };
    store
        .create("n-3", &AnyNote::from(Note::new(body)), &meta)
        .await
        .unwrap();
    let kept = app
        .texts(&format!("SELECT body FROM {p}notes WHERE id = 'n-3'"))
        .await;
    let kept: serde_json::Value = serde_json::from_str(&kept[0]).unwrap();
    assert_eq!(kept, serde_json::json!({"title": "New", "tags": []}));

    let bad = store.load::<AnyNote>("n-2").await.unwrap_err();
    assert!(
        matches!(&bad, StoreError::BadRow { what, .. }
            if what.contains("column `body` holds text that is not JSON")),
        "{bad}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_json_column_holds_the_context() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.db");
    let app = App::Sqlite(std::sync::Mutex::new(
        rusqlite::Connection::open(&path).unwrap(),
    ));
    let store = Store::sqlite(&path).await.unwrap();
    a_json_column_holds_the_context(&app, &store, "").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_json_column_holds_the_context() {
    let Some(pg) = PgFixture::new("app_table_json") else {
        return;
    };
    let (pool, _tables, store) = postgres_app(&pg).await;
    a_json_column_holds_the_context(&App::Postgres(pool), &store, pg.prefix.as_str()).await;
}
