//! The PostgreSQL store beside the same SQL written by hand with the
//! `postgres` crate, in one run: one client, eight clients on eight
//! entities, eight clients on one entity.
//!
//! The hand-written version does what a careful application does for one
//! transition, on tables created by the store's own migration under a
//! second prefix (so the tables and indexes are the same): `BEGIN`; read
//! state, version and JSON data `FOR UPDATE`; decode and re-encode the data;
//! update where the version is still the one read; insert the history row
//! with the time; `COMMIT`. Its statements are prepared once per
//! connection, so a transition is five round trips (`BEGIN`, three
//! statements, `COMMIT`). A second hand-written variant writes the update
//! and the history row in one CTE, as the store does (four round trips),
//! and on one entity a third reads without `FOR UPDATE` and counts the
//! versioned updates that matched no row (conflicts), then retries.
//!
//! Each run creates its tables under a prefix of its own (the process id)
//! and drops them at the end. Without `STATEFORGE_PG_URL` it prints that it
//! was skipped and exits 0.
//!
//! Run: `STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench store_pg -- --warm-up-time 1 --measurement-time 5`.

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::cell::Cell;
use std::hint::black_box;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkGroup, Criterion, Throughput, measurement::WallTime};
use postgres::{Client, NoTls, Statement};
use stateforge::runtime::db::{PgStore, StoreError, TablePrefix, TransitionMeta};

#[path = "light.rs"]
mod light;
use light::{AnyLight, Light, LightEvent};

/// Clients in the concurrent cases.
const THREADS: usize = 8;

/// Drops a store's tables when the run ends, even after a panic.
struct Dropping(PgStore);

impl Drop for Dropping {
    fn drop(&mut self) {
        if let Err(e) = self.0.drop_tables() {
            eprintln!("store_pg: could not drop tables: {e}");
        }
    }
}

/// One hand-written connection with its statements prepared.
struct Hand {
    client: Client,
    select_locked: Statement,
    select: Statement,
    update: Statement,
    insert: Statement,
    update_and_insert: Statement,
}

impl Hand {
    fn connect(url: &str, entities: &str, history: &str) -> Hand {
        let mut client = Client::connect(url, NoTls).unwrap();
        let select_locked = client
            .prepare(&format!(
                "SELECT state, version, data FROM {entities} WHERE machine = $1 AND entity_id = $2 FOR UPDATE"
            ))
            .unwrap();
        let select = client
            .prepare(&format!(
                "SELECT state, version, data FROM {entities} WHERE machine = $1 AND entity_id = $2"
            ))
            .unwrap();
        let update = client
            .prepare(&format!(
                "UPDATE {entities} SET state = $1, data = $2, version = version + 1, updated_at = $3
                 WHERE machine = $4 AND entity_id = $5 AND version = $6"
            ))
            .unwrap();
        let insert = client
            .prepare(&format!(
                "INSERT INTO {history} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
                 VALUES ($1, $2, $3, $4, 'toggle', NULL, NULL, NULL, $5, 'null', $6)"
            ))
            .unwrap();
        let update_and_insert = client
            .prepare(&format!(
                "WITH updated AS (
                    UPDATE {entities} SET state = $1, data = $2, version = version + 1, updated_at = $3
                    WHERE machine = $4 AND entity_id = $5 AND version = $6
                    RETURNING session, version)
                 INSERT INTO {history} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
                 SELECT $4, $5, $7, $1, 'toggle', NULL, NULL, updated.session, $3, 'null', updated.version FROM updated"
            ))
            .unwrap();
        Hand {
            client,
            select_locked,
            select,
            update,
            insert,
            update_and_insert,
        }
    }

    /// Read `FOR UPDATE`, decode and re-encode, versioned update, history
    /// row, commit: five round trips.
    fn toggle_locked(&mut self, id: &str) {
        let mut tx = self.client.transaction().unwrap();
        let r = read(&mut tx, &self.select_locked, id);
        let updated = tx
            .execute(
                &self.update,
                &[&r.next, &r.data, &r.now, &"light", &id, &r.version],
            )
            .unwrap();
        assert_eq!(updated, 1, "the row is locked: the version cannot move");
        tx.execute(
            &self.insert,
            &[&"light", &id, &r.state, &r.next, &r.now, &(r.version + 1)],
        )
        .unwrap();
        tx.commit().unwrap();
    }

    /// As [`Hand::toggle_locked`], the update and the history row in one
    /// CTE: four round trips.
    fn toggle_cte(&mut self, id: &str) {
        let mut tx = self.client.transaction().unwrap();
        let r = read(&mut tx, &self.select_locked, id);
        let written = tx
            .execute(
                &self.update_and_insert,
                &[
                    &r.next, &r.data, &r.now, &"light", &id, &r.version, &r.state,
                ],
            )
            .unwrap();
        assert_eq!(written, 1);
        tx.commit().unwrap();
    }

    /// The application holds the entity (state, version, data) in memory:
    /// the CTE alone, its own transaction, one round trip. Returns the
    /// state and version it moved to.
    fn toggle_held(&mut self, id: &str, state: &str, version: i64, data: &str) -> i64 {
        let next = if state == "off" { "on" } else { "off" };
        let now = stateforge::Timestamp::now().as_micros();
        let written = self
            .client
            .execute(
                &self.update_and_insert,
                &[&next, &data, &now, &"light", &id, &version, &state],
            )
            .unwrap();
        assert_eq!(written, 1, "one writer: the version cannot move");
        version + 1
    }

    /// Read without a lock, versioned update; when it matches no row
    /// (someone moved the entity), roll back, count a conflict and retry.
    fn toggle_optimistic(&mut self, id: &str, conflicts: &AtomicU64) {
        loop {
            let mut tx = self.client.transaction().unwrap();
            let r = read(&mut tx, &self.select, id);
            let updated = tx
                .execute(
                    &self.update,
                    &[&r.next, &r.data, &r.now, &"light", &id, &r.version],
                )
                .unwrap();
            if updated == 0 {
                conflicts.fetch_add(1, Ordering::Relaxed);
                tx.rollback().unwrap();
                continue;
            }
            tx.execute(
                &self.insert,
                &[&"light", &id, &r.state, &r.next, &r.now, &(r.version + 1)],
            )
            .unwrap();
            tx.commit().unwrap();
            return;
        }
    }
}

