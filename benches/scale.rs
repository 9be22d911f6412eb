//! The stores at scale, on SQLite and on PostgreSQL: 1,000,000 entities
//! and 10,000,000 history records, filled with bulk SQL into the store's
//! own tables, beside the same layout at 1,000 entities and 10,000
//! records. Not a criterion benchmark and not run by CI: it takes minutes
//! and 2 to 4 GB of disk. It measures
//!
//! 1. `fire` (a `toggle` on a random entity): p50 and p99 on 1,000,000
//!    entities against the same on 1,000, in alternating blocks;
//! 2. one entity's history (`HistoryQuery::entity`, 10 records): p99;
//! 3. the entities in one state, a page of 100 after a key
//!    (`Store::entity_page`), p99 a page, with the plan of its statement;
//! 4. 100,000 timers due at once, drained by 4 workers calling
//!    `fire_due` (each its own store), against 4 workers running a
//!    hand-written loop that claims a batch of timers with `DELETE ...
//!    RETURNING` (`FOR UPDATE SKIP LOCKED` on PostgreSQL), moves their
//!    entities and writes their history records.
//!
//! Every entity `e{i:07}` is a `lamp`: `blink` when `i % 10 == 0` (those
//! get the timers), else `on` for odd `i`, `off` for even. Each has 10
//! history records. The data and fingerprint are those of an entity the
//! store created, so every row reads as the store's own.
//!
//! Run by hand:
//! `STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench scale`
//! (`SCALE_BACKENDS=sqlite` or `postgres` for one; `SCALE_ENTITIES=100000`
//! for a smaller run; `SCALE_CASES=timers` or `pages`, comma-separated,
//! for some of the cases: `fire` takes the history case with it;
//! `checkpoints`, SQLite's WAL checkpoints, runs only when named). SQLite's files live under `target/bench-data/` and
//! are reused while they hold the rows; PostgreSQL's tables are under a
//! prefix of the run's own and dropped at the end.

#![allow(missing_docs)]

use std::path::PathBuf;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use stateforge::Timestamp;
use stateforge::runtime::db::blocking::Store;
use stateforge::runtime::db::{EntityQuery, HistoryQuery, TablePrefix, TransitionMeta};

#[path = "scale_raw.rs"]
mod scale_raw;
use scale_raw::{Lite, Pg, Raw, Tables, fill_pg, fill_sqlite};

stateforge::state_machine! {
    /// A lamp, toggled; from `blink` a timer settles it.
    #[derive(Debug)]
    pub machine Lamp {
        context: u32;
        initial state Off;
        state On;
        state Blink;
        event toggle: Off -> On, On -> Off;
        event blink: Off -> Blink;
        event settle: Blink -> Off after 1s;
    }
}

const HISTORY_PER_ENTITY: u64 = 10;
const TIMER_BATCH: usize = 100;
const WORKERS: usize = 4;
const PAGE: u64 = 100;

/// The nth percentile of sorted durations, in milliseconds.
fn pct(sorted: &[Duration], p: usize) -> f64 {
    let i = (sorted.len() * p / 100).min(sorted.len() - 1);
    sorted[i].as_secs_f64() * 1e3
}

fn summary(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    (pct(&d, 50), pct(&d, 99))
}

/// A small deterministic generator: the same entities every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A random entity that `toggle` moves (not one in `blink`).
fn toggled_entity(rng: &mut Rng, entities: u64) -> String {
    loop {
        let i = rng.below(entities);
        if !i.is_multiple_of(10) {
            return format!("e{i:07}");
        }
    }
}

// ------------------------------------------------------------ the cases

/// A store and its raw connection, on a database of `entities` entities.
struct Fixture {
    store: Store,
    raw: Box<dyn Raw>,
    tables: Tables,
    target: String,
    prefix: String,
    entities: u64,
    drop_at_end: bool,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if self.drop_at_end
            && let Err(e) = self.store.drop_tables()
        {
            eprintln!(
                "scale: could not drop the tables under {}: {e}",
                self.prefix
            );
        }
    }
}

