//! The async `Store::fire` on PostgreSQL beside the same SQL written by
//! hand with sqlx, in transitions per second: 1, 8 and 64 tokio tasks,
//! each on an entity of its own, and 64 tasks on ONE entity, on a pool of
//! 8 connections on both sides.
//!
//! The hand-written transition is the store's, statement for statement:
//! on one pooled connection, the row read without a lock (the text of
//! `PgSql::row`), the JSON data decoded and encoded again, then the
//! versioned update and the history insert as one statement (the text of
//! `write` in `runtime/src/db/postgres/sql.rs`, copied below); when that
//! statement writes nothing (another task moved the entity in between) it
//! reads again and retries, counting a conflict. Both sides work on the
//! store's own tables, under a prefix of the run, on entities of their
//! own; the tables are dropped at the end.
//!
//! Each case runs its variants in alternating rounds (ours, hand, ours,
//! hand...) and prints each round and the medians (`SUMMARY` lines).
//! Without `STATEFORGE_PG_URL` it prints that it was skipped and exits 0.
//!
//! Run: `STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench async_pg -- --rounds 5 --secs 3`.

#![allow(missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Row};
use stateforge::runtime::db::{Store, StoreError, StoreOptions, TablePrefix, TransitionMeta};

#[path = "light.rs"]
mod light;
use light::{AnyLight, Light, LightEvent};

#[path = "rounds.rs"]
mod rounds;
use rounds::{Measured, Settings, Tally, throughput};

/// The pool size of both sides.
const POOL: u32 = 8;

/// The hand-written side: a pool like the store's, and the store's two
/// statements.
struct Hand {
    pool: PgPool,
    row: Arc<str>,
    write: Arc<str>,
    conflicts: AtomicU64,
}