/// What every hand-written transition reads before it writes.
struct Read {
    state: String,
    version: i64,
    /// The entity's record, decoded and encoded again, as an application
    /// that works on it does.
    data: String,
    next: &'static str,
    now: i64,
}

/// Reads the light's state, version and data with `select` (locking or
/// not) and works out the transition.
fn read(tx: &mut postgres::Transaction<'_>, select: &Statement, id: &str) -> Read {
    let row = tx.query_one(select, &[&"light", &id]).unwrap();
    let (state, version, data): (String, i64, String) = (row.get(0), row.get(1), row.get(2));
    let record: serde_json::Value = serde_json::from_str(&data).unwrap();
    let next = if state == "off" { "on" } else { "off" };
    Read {
        state,
        version,
        data: record.to_string(),
        next,
        now: stateforge::Timestamp::now().as_micros(),
    }
}

/// One `fire`, retried on [`StoreError::Conflict`] (counted).
fn fire_ours(store: &PgStore, id: &str, meta: &TransitionMeta, conflicts: &AtomicU64) {
    loop {
        match store.fire::<AnyLight>(id, LightEvent::Toggle, meta) {
            Ok(loaded) => {
                black_box(loaded.version);
                return;
            }
            Err(StoreError::Conflict { .. }) => {
                conflicts.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => panic!("fire: {e}"),
        }
    }
}

/// Transitions, conflicts and time over every call of one benchmark
/// (warm-up included), printed after it.
#[derive(Default)]
struct Totals {
    transitions: Cell<u64>,
    conflicts: Cell<u64>,
    elapsed: Cell<Duration>,
}

impl Totals {
    fn add(&self, transitions: u64, conflicts: u64, elapsed: Duration) {
        self.transitions.set(self.transitions.get() + transitions);
        self.conflicts.set(self.conflicts.get() + conflicts);
        self.elapsed.set(self.elapsed.get() + elapsed);
    }

    fn print(&self, case: &str, variant: &str) {
        let secs = self.elapsed.get().as_secs_f64();
        println!(
            "SUMMARY {case} | {variant}: {} transitions in {secs:.2} s = {:.0} transitions/s, {} conflicts = {:.0} conflicts/s",
            self.transitions.get(),
            self.transitions.get() as f64 / secs,
            self.conflicts.get(),
            self.conflicts.get() as f64 / secs,
        );
    }
}

/// `iters` transitions spread over [`THREADS`] threads, each running
/// `work(thread, count)`; times from the moment all threads are ready to
/// the last one done.
fn spread<W>(iters: u64, totals: &Totals, conflicts: &AtomicU64, work: W) -> Duration
where
    W: Fn(usize, u64) + Sync,
{
    let threads = THREADS as u64;
    let before = conflicts.load(Ordering::Relaxed);
    let barrier = Barrier::new(THREADS + 1);
    let elapsed = std::thread::scope(|s| {
        for t in 0..THREADS {
            let count = iters / threads + u64::from((t as u64) < iters % threads);
            let (barrier, work) = (&barrier, &work);
            s.spawn(move || {
                barrier.wait();
                work(t, count);
            });
        }
        barrier.wait();
        let start = Instant::now();
        // Every thread is joined when the scope ends; measure after it.
        start
    })
    .elapsed();
    totals.add(iters, conflicts.load(Ordering::Relaxed) - before, elapsed);
    elapsed
}

/// Like [`spread`], but each thread owns one hand-written connection.
fn spread_hand<W>(
    iters: u64,
    hands: &mut [Hand],
    totals: &Totals,
    conflicts: &AtomicU64,
    work: W,
) -> Duration
where
    W: Fn(usize, &mut Hand, u64) + Sync,
{
    let threads = THREADS as u64;
    let before = conflicts.load(Ordering::Relaxed);
    let barrier = Barrier::new(THREADS + 1);
    let elapsed = std::thread::scope(|s| {
        for (t, hand) in hands.iter_mut().enumerate() {
            let count = iters / threads + u64::from((t as u64) < iters % threads);
            let (barrier, work) = (&barrier, &work);
            s.spawn(move || {
                barrier.wait();
                work(t, hand, count);
            });
        }
        barrier.wait();
        Instant::now()
    })
    .elapsed();
    totals.add(iters, conflicts.load(Ordering::Relaxed) - before, elapsed);
    elapsed
}

struct Fixture {
    url: String,
    ours: Dropping,
    hand_tables: Dropping,
    entities: String,
    history: String,
}

impl Fixture {
    fn new(url: &str) -> Fixture {
        let run = std::process::id();
        let ours =
            PgStore::connect_with(url, &TablePrefix::new(&format!("sfb{run}_")).unwrap()).unwrap();
        // The hand-written tables: the store's own migration under another
        // prefix, so that tables and indexes are the same.
        let hand_prefix = format!("sfb{run}h_");
        let hand_tables =
            PgStore::connect_with(url, &TablePrefix::new(&hand_prefix).unwrap()).unwrap();
        let entities = format!("{hand_prefix}sf_entities");
        let history = format!("{hand_prefix}sf_history");
        let meta = TransitionMeta::new();
        let mut ids = vec!["l".to_owned(), "shared".to_owned()];
        ids.extend((0..THREADS).map(|t| format!("e{t}")));
        let mut client = Client::connect(url, NoTls).unwrap();
        for id in &ids {
            ours.create(id, &AnyLight::from(Light::new(0)), &meta)
                .unwrap();
            client
                .execute(
                    &format!(
                        "INSERT INTO {entities} VALUES ('light', $1, 'off', '{{\"context\":0,\"data\":null}}', 1, 'f', NULL, 0, 0)"
                    ),
                    &[id],
                )
                .unwrap();
        }
        Fixture {
            url: url.to_owned(),
            ours: Dropping(ours),
            hand_tables: Dropping(hand_tables),
            entities,
            history,
        }
    }

    fn hand(&self) -> Hand {
        Hand::connect(&self.url, &self.entities, &self.history)
    }
}

fn one_client(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("pg (a) 1 client, 1 transition per call");
    group.sample_size(30);
    group.throughput(Throughput::Elements(1));
    let meta = TransitionMeta::new();
    let ours = &f.ours.0;
    group.bench_function("stateforge PgStore::fire", |b| {
        b.iter(|| {
            black_box(
                ours.fire::<AnyLight>("l", LightEvent::Toggle, &meta)
                    .unwrap()
                    .version,
            )
        });
    });
    let mut hand = f.hand();
    group.bench_function("hand-written, prepared, FOR UPDATE (5 round trips)", |b| {
        b.iter(|| hand.toggle_locked("l"));
    });
    group.bench_function(
        "hand-written, prepared, FOR UPDATE, update+insert in one CTE (4 round trips)",
        |b| {
            b.iter(|| hand.toggle_cte("l"));
        },
    );
    // Typed code that keeps its machine: fire in memory, save with the
    // version it holds. One round trip on both sides.
    let mut held = Some(ours.load::<AnyLight>("l").unwrap());
    group.bench_function(
        "stateforge, machine held, PgStore::save (1 round trip)",
        |b| {
            b.iter(|| {
                let loaded = held.take().unwrap();
                let next = loaded.machine.fire(LightEvent::Toggle).unwrap();
                let version = ours
                    .save("l", loaded.version, "toggle", &next, &meta)
                    .unwrap();
                held = Some(stateforge::runtime::db::Loaded {
                    entity_id: loaded.entity_id,
                    machine: next,
                    version,
                });
            });
        },
    );
    let row = hand
        .client
        .query_one(&hand.select, &[&"light", &"l"])
        .unwrap();
    let (mut state, mut version, data): (String, i64, String) =
        (row.get(0), row.get(1), row.get(2));
    group.bench_function(
        "hand-written, entity held, update+insert CTE alone (1 round trip)",
        |b| {
            b.iter(|| {
                version = hand.toggle_held("l", &state, version, &data);
                state = if state == "off" {
                    "on".into()
                } else {
                    "off".into()
                };
            });
        },
    );
    group.finish();
}

fn bench_ours(
    group: &mut BenchmarkGroup<'_, WallTime>,
    case: &str,
    ours: &PgStore,
    ids: &[String],
) {
    let meta = TransitionMeta::new();
    let totals = Totals::default();
    let conflicts = AtomicU64::new(0);
    let name = "stateforge PgStore::fire";
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            spread(iters, &totals, &conflicts, |t, count| {
                for _ in 0..count {
                    fire_ours(ours, &ids[t], &meta, &conflicts);
                }
            })
        });
    });
    totals.print(case, name);
}