fn fixture(backend: &str, entities: u64) -> Fixture {
    let meta = TransitionMeta::new();
    let (target, prefix, drop_at_end) = if backend == "postgres" {
        let url = std::env::var("STATEFORGE_PG_URL").expect("STATEFORGE_PG_URL");
        let prefix = format!("sfscale{}_{}_", std::process::id(), entities);
        (url, prefix, true)
    } else {
        let exe = std::env::current_exe().unwrap();
        let dir = exe.ancestors().nth(3).unwrap().join("bench-data");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("scale-{entities}.db"));
        (path.display().to_string(), String::new(), false)
    };
    let tables = Tables::new(&prefix);
    let store = Store::open_with(&target, &TablePrefix::new(&prefix).unwrap()).unwrap();
    let raw: Box<dyn Raw> = if backend == "postgres" {
        Box::new(Pg::connect(&target))
    } else {
        Box::new(Lite::open(PathBuf::from(&target)))
    };
    let mut f = Fixture {
        store,
        raw,
        tables,
        target,
        prefix,
        entities,
        drop_at_end,
    };
    let (store, raw, tables, target) = (&f.store, &mut f.raw, &f.tables, &f.target);
    let want = i64::try_from(entities * HISTORY_PER_ENTITY).unwrap();
    let have = raw.count(&format!(
        "SELECT count(*) FROM {} WHERE machine = 'lamp'",
        tables.history
    ));
    if have < want {
        if raw.count(&format!(
            "SELECT count(*) FROM {} WHERE entity_id = 'seed'",
            tables.entities
        )) == 0
        {
            store
                .create("seed", &AnyLamp::from(Lamp::new(0)), &meta)
                .unwrap();
        }
        let (data, fp) = raw.seed(&tables.entities);
        let start = Instant::now();
        if backend == "postgres" {
            fill_pg(raw.as_mut(), tables, entities, &data, &fp);
        } else {
            fill_sqlite(raw.as_mut(), tables, entities, &data, &fp);
        }
        println!(
            "scale: {backend}: filled {entities} entities and {want} history records in {:.0} s",
            start.elapsed().as_secs_f64()
        );
    } else {
        println!("scale: {backend}: reusing {target} ({have} history records)");
    }
    f
}

fn fire_block(f: &Fixture, rng: &mut Rng, n: usize, into: &mut Vec<Duration>) {
    let meta = TransitionMeta::new();
    for _ in 0..n {
        let id = toggled_entity(rng, f.entities);
        let start = Instant::now();
        f.store
            .fire::<AnyLamp>(&id, LampEvent::Toggle, &meta)
            .unwrap();
        into.push(start.elapsed());
    }
}

fn history_case(f: &Fixture, rng: &mut Rng, n: usize) -> (f64, f64) {
    let mut d = Vec::with_capacity(n);
    for _ in 0..n {
        let id = toggled_entity(rng, f.entities);
        let q = HistoryQuery::entity("lamp", id);
        let start = Instant::now();
        let records = f.store.history(&q).unwrap();
        d.push(start.elapsed());
        assert!(records.len() >= 10);
    }
    summary(d)
}

/// `walks` walks of `pages` pages each through `entity_page`, from
/// random keys.
fn pages_case(f: &Fixture, rng: &mut Rng, walks: usize, pages: usize) -> (f64, f64) {
    let mut d = Vec::new();
    let query = EntityQuery::machine("lamp").state("on").limit(PAGE);
    for _ in 0..walks {
        let mut after = format!("e{:07}", rng.below(f.entities / 2));
        for _ in 0..pages {
            let start = Instant::now();
            let page = f.store.entity_page(&query.clone().after(after)).unwrap();
            d.push(start.elapsed());
            assert!(page.entities.len() as u64 == PAGE || page.next.is_none());
            match page.next {
                Some(next) => after = next,
                None => break,
            }
        }
    }
    summary(d)
}