impl Hand {
    async fn connect(url: &str, prefix: &str) -> Hand {
        let (e, h) = (
            format!("{prefix}sf_entities"),
            format!("{prefix}sf_history"),
        );
        // The store's own pool skips the ping before handing out a busy
        // connection; sqlx's default would add a round trip to every
        // transition of the hand-written side only.
        let pool = PgPoolOptions::new()
            .max_connections(POOL)
            .test_before_acquire(false)
            .connect(url)
            .await
            .unwrap();
        let row = format!(
            "SELECT machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at FROM {e} WHERE machine = $1 AND entity_id = $2"
        );
        // `write` of `runtime/src/db/postgres/sql.rs`, for a machine
        // without timers.
        let write = format!(
            "WITH updated AS (
            UPDATE {e} AS cur
            SET state = $1, data = $2, version = cur.version + 1, fingerprint = $3, updated_at = $4
            FROM {e} AS prev
            WHERE cur.machine = $5 AND cur.entity_id = $6 AND cur.version = $7
              AND cur.state = ANY($8::TEXT[])
              AND (cur.session IS NULL OR cur.session = $13::TEXT OR $14::BOOLEAN)
              AND prev.machine = cur.machine AND prev.entity_id = cur.entity_id
            RETURNING prev.state AS from_state, cur.session, cur.version),
         recorded AS (
            INSERT INTO {h} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
            SELECT $5, $6, updated.from_state, $1, $9, $10, $11, updated.session, $4, $12, updated.version
            FROM updated
            RETURNING version)
         SELECT version FROM recorded"
        );
        Hand {
            pool,
            row: row.into(),
            write: write.into(),
            conflicts: AtomicU64::new(0),
        }
    }

    /// One toggle of light `id`, retried until it is written.
    async fn toggle(&self, id: &str) {
        let mut conn = self.pool.acquire().await.unwrap();
        loop {
            let row = sqlx::query(AssertSqlSafe(Arc::clone(&self.row)))
                .bind("light")
                .bind(id)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            let state: String = row.get(2);
            let data: String = row.get(3);
            let version: i64 = row.get(4);
            let fingerprint: String = row.get(5);
            let record: Value = serde_json::from_str(&data).unwrap();
            let (to, from) = if state == "off" {
                ("on", "off")
            } else {
                ("off", "on")
            };
            let sources = [from];
            let written = sqlx::query(AssertSqlSafe(Arc::clone(&self.write)))
                .bind(to)
                .bind(record.to_string())
                .bind(fingerprint)
                .bind(stateforge::Timestamp::now().as_micros())
                .bind("light")
                .bind(id)
                .bind(version)
                .bind(&sources[..])
                .bind("toggle")
                .bind(None::<&str>)
                .bind(None::<&str>)
                .bind("null")
                .bind(None::<&str>)
                .bind(false)
                .fetch_optional(&mut *conn)
                .await
                .unwrap();
            if written.is_some() {
                return;
            }
            self.conflicts.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// One `fire`; a conflict that outlasts the store's own retries is
/// counted and fired again, as a caller would.
async fn fire_ours(store: &Store, id: &str, conflicts: &AtomicU64) {
    let meta = TransitionMeta::new();
    loop {
        match store.fire::<AnyLight>(id, LightEvent::Toggle, &meta).await {
            Ok(_) => return,
            Err(StoreError::Conflict { .. }) => {
                conflicts.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => panic!("fire: {e}"),
        }
    }
}

/// `tasks` tasks, on entities `prefix0`, `prefix1`..., or all on
/// `prefix` alone when `one` is set.
fn ids(prefix: &str, tasks: usize, one: bool) -> Arc<Vec<String>> {
    Arc::new(
        (0..tasks)
            .map(|t| {
                if one {
                    format!("{prefix}one")
                } else {
                    format!("{prefix}{t}")
                }
            })
            .collect(),
    )
}

async fn run_ours(
    store: &Store,
    ids: &Arc<Vec<String>>,
    tasks: usize,
    s: &Settings,
    warm: bool,
) -> (Measured, u64) {
    let (store, ids) = (store.clone(), Arc::clone(ids));
    let conflicts = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&conflicts);
    let length = if warm { s.warm_up() } else { s.measure() };
    let rate = throughput(tasks, length, move |t| {
        let (store, ids, conflicts) = (store.clone(), Arc::clone(&ids), Arc::clone(&counted));
        async move { fire_ours(&store, &ids[t], &conflicts).await }
    })
    .await;
    (rate, conflicts.load(Ordering::Relaxed))
}

async fn run_hand(
    hand: &Arc<Hand>,
    ids: &Arc<Vec<String>>,
    tasks: usize,
    s: &Settings,
    warm: bool,
) -> (Measured, u64) {
    let (hand, ids) = (Arc::clone(hand), Arc::clone(ids));
    let before = hand.conflicts.load(Ordering::Relaxed);
    let length = if warm { s.warm_up() } else { s.measure() };
    let counted = Arc::clone(&hand);
    let rate = throughput(tasks, length, move |t| {
        let (hand, ids) = (Arc::clone(&hand), Arc::clone(&ids));
        async move { hand.toggle(&ids[t]).await }
    })
    .await;
    (rate, counted.conflicts.load(Ordering::Relaxed) - before)
}

async fn case(store: &Store, hand: &Arc<Hand>, tasks: usize, one: bool, s: &Settings) {
    let name = if one {
        format!("{tasks} tasks, 1 entity, pool of {POOL}")
    } else {
        format!("{tasks} tasks, {tasks} entities, pool of {POOL}")
    };
    let (our_ids, hand_ids) = (ids("o", tasks, one), ids("h", tasks, one));
    run_ours(store, &our_ids, tasks, s, true).await;
    run_hand(hand, &hand_ids, tasks, s, true).await;
    let mut tally = Tally::default();
    let (mut our_conflicts, mut hand_conflicts) = (0, 0);
    for _ in 0..s.rounds {
        let (ours, c) = run_ours(store, &our_ids, tasks, s, false).await;
        our_conflicts += c;
        let (theirs, c) = run_hand(hand, &hand_ids, tasks, s, false).await;
        hand_conflicts += c;
        tally.round(&name, ours, theirs);
    }
    tally.summary(&name);
    if one {
        // Ours retries inside `fire`: only conflicts past its attempts
        // reach the caller. The hand-written side counts every retry.
        println!(
            "CONFLICTS {name} | ours (past the store's own retries) {our_conflicts} | hand {hand_conflicts}, over {} rounds",
            s.rounds
        );
    }
}

async fn bench(url: &str, s: &Settings) {
    let prefix = format!("sfa{}_", std::process::id());
    let options = StoreOptions::new().max_connections(POOL);
    let store = Store::postgres_with(url, &TablePrefix::new(&prefix).unwrap(), &options)
        .await
        .unwrap();
    // In a task of its own, so that the tables are dropped after a panic.
    let outcome = tokio::spawn(run(url.to_owned(), prefix, store.clone(), s.clone())).await;
    if let Err(e) = store.drop_tables().await {
        eprintln!("async_pg: could not drop the tables: {e}");
    }
    store.close().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

async fn run(url: String, prefix: String, store: Store, s: Settings) {
    let meta = TransitionMeta::new();
    for side in ["o", "h"] {
        for id in (0..64)
            .map(|t| format!("{side}{t}"))
            .chain([format!("{side}one")])
        {
            store
                .create(&id, &AnyLight::from(Light::new(0)), &meta)
                .await
                .unwrap();
        }
    }
    let hand = Arc::new(Hand::connect(&url, &prefix).await);
    for (tasks, one) in [(1, false), (8, false), (64, false), (64, true)] {
        case(&store, &hand, tasks, one, &s).await;
    }
    hand.pool.close().await;
}

fn main() {
    let Some(url) = rounds::pg_url("async_pg") else {
        return;
    };
    let settings = Settings::from_args();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench(&url, &settings));
}
