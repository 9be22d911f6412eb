//! Requests per second for `POST /tasks/{id}/events/{event}` from 64
//! HTTP clients at once (reqwest, each client its own keep-alive
//! connection), against the router of `examples/task_service.rs` on the
//! async store on PostgreSQL, beside a hand-written axum handler doing the
//! same SQL with sqlx (`task_hand.rs`); both on a pool of 8 connections,
//! both served from this process, on the store's tables under a prefix of
//! the run (dropped at the end), on tasks of their own.
//!
//! Each client walks its tasks, one after the other, through events that
//! all succeed: assign, fail, retry, assign, fail, retry (the guard allows
//! two), assign, start, fail. The tasks are made before the rounds by
//! copying one the store created. Before the rounds one task goes through
//! that walk on both services, and their answers and stored data must be
//! the same. Then rounds alternate (ours, hand, ours, hand...); each round
//! and the medians are printed (`SUMMARY`). Without `STATEFORGE_PG_URL`
//! it prints that it was skipped and exits 0.
//!
//! Run: `STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench task_service -- --rounds 5 --secs 3`.

#![allow(missing_docs)]

// The example is a binary; here its items are a private module.
#[allow(dead_code, unreachable_pub)]
#[path = "../examples/task_service.rs"]
mod example;

#[path = "rounds.rs"]
mod rounds;
use rounds::{Measured, Settings, Tally, throughput};

#[path = "task_hand.rs"]
mod task_hand;
use task_hand::{HandTasks, hand_router};

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Value, json};
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPoolOptions;
use stateforge::runtime::db::{Store, StoreOptions, TablePrefix, TransitionMeta};

/// Clients sending at once.
const CLIENTS: usize = 64;

/// The pool size of both services.
const POOL: u32 = 8;

/// A task's walk: every event succeeds, and the last leaves it where no
/// event is left that would (failed, with its two retries spent).
const WALK: [&str; 9] = [
    "assign", "fail", "retry", "assign", "fail", "retry", "assign", "start", "fail",
];

/// The body each event is sent with.
fn body(event: &str) -> Option<Value> {
    match event {
        "assign" => Some(json!({ "agent": "ada" })),
        "fail" => Some(json!({ "reason": "flaky" })),
        _ => None,
    }
}

/// Serves `router` on a free port of 127.0.0.1; its base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

/// Sends `event` for task `id`: the answer, which must be a success.
async fn send(client: &reqwest::Client, base: &str, id: &str, event: &str) -> Value {
    let request = client.post(format!("{base}/tasks/{id}/events/{event}"));
    let request = match body(event) {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{id} {event}: {status} {answer}");
    answer
}

/// One side's clients, each with the position of its walk: the `n`th
/// request of client `c` is event `WALK[n % 9]` of task
/// `{side}{c}-{n / 9}`, kept between rounds.
struct Clients {
    base: String,
    side: &'static str,
    clients: Vec<reqwest::Client>,
    sent: Vec<AtomicU64>,
    /// How many tasks each client has.
    tasks: u64,
}

impl Clients {
    fn new(base: String, side: &'static str, tasks: u64) -> Arc<Clients> {
        Arc::new(Clients {
            base,
            side,
            clients: (0..CLIENTS).map(|_| reqwest::Client::new()).collect(),
            sent: (0..CLIENTS).map(|_| AtomicU64::new(0)).collect(),
            tasks,
        })
    }

    async fn next(&self, c: usize) {
        let n = self.sent[c].fetch_add(1, Ordering::Relaxed);
        let task = n / WALK.len() as u64;
        assert!(
            task < self.tasks,
            "client {c} walked all its {} tasks: give it more",
            self.tasks
        );
        let id = format!("{}{c}-{task}", self.side);
        send(
            &self.clients[c],
            &self.base,
            &id,
            WALK[n as usize % WALK.len()],
        )
        .await;
    }

    async fn round(self: &Arc<Clients>, length: std::time::Duration) -> Measured {
        let clients = Arc::clone(self);
        throughput(CLIENTS, length, move |c| {
            let clients = Arc::clone(&clients);
            async move { clients.next(c).await }
        })
        .await
    }
}

/// Makes `count` tasks for each client of `side` by copying the row of
/// task `template`, which the store created.
async fn copy_tasks(pool: &sqlx::PgPool, prefix: &str, template: &str, side: &str, count: u64) {
    let e = format!("{prefix}sf_entities");
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {e} (machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at)
         SELECT machine, $2 || c || '-' || k, state, data, version, fingerprint, session, created_at, updated_at
         FROM {e}, generate_series(0, $3 - 1) AS c, generate_series(0, $4 - 1) AS k
         WHERE machine = 'task' AND entity_id = $1"
    )))
    .bind(template)
    .bind(side)
    .bind(CLIENTS as i64)
    .bind(count as i64)
    .execute(pool)
    .await
    .unwrap();
}