/// Puts the `blink` entities back with a timer due now; how many. The
/// timers are analyzed, as the fill analyzes the other tables: without,
/// the side that drains first plans its claims on the statistics of an
/// empty table until the server's autoanalyze comes round.
fn arm_timers(f: &mut Fixture, due: i64) -> i64 {
    let t = &f.tables;
    f.raw.exec(&format!(
        "DELETE FROM {tm};
         UPDATE {e} SET state = 'blink' WHERE machine = 'lamp' AND entity_id <> 'seed'
             AND CAST(substr(entity_id, 2) AS INTEGER) % 10 = 0 AND state <> 'blink';
         INSERT INTO {tm} (machine, entity_id, state, event, due_at)
             SELECT 'lamp', entity_id, 'blink', 'settle', {due} FROM {e}
             WHERE machine = 'lamp' AND state = 'blink';
         ANALYZE {tm};",
        tm = t.timers,
        e = t.entities,
    ));
    f.raw.count(&format!("SELECT count(*) FROM {}", t.timers))
}

/// Seconds for `WORKERS` threads running `batch` until it returns 0.
fn drain(run: impl Fn(usize) -> Box<dyn FnMut() -> usize + Send> + Sync) -> (f64, usize) {
    let barrier = Barrier::new(WORKERS);
    let start = Instant::now();
    let fired: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|w| {
                let mut batch = run(w);
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let mut n = 0;
                    loop {
                        let k = batch();
                        if k == 0 {
                            break n;
                        }
                        n += k;
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    });
    (start.elapsed().as_secs_f64(), fired)
}

fn timers_case(f: &mut Fixture) {
    let now = Timestamp::now().as_micros();
    let armed = arm_timers(f, now - 2_000_000);
    let (target, prefix) = (f.target.clone(), f.prefix.clone());
    let (ours, fired) = drain(|_| {
        let store = Store::open_with(&target, &TablePrefix::new(&prefix).unwrap()).unwrap();
        Box::new(move || {
            store
                .fire_due::<AnyLamp>(Timestamp::from_micros(now), TIMER_BATCH)
                .unwrap()
        })
    });
    assert_eq!(i64::try_from(fired).unwrap(), armed);
    let armed = arm_timers(f, now - 2_000_000);
    let raws: Vec<std::sync::Mutex<Option<Box<dyn Raw>>>> = (0..WORKERS)
        .map(|_| std::sync::Mutex::new(Some(f.raw.another())))
        .collect();
    let prefix_tables = &f.prefix;
    let (hand, hand_fired) = drain(|w| {
        let mut raw = raws[w].lock().unwrap().take().unwrap();
        let tables = Tables::new(prefix_tables);
        Box::new(move || raw.drain_batch(&tables, now, TIMER_BATCH))
    });
    assert_eq!(i64::try_from(hand_fired).unwrap(), armed);
    println!(
        "  timers: {armed} due at once, {WORKERS} workers, batches of {TIMER_BATCH}: \
         fire_due {ours:.2} s ({:.0}/s), hand-written loop {hand:.2} s ({:.0}/s); \
         throughput ratio ours/hand {:.2}",
        fired as f64 / ours,
        hand_fired as f64 / hand,
        hand / ours
    );
}

fn run(backend: &str, big: u64, cases: &str) {
    let small = 1_000;
    println!("scale: {backend}");
    let mut large = fixture(backend, big);
    let wanted = |case: &str| cases == "all" || cases.split(',').any(|c| c == case);
    if wanted("fire") {
        fire_cases(&mut large, backend, big, small);
    }
    if wanted("pages") {
        page_cases(&mut large);
    }
    if wanted("timers") {
        timers_case(&mut large);
    }
    // Named only: it is SQLite's, and a diagnosis rather than a goal.
    if backend == "sqlite" && cases.split(',').any(|c| c == "checkpoints") {
        checkpoint_case(&mut large, big, small);
    }
    drop(large);
}

