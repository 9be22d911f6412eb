//! The task service: started on 127.0.0.1, driven over HTTP by a real
//! client, one request at a time and 32 clients at once.

// The example is a binary; here its items are a private module.
#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/task_service.rs"]
mod example;

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use stateforge::runtime::db::Store;

use crate::pg_fixture::PgFixture;

/// Serves the example's routes on `store` at a free port; its base URL.
async fn serve(store: Store) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, example::router(store)).await.unwrap();
    });
    format!("http://{address}")
}

async fn sqlite_service(dir: &tempfile::TempDir) -> String {
    serve(Store::sqlite(dir.path().join("tasks.db")).await.unwrap()).await
}

async fn post(client: &Client, url: String, body: Value) -> (StatusCode, Value) {
    let response = client.post(url).json(&body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_moves_a_task_and_maps_each_error_to_its_status() {
    let dir = tempfile::tempdir().unwrap();
    let base = sqlite_service(&dir).await;
    check_the_service(&base).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_on_postgres() {
    if let Some(pg) = PgFixture::new("task_service") {
        let base = serve(pg.async_store().await).await;
        check_the_service(&base).await;
    }
}

async fn check_the_service(base: &str) {
    let client = Client::new();
    let (status, created) = post(
        &client,
        format!("{base}/tasks"),
        json!({"id": "t-1", "title": "Write the report"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        (created["state"].as_str(), created["version"].as_u64()),
        (Some("pending"), Some(1))
    );

    let (status, assigned) = post(
        &client,
        format!("{base}/tasks/t-1/events/assign"),
        json!({"agent": "ada"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{assigned}");
    assert_eq!(assigned["state"], "assigned");
    assert_eq!(assigned["task"]["context"]["agent"], "ada", "{assigned}");

    // Each failure is the client's status, with the store's error kind.
    let cases = [
        (
            "t-1",
            "complete",
            json!({}),
            StatusCode::CONFLICT,
            "not_allowed",
        ),
        (
            "nope",
            "start",
            json!({}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            "t-1",
            "assign",
            json!({"agent": 7}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
        (
            "t-1",
            "explode",
            json!({}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
        (
            "t-1",
            "fail",
            json!([1, 2]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
        ),
    ];
    for (id, event, body, expected, kind) in cases {
        let (status, error) =
            post(&client, format!("{base}/tasks/{id}/events/{event}"), body).await;
        assert_eq!(
            (status, error["error"].as_str()),
            (expected, Some(kind)),
            "{id} {event}: {error}"
        );
    }
    let (status, error) = post(
        &client,
        format!("{base}/tasks"),
        json!({"id": "t-1", "title": "again"}),
    )
    .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::CONFLICT, Some("already_exists"))
    );
    let response = client
        .post(format!("{base}/tasks/t-1/events/start"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A guard that says no: retried twice already.
    for event in ["fail", "retry", "assign", "fail", "retry", "assign", "fail"] {
        let body = match event {
            "fail" => json!({"reason": "timeout"}),
            "assign" => json!({"agent": "bob"}),
            _ => json!({}),
        };
        let (status, task) = post(&client, format!("{base}/tasks/t-1/events/{event}"), body).await;
        assert_eq!(status, StatusCode::OK, "{event}: {task}");
    }
    let (status, error) = post(&client, format!("{base}/tasks/t-1/events/retry"), json!({})).await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("guard_refused"))
    );

    let task: Value = client
        .get(format!("{base}/tasks/t-1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (task["state"].as_str(), task["version"].as_u64()),
        (Some("failed"), Some(9))
    );
    let history: Vec<Value> = client
        .get(format!("{base}/tasks/t-1/history"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history.len(), 9);
    let diagram = client
        .get(format!("{base}/tasks/t-1/diagram"))
        .send()
        .await
        .unwrap();
    assert_eq!(diagram.status(), StatusCode::OK);
    let diagram = diagram.text().await.unwrap();
    assert!(diagram.starts_with("stateDiagram-v2\n"), "{diagram}");
    assert!(diagram.contains("class failed current"), "{diagram}");
    let missing = client
        .get(format!("{base}/tasks/nope/history"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_clients_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let base = sqlite_service(&dir).await;
    check_thirty_two_clients(&base).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_clients_on_postgres() {
    if let Some(pg) = PgFixture::new("task_service_32") {
        let base = serve(pg.async_store().await).await;
        check_thirty_two_clients(&base).await;
    }
}

async fn check_thirty_two_clients(base: &str) {
    let clients: Vec<_> = (0..32)
        .map(|n| {
            let base = base.to_owned();
            tokio::spawn(async move {
                let client = Client::new();
                let id = format!("t-{n}");
                let steps = [
                    ("", json!({"id": id, "title": format!("task {n}")})),
                    ("assign", json!({"agent": format!("agent-{n}")})),
                    ("start", json!({})),
                    ("complete", json!({})),
                ];
                for (event, body) in steps {
                    let url = match event {
                        "" => format!("{base}/tasks"),
                        _ => format!("{base}/tasks/{id}/events/{event}"),
                    };
                    let (status, reply) = post(&client, url, body).await;
                    assert!(status.is_success(), "{id} {event}: {status} {reply}");
                }
                // Everyone also pokes a shared task: each poke is either
                // taken or refused, never lost or half-done.
                let (status, _) = post(
                    &client,
                    format!("{base}/tasks/shared/events/assign"),
                    json!({"agent": id}),
                )
                .await;
                status
            })
        })
        .collect();
    let client = Client::new();
    let (status, _) = post(
        &client,
        format!("{base}/tasks"),
        json!({"id": "shared", "title": "one for all"}),
    )
    .await;
    assert!(status == StatusCode::CREATED || status == StatusCode::CONFLICT);
    let mut taken = 0;
    for c in clients {
        let status = c.await.unwrap();
        assert!(
            [StatusCode::OK, StatusCode::CONFLICT, StatusCode::NOT_FOUND].contains(&status),
            "{status}"
        );
        if status == StatusCode::OK {
            taken += 1;
        }
    }
    // The shared task was assigned at most once.
    assert!(taken <= 1);
    for n in 0..32 {
        let task: Value = client
            .get(format!("{base}/tasks/t-{n}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            (task["state"].as_str(), task["version"].as_u64()),
            (Some("completed"), Some(4)),
            "t-{n}"
        );
        let history: Vec<Value> = client
            .get(format!("{base}/tasks/t-{n}/history"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(history.len(), 4, "t-{n}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_out_of_connections_answers_503_then_recovers() {
    let Some(pg) = PgFixture::new("task_service_503") else {
        return;
    };
    let options = stateforge::runtime::db::StoreOptions::new()
        .max_connections(1)
        .acquire_timeout(std::time::Duration::from_millis(200));
    let store = Store::open_with(&pg.url, &pg.prefix, &options)
        .await
        .unwrap();
    let base = serve(store.clone()).await;
    let client = Client::new();
    let (status, _) = post(
        &client,
        format!("{base}/tasks"),
        json!({"id": "t-1", "title": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // The pool's one connection, held by a unit of the application's.
    let unit = store.begin().await.unwrap();
    let (status, error) = post(
        &client,
        format!("{base}/tasks/t-1/events/assign"),
        json!({"agent": "ada"}),
    )
    .await;
    assert_eq!(
        (status, error["error"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("pool_timeout")),
        "{error}"
    );
    drop(unit);
    let (status, task) = post(
        &client,
        format!("{base}/tasks/t-1/events/assign"),
        json!({"agent": "ada"}),
    )
    .await;
    assert_eq!(
        (status, task["version"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{task}"
    );
}