/// One task through the walk on both services: the same answers (but for
/// the id) and the same data stored.
async fn check_same(ours: &str, hand: &str, pool: &sqlx::PgPool, prefix: &str) {
    let client = reqwest::Client::new();
    for event in WALK {
        let mut a = send(&client, ours, "ocheck", event).await;
        let mut b = send(&client, hand, "hcheck", event).await;
        a["id"] = Value::Null;
        b["id"] = Value::Null;
        assert_eq!(a, b, "the two services answer {event} differently");
    }
    let data: Vec<(String, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT entity_id, data FROM {prefix}sf_entities WHERE entity_id IN ('ocheck', 'hcheck') ORDER BY entity_id"
    )))
    .fetch_all(pool)
    .await
    .unwrap();
    let parsed: Vec<Value> = data
        .iter()
        .map(|(_, d)| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(
        parsed[0], parsed[1],
        "the two services store different data"
    );
}

async fn bench(url: &str, s: &Settings) {
    let prefix = format!("sft{}_", std::process::id());
    let options = StoreOptions::new().max_connections(POOL);
    let store = Store::postgres_with(url, &TablePrefix::new(&prefix).unwrap(), &options)
        .await
        .unwrap();
    // In a task of its own, so that the tables are dropped after a panic.
    let outcome = tokio::spawn(run(url.to_owned(), prefix, store.clone(), s.clone())).await;
    if let Err(e) = store.drop_tables().await {
        eprintln!("task_service: could not drop the tables: {e}");
    }
    store.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn run(url: String, prefix: String, store: Store, s: Settings) {
    let meta = TransitionMeta::new();
    let new_task = || example::AnyTask::from(example::Task::new(example::TaskRecord::default()));
    for id in ["template", "ocheck", "hcheck"] {
        store.create(id, &new_task(), &meta).await.unwrap();
    }
    // Enough for every client at 10,000 requests a second, over every
    // round and warm-up of one side.
    let seconds = s.secs * s.rounds as f64 + s.warmup;
    let tasks = (seconds * 10_000.0 / (CLIENTS * WALK.len()) as f64).ceil() as u64 + 1;
    let pool = PgPoolOptions::new()
        .max_connections(POOL)
        // The store's own pool skips the ping before handing out a busy
        // connection; sqlx's default would add a round trip to every
        // request of the hand-written side only.
        .test_before_acquire(false)
        .connect(&url)
        .await
        .unwrap();
    copy_tasks(&pool, &prefix, "template", "o", tasks).await;
    copy_tasks(&pool, &prefix, "template", "h", tasks).await;
    sqlx::query(AssertSqlSafe(format!("ANALYZE {prefix}sf_entities")))
        .execute(&pool)
        .await
        .unwrap();
    let hand = Arc::new(HandTasks::new(pool, &prefix));
    let ours_base = serve(example::router(store)).await;
    let hand_base = serve(hand_router(Arc::clone(&hand))).await;
    check_same(&ours_base, &hand_base, hand.pool(), &prefix).await;

    let ours = Clients::new(ours_base, "o", tasks);
    let theirs = Clients::new(hand_base, "h", tasks);
    ours.round(s.warm_up()).await;
    theirs.round(s.warm_up()).await;
    let case = format!("POST /tasks/{{id}}/events/{{event}}, {CLIENTS} clients, pool of {POOL}");
    let mut tally = Tally::default();
    for _ in 0..s.rounds {
        let a = ours.round(s.measure()).await;
        let b = theirs.round(s.measure()).await;
        tally.round(&case, a, b);
    }
    tally.summary(&case);
    hand.pool().close().await;
}

fn main() {
    let Some(url) = rounds::pg_url("task_service") else {
        return;
    };
    let settings = Settings::from_args();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench(&url, &settings));
}
