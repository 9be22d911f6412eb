//! Where a blocking call's time goes on PostgreSQL: one round trip (the
//! store's row read, by key) made the ways a synchronous caller can make
//! it, one client, side by side.
//!
//! - **`postgres` crate, on the caller's thread**: the synchronous client
//!   drives its connection's I/O on the calling thread, as the blocking
//!   store did before it moved onto sqlx (a runtime per connection, the
//!   caller blocking on it).
//! - **sqlx, spawned and waited for**: the blocking `PgStore`'s path for a
//!   fire: the call is spawned whole on a multi-thread runtime of 2
//!   workers, which acquires a pooled connection, reads and hands the
//!   connection back (sqlx checks it with a round trip of its own, on a
//!   worker, after the answer); the caller's thread sleeps until the
//!   task's answer comes.
//! - **sqlx, on the caller's thread**: the blocking store's path for
//!   calls that borrow their inputs: the future is polled on the caller's
//!   thread while the runtime's workers drive the I/O, so each round trip
//!   wakes the caller from a worker.
//! - **sqlx, inside a task**: the async store's path: every call of a
//!   sample made one after another in one task on a worker, nothing
//!   waiting across threads; sqlx's own cost.
//! - **sqlx, inside a task, one connection held**: the same without the
//!   pool: the statement's own cost on sqlx.
//! - **the hop alone**: an empty task spawned and waited for, the fixed
//!   cost of handing a call to the runtime and its answer back.
//!
//! Both clients use the same statement, prepared, on the same row of a
//! table of the run's own, dropped at the end. Without
//! `STATEFORGE_PG_URL` it prints that it was skipped and exits 0.
//!
//! Run: `STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench pg_paths`.

#![allow(missing_docs)]

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Row};
use tokio::runtime::Runtime;

/// The statement each path runs: a row by key, as the store reads one.
fn select(table: &str) -> String {
    format!("SELECT state, version FROM {table} WHERE machine = $1 AND entity_id = $2")
}

struct Fixture {
    url: String,
    table: String,
    runtime: Runtime,
    pool: PgPool,
}

impl Fixture {
    fn new(url: &str) -> Fixture {
        let table = format!("sf_paths_{}", std::process::id());
        let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!(
                "CREATE TABLE {table} (machine TEXT, entity_id TEXT, state TEXT, version BIGINT,
                 PRIMARY KEY (machine, entity_id));
                 INSERT INTO {table} VALUES ('light', 'l-1', 'off', 1);"
            ))
            .unwrap();
        // The store's runtime: a worker per core, here 2.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        // The store's own pool skips sqlx's ping before handing out a
        // connection; the ping on its way back stays (sqlx has no switch).
        let pool = runtime.block_on(async {
            PgPoolOptions::new()
                .max_connections(2)
                .test_before_acquire(false)
                .connect(url)
                .await
                .unwrap()
        });
        Fixture {
            url: url.to_owned(),
            table,
            runtime,
            pool,
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.url, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP TABLE IF EXISTS {}", self.table));
        }
    }
}

/// One read on a pooled sqlx connection: acquired, read, handed back.
async fn read_pooled(pool: &PgPool, sql: &Arc<str>) -> i64 {
    let mut conn = pool.acquire().await.unwrap();
    let row = sqlx::query(AssertSqlSafe(Arc::clone(sql)))
        .bind("light")
        .bind("l-1")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    row.get(1)
}

fn paths(c: &mut Criterion, f: &Fixture) {
    let sql: Arc<str> = select(&f.table).into();
    let mut group = c.benchmark_group("pg one read by key, 1 client");
    group.sample_size(30);

    let mut client = postgres::Client::connect(&f.url, postgres::NoTls).unwrap();
    let statement = client.prepare(&sql).unwrap();
    group.bench_function("postgres crate, on the caller's thread", |b| {
        b.iter(|| {
            let row = client.query_one(&statement, &[&"light", &"l-1"]).unwrap();
            row.get::<_, i64>(1)
        });
    });

    group.bench_function("sqlx, spawned and waited for (blocking PgStore)", |b| {
        b.iter(|| {
            let (tx, rx) = mpsc::sync_channel(1);
            let (pool, sql) = (f.pool.clone(), Arc::clone(&sql));
            f.runtime.spawn(async move {
                let _ = tx.send(read_pooled(&pool, &sql).await);
            });
            rx.recv().unwrap()
        });
    });

    group.bench_function("sqlx, on the caller's thread, workers driving I/O", |b| {
        let handle = f.runtime.handle();
        b.iter(|| handle.block_on(read_pooled(&f.pool, &sql)));
    });

    group.bench_function("sqlx, inside a task (async store)", |b| {
        b.iter_custom(|iters| {
            let (pool, sql) = (f.pool.clone(), Arc::clone(&sql));
            f.runtime
                .block_on(f.runtime.spawn(async move {
                    let start = Instant::now();
                    for _ in 0..iters {
                        std::hint::black_box(read_pooled(&pool, &sql).await);
                    }
                    start.elapsed()
                }))
                .unwrap()
        });
    });

    group.bench_function("sqlx, inside a task, one connection held", |b| {
        b.iter_custom(|iters| {
            let (pool, sql) = (f.pool.clone(), Arc::clone(&sql));
            f.runtime
                .block_on(f.runtime.spawn(async move {
                    let mut conn = pool.acquire().await.unwrap();
                    let start = Instant::now();
                    for _ in 0..iters {
                        let row = sqlx::query(AssertSqlSafe(Arc::clone(&sql)))
                            .bind("light")
                            .bind("l-1")
                            .fetch_one(&mut *conn)
                            .await
                            .unwrap();
                        std::hint::black_box(row.get::<i64, _>(1));
                    }
                    start.elapsed()
                }))
                .unwrap()
        });
    });

    group.bench_function("the hop alone: an empty task spawned and waited for", |b| {
        b.iter(|| {
            let (tx, rx) = mpsc::sync_channel(1);
            f.runtime.spawn(async move {
                let _ = tx.send(1_u8);
            });
            rx.recv().unwrap()
        });
    });
    group.finish();
}

fn main() {
    let Ok(url) = std::env::var("STATEFORGE_PG_URL") else {
        println!("pg_paths: skipped (STATEFORGE_PG_URL is not set)");
        return;
    };
    let fixture = Fixture::new(&url);
    let mut criterion = Criterion::default()
        .configure_from_args()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    paths(&mut criterion, &fixture);
    criterion.final_summary();
}