/// `fire` at both sizes in alternating blocks, then one entity's history.
fn fire_cases(large: &mut Fixture, backend: &str, big: u64, small: u64) {
    let little = fixture(backend, small);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Warm both (caches, prepared statements), then alternate blocks.
    let (mut on_large, mut on_small) = (Vec::new(), Vec::new());
    fire_block(large, &mut rng, 200, &mut Vec::new());
    fire_block(&little, &mut rng, 200, &mut Vec::new());
    // A pause after each block lets the store's own checkpoint thread
    // (SQLite) finish, so that one store's checkpoint does not land in
    // the other's block: the two files share a disk.
    let settle = || std::thread::sleep(Duration::from_millis(300));
    for _ in 0..5 {
        fire_block(large, &mut rng, 400, &mut on_large);
        settle();
        fire_block(&little, &mut rng, 400, &mut on_small);
        settle();
    }
    let (l50, l99) = summary(on_large);
    let (s50, s99) = summary(on_small);
    println!(
        "  fire: {big} entities p50 {l50:.3} ms p99 {l99:.3} ms; {small} entities p50 {s50:.3} ms \
         p99 {s99:.3} ms; ratio p50 {:.2} p99 {:.2}",
        l50 / s50,
        l99 / s99
    );
    let (h50, h99) = history_case(large, &mut rng, 1000);
    println!("  history of one entity (10 records) among {big}: p50 {h50:.3} ms p99 {h99:.3} ms");
    drop(little);
}

/// What SQLite's WAL checkpoints cost at each size, to tell whether they
/// make `fire`'s p99: the pages a fire appends to the WAL (its file's
/// growth over a block of fires after a `TRUNCATE` checkpoint, fewer
/// fires than fill SQLite's automatic checkpoint of 1,000 pages), and
/// the time to checkpoint them, per 1,000 pages, the size at which the
/// firing connection checkpoints by itself.
fn checkpoint_case(large: &mut Fixture, big: u64, small: u64) {
    const FIRES: usize = 40;
    let mut little = fixture("sqlite", small);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (f, size) in [(&mut *large, big), (&mut little, small)] {
        let wal = PathBuf::from(format!("{}-wal", f.target));
        let page = u64::try_from(f.raw.count("PRAGMA page_size")).unwrap();
        let mut pages = Vec::new();
        let mut per_thousand = Vec::new();
        for _ in 0..10 {
            f.raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
            fire_block(f, &mut rng, FIRES, &mut Vec::new());
            // A WAL frame is a page and its 24-byte header, after the
            // file's 32-byte header.
            let bytes = std::fs::metadata(&wal).map_or(0, |m| m.len());
            let frames = bytes.saturating_sub(32) / (page + 24);
            let start = Instant::now();
            f.raw.exec("PRAGMA wal_checkpoint(PASSIVE)");
            let took = start.elapsed().as_secs_f64() * 1e3;
            pages.push(frames as f64 / FIRES as f64);
            per_thousand.push(took * 1000.0 / frames.max(1) as f64);
        }
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let per_fire = median(pages);
        println!(
            "  checkpoints at {size} entities: {per_fire:.1} WAL pages a fire, so the firing \
             connection checkpoints every {:.0} fires; a checkpoint of 1,000 pages {:.2} ms \
             (medians of 10 blocks of {FIRES} fires)",
            1000.0 / per_fire,
            median(per_thousand)
        );
    }
}

/// Pages of one state by key, on the schema's by-state key index.
fn page_cases(large: &mut Fixture) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    println!("  page plan: {}", large.raw.plan(&large.tables));
    let (p50, p99) = pages_case(large, &mut rng, 5, 100);
    println!(
        "  a page of {PAGE} in state `on`, by key, `entity_page`: p50 {p50:.3} ms p99 {p99:.3} ms"
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let big: u64 = std::env::var("SCALE_ENTITIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let backends = std::env::var("SCALE_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let cases = std::env::var("SCALE_CASES").unwrap_or_else(|_| "all".into());
    for backend in backends.split(',') {
        if backend == "postgres" && std::env::var("STATEFORGE_PG_URL").is_err() {
            println!("scale: postgres skipped (no STATEFORGE_PG_URL)");
            continue;
        }
        run(backend, big, &cases);
    }
}
