//! Outbox delivery on PostgreSQL, in messages per second: 1 worker
//! beside 4 workers (tokio tasks on one store, a pool of 8 connections),
//! each taking batches of 100 with `FOR UPDATE SKIP LOCKED`, the handler
//! acknowledging at once. Each round fills the outbox with 20,000
//! messages of 1,000 entities (one `INSERT ... SELECT`, as transitions'
//! messages would be: 20 per entity, interleaved), then times the workers
//! until it is empty. Rounds alternate (1, 4, 1, 4...); the medians are
//! printed as `SUMMARY` lines. The store's tables are under a prefix of
//! the run, dropped at the end. Without `STATEFORGE_PG_URL` it prints
//! that it was skipped and exits 0.
//!
//! Run: `STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench outbox_pg -- --rounds 3`.

#![allow(missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::AssertSqlSafe;
use stateforge::runtime::db::{OutboxMessage, OutboxWorker, Store, StoreOptions, TablePrefix};
use tokio_util::sync::CancellationToken;

const MESSAGES: u64 = 20_000;
const ENTITIES: u64 = 1_000;

async fn fill(pool: &sqlx::PgPool, table: &str) {
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO {table} (machine, entity_id, topic, payload, created_at)
         SELECT 'account', 'e-' || (g % $2), 'posted', '{{\"seq\": ' || g || '}}', 0
         FROM generate_series(1, $1) g"
    )))
    .bind(i64::try_from(MESSAGES).unwrap())
    .bind(i64::try_from(ENTITIES).unwrap())
    .execute(pool)
    .await
    .unwrap();
}

/// Messages per second of `workers` workers emptying the outbox.
async fn deliver(store: &Store, workers: usize) -> f64 {
    let delivered = Arc::new(AtomicU64::new(0));
    let stop = CancellationToken::new();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (store, stop, delivered) = (store.clone(), stop.clone(), Arc::clone(&delivered));
        tasks.push(tokio::spawn(async move {
            let handler = move |_m: OutboxMessage| {
                delivered.fetch_add(1, Ordering::Relaxed);
                async { Ok::<(), String>(()) }
            };
            OutboxWorker::new()
                .batch(100)
                .poll_interval(Duration::from_millis(2))
                .run(&store, handler, stop)
                .await;
        }));
    }
    while delivered.load(Ordering::Relaxed) < MESSAGES {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = started.elapsed();
    stop.cancel();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        delivered.load(Ordering::Relaxed),
        MESSAGES,
        "each message once"
    );
    MESSAGES as f64 / elapsed.as_secs_f64()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let Ok(url) = std::env::var("STATEFORGE_PG_URL") else {
        println!("outbox_pg: skipped: STATEFORGE_PG_URL is not set");
        return;
    };
    let args: Vec<String> = std::env::args().collect();
    let rounds: usize = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let prefix = TablePrefix::new(&format!("bench_outbox_{}_", std::process::id())).unwrap();
        let options = StoreOptions::new().max_connections(8);
        let store = Store::open_with(&url, &prefix, &options).await.unwrap();
        let pool = store.pg_pool().unwrap().clone();
        let table = format!("{}sf_outbox", prefix.as_str());
        let (mut one, mut four) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            for (workers, out) in [(1, &mut one), (4, &mut four)] {
                fill(&pool, &table).await;
                let rate = deliver(&store, workers).await;
                println!("round {round}: {workers} worker(s): {rate:.0} messages/s");
                out.push(rate);
            }
        }
        let (one, four) = (median(&mut one), median(&mut four));
        println!("SUMMARY 1 worker: {one:.0} messages/s");
        println!(
            "SUMMARY 4 workers: {four:.0} messages/s ({:.2}x one)",
            four / one
        );
        store.drop_tables().await.unwrap();
    });
}