fn bench_hand<W>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    case: &str,
    name: &str,
    hands: &mut [Hand],
    work: W,
) where
    W: Fn(usize, &mut Hand, &AtomicU64) + Sync,
{
    let totals = Totals::default();
    let conflicts = AtomicU64::new(0);
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            spread_hand(iters, hands, &totals, &conflicts, |t, hand, count| {
                for _ in 0..count {
                    work(t, hand, &conflicts);
                }
            })
        });
    });
    totals.print(case, name);
}

fn distinct_entities(c: &mut Criterion, f: &Fixture) {
    let case = "pg (b) 8 clients, 8 distinct entities";
    let mut group = c.benchmark_group(case);
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    let ids: Vec<String> = (0..THREADS).map(|t| format!("e{t}")).collect();
    bench_ours(&mut group, case, &f.ours.0, &ids);
    let mut hands: Vec<Hand> = (0..THREADS).map(|_| f.hand()).collect();
    bench_hand(
        &mut group,
        case,
        "hand-written, prepared, FOR UPDATE (5 round trips)",
        &mut hands,
        |t, hand, _| hand.toggle_locked(&ids[t]),
    );
    group.finish();
}

fn one_entity(c: &mut Criterion, f: &Fixture) {
    let case = "pg (c) 8 clients, 1 entity";
    let mut group = c.benchmark_group(case);
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    let ids: Vec<String> = (0..THREADS).map(|_| "shared".to_owned()).collect();
    bench_ours(&mut group, case, &f.ours.0, &ids);
    let mut hands: Vec<Hand> = (0..THREADS).map(|_| f.hand()).collect();
    bench_hand(
        &mut group,
        case,
        "hand-written, prepared, FOR UPDATE (5 round trips)",
        &mut hands,
        |_, hand, _| hand.toggle_locked("shared"),
    );
    bench_hand(
        &mut group,
        case,
        "hand-written, prepared, no lock, versioned update, retry on conflict",
        &mut hands,
        |_, hand, conflicts| hand.toggle_optimistic("shared", conflicts),
    );
    group.finish();
}

fn main() {
    let url = match std::env::var("STATEFORGE_PG_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            println!("store_pg: STATEFORGE_PG_URL is not set; skipped");
            return;
        }
    };
    let fixture = Fixture::new(&url);
    let mut c = Criterion::default().configure_from_args();
    one_client(&mut c, &fixture);
    distinct_entities(&mut c, &fixture);
    one_entity(&mut c, &fixture);
    c.final_summary();
    drop(fixture.hand_tables);
    drop(fixture.ours);
}
