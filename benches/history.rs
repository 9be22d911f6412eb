//! Reading history: `history(&HistoryQuery)` beside the hand-written
//! `SELECT` of the same rows, decoded into the same `HistoryRecord`, on
//! SQLite and (when `STATEFORGE_PG_URL` is set) on PostgreSQL.
//!
//! The store's history table holds 1,000,000 records: 1,000 entities of
//! machine `light` with 1,000 records each, every entity in a session of its
//! own, written version by version across all entities (so one entity's or
//! one session's records are spread over the whole table, as they are when
//! many entities move at once). They are inserted with raw SQL into the
//! store's own tables: one transaction of prepared inserts on SQLite (the
//! file is kept under the target directory and reused while it holds the
//! 1,000,000 rows), `COPY` on PostgreSQL (tables under a prefix of this run,
//! `ANALYZE`d after the load, dropped at the end).
//!
//! Cases: (a) the 1,000 records of one entity; (b) 100 records of one
//! session: the first page (`HistoryQuery::session(..).limit(100)`), and
//! the latest 100 (`.newest_first().limit(100)`; by hand `ORDER BY id DESC
//! LIMIT 100`), both newest first.
//!
//! Run: `STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench history -- --warm-up-time 1 --measurement-time 5`.

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::hint::black_box;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, SamplingMode};
use stateforge::HistoryRecord;
use stateforge::Timestamp;
use stateforge::runtime::db::{HistoryQuery, PgStore, SqliteStore, Synchronous, TablePrefix};

const ENTITIES: u32 = 1_000;
const VERSIONS: u32 = 1_000;
const TOTAL: i64 = (ENTITIES as i64) * (VERSIONS as i64);
/// The entity and the session read.
const ENTITY: &str = "e0500";
const SESSION: &str = "s0500";
const BASE_AT: i64 = 1_700_000_000_000_000;

const COLUMNS: &str = "machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version";

/// The record of `entity` at `version` (1 is its creation).
struct Gen {
    entity_id: String,
    from: Option<&'static str>,
    to: &'static str,
    event: Option<&'static str>,
    actor: String,
    session: String,
    at: i64,
    version: i64,
}

fn gen_row(version: u32, entity: u32) -> Gen {
    let state = |v: u32| if v % 2 == 1 { "off" } else { "on" };
    Gen {
        entity_id: format!("e{entity:04}"),
        from: (version > 1).then(|| state(version - 1)),
        to: state(version),
        event: (version > 1).then_some("toggle"),
        actor: format!("worker-{}", entity % 16),
        session: format!("s{entity:04}"),
        at: BASE_AT + i64::from(version) * 1_000_000 + i64::from(entity),
        version: i64::from(version),
    }
}

/// In table order: version by version, every entity.
fn all_rows() -> impl Iterator<Item = Gen> {
    (1..=VERSIONS).flat_map(|v| (0..ENTITIES).map(move |e| gen_row(v, e)))
}

fn metadata(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
}

// ---------------------------------------------------------------- SQLite

fn sqlite_path() -> PathBuf {
    // target/<profile>/deps/history-<hash> -> target/bench-data/
    let exe = std::env::current_exe().unwrap();
    let target = exe
        .parent()
        .and_then(|deps| deps.parent())
        .and_then(|profile| profile.parent())
        .unwrap()
        .to_path_buf();
    let dir = target.join("bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("history-1m.db")
}

fn sqlite_count(conn: &rusqlite::Connection) -> i64 {
    conn.query_row("SELECT COUNT(*) FROM sf_history", [], |r| r.get(0))
        .unwrap_or(0)
}

/// The store on a file holding the 1,000,000 records, filled if needed.
fn sqlite_fixture() -> (SqliteStore, rusqlite::Connection) {
    let path = sqlite_path();
    let reuse = rusqlite::Connection::open(&path)
        .map(|c| sqlite_count(&c) == TOTAL)
        .unwrap_or(false);
    if !reuse {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let start = Instant::now();
        let store =
            SqliteStore::open_with(&path, &TablePrefix::default(), Synchronous::Normal).unwrap();
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "synchronous", "OFF").unwrap();
        let tx = conn.transaction().unwrap();
        {
            let mut insert = tx
                .prepare(&format!(
                    "INSERT INTO sf_history ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, 'null', ?9)"
                ))
                .unwrap();
            for r in all_rows() {
                insert
                    .execute(rusqlite::params![
                        "light",
                        r.entity_id,
                        r.from,
                        r.to,
                        r.event,
                        r.actor,
                        r.session,
                        r.at,
                        r.version
                    ])
                    .unwrap();
            }
            let mut entity = tx
                .prepare(
                    "INSERT INTO sf_entities VALUES ('light', ?1, 'off', '{\"context\":0,\"data\":null}', ?2, 'f', ?3, 0, 0)",
                )
                .unwrap();
            for e in 0..ENTITIES {
                entity
                    .execute(rusqlite::params![
                        format!("e{e:04}"),
                        i64::from(VERSIONS),
                        format!("s{e:04}")
                    ])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
        drop(store);
        println!(
            "history: filled {} with {TOTAL} records in {:.1} s",
            path.display(),
            start.elapsed().as_secs_f64()
        );
    } else {
        println!("history: reusing {} ({TOTAL} records)", path.display());
    }
    let store =
        SqliteStore::open_with(&path, &TablePrefix::default(), Synchronous::Normal).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let plan = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> String {
        conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(params, |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
            .join("; ")
    };
    println!(
        "history: sqlite plan, hand-written, entity: {}",
        plan(HAND_ENTITY_SQLITE, rusqlite::params![ENTITY])
    );
    (store, conn)
}

fn sqlite_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryRecord> {
    Ok(HistoryRecord {
        machine: r.get(0)?,
        entity_id: r.get(1)?,
        from: r.get(2)?,
        to: r.get(3)?,
        event: r.get(4)?,
        reason: r.get(5)?,
        actor: r.get(6)?,
        session: r.get(7)?,
        at: Timestamp::from_micros(r.get(8)?),
        metadata: metadata(r.get(9)?),
        version: u64::try_from(r.get::<_, i64>(10)?).unwrap_or(0),
    })
}

fn sqlite_hand(conn: &rusqlite::Connection, sql: &str, key: &str) -> Vec<HistoryRecord> {
    let mut stmt = conn.prepare_cached(sql).unwrap();
    stmt.query_map([key], sqlite_record)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const HAND_ENTITY_SQLITE: &str = "SELECT machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version
     FROM sf_history WHERE machine = 'light' AND entity_id = ?1 ORDER BY id";
const HAND_SESSION_FIRST_SQLITE: &str = "SELECT machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version
     FROM sf_history WHERE session = ?1 ORDER BY id LIMIT 100";
const HAND_SESSION_LATEST_SQLITE: &str = "SELECT machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version
     FROM sf_history WHERE session = ?1 ORDER BY id DESC LIMIT 100";

fn queries() -> [(&'static str, HistoryQuery); 3] {
    [
        (
            "(a) 1,000 records of one entity",
            HistoryQuery::entity("light", ENTITY),
        ),
        (
            "(b) first 100 records of one session",
            HistoryQuery::session(SESSION).limit(100),
        ),
        (
            "(b) latest 100 records of one session",
            HistoryQuery::session(SESSION).newest_first().limit(100),
        ),
    ]
}

fn sqlite(c: &mut Criterion) {
    let (store, conn) = sqlite_fixture();
    let hand_sql = [
        HAND_ENTITY_SQLITE,
        HAND_SESSION_FIRST_SQLITE,
        HAND_SESSION_LATEST_SQLITE,
    ];
    for ((case, query), sql) in queries().into_iter().zip(hand_sql) {
        let key = query
            .entity_id
            .clone()
            .or_else(|| query.session.clone())
            .unwrap();
        let hand = || sqlite_hand(&conn, sql, &key);
        let ours = store.history(&query).unwrap();
        assert_eq!(ours, hand(), "same rows in the same order");
        assert!(!ours.is_empty());
        let mut group = c.benchmark_group(format!("sqlite history {case}"));
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("stateforge history", |b| {
            b.iter(|| black_box(store.history(&query).unwrap()));
        });
        group.bench_function("hand-written SELECT", |b| b.iter(|| black_box(hand())));
        group.finish();
    }
}

// ------------------------------------------------------------ PostgreSQL

struct Dropping(PgStore);

impl Drop for Dropping {
    fn drop(&mut self) {
        if let Err(e) = self.0.drop_tables() {
            eprintln!("history: could not drop tables: {e}");
        }
    }
}

fn pg_fixture(url: &str) -> (Dropping, postgres::Client, String) {
    let prefix = format!("sfh{}_", std::process::id());
    let store = Dropping(PgStore::connect_with(url, &TablePrefix::new(&prefix).unwrap()).unwrap());
    let history = format!("{prefix}sf_history");
    let entities = format!("{prefix}sf_entities");
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let start = Instant::now();
    {
        let mut w = client
            .copy_in(&format!(
                "COPY {history} ({COLUMNS}) FROM STDIN WITH (FORMAT text)"
            ))
            .unwrap();
        let mut buf = Vec::with_capacity(1 << 20);
        for r in all_rows() {
            writeln!(
                buf,
                "light\t{}\t{}\t{}\t{}\t\\N\t{}\t{}\t{}\tnull\t{}",
                r.entity_id,
                r.from.unwrap_or("\\N"),
                r.to,
                r.event.unwrap_or("\\N"),
                r.actor,
                r.session,
                r.at,
                r.version
            )
            .unwrap();
            if buf.len() > (1 << 20) {
                w.write_all(&buf).unwrap();
                buf.clear();
            }
        }
        w.write_all(&buf).unwrap();
        w.finish().unwrap();
    }
    client
        .batch_execute(&format!(
            "INSERT INTO {entities} SELECT 'light', 'e' || lpad(e::text, 4, '0'), 'off',
                '{{\"context\":0,\"data\":null}}', {VERSIONS}, 'f', 's' || lpad(e::text, 4, '0'), 0, 0
             FROM generate_series(0, {last}) e;
             ANALYZE {history}; ANALYZE {entities};",
            last = ENTITIES - 1
        ))
        .unwrap();
    println!(
        "history: COPY of {TOTAL} records into {history} and ANALYZE in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    (store, client, history)
}

fn pg_record(r: &postgres::Row) -> HistoryRecord {
    HistoryRecord {
        machine: r.get(0),
        entity_id: r.get(1),
        from: r.get(2),
        to: r.get(3),
        event: r.get(4),
        reason: r.get(5),
        actor: r.get(6),
        session: r.get(7),
        at: Timestamp::from_micros(r.get(8)),
        metadata: metadata(r.get(9)),
        version: u64::try_from(r.get::<_, i64>(10)).unwrap_or(0),
    }
}

fn postgres(c: &mut Criterion, url: &str) {
    let (store, mut client, history) = pg_fixture(url);
    let hand_sql = [
        format!(
            "SELECT {COLUMNS} FROM {history} WHERE machine = 'light' AND entity_id = $1 ORDER BY id"
        ),
        format!("SELECT {COLUMNS} FROM {history} WHERE session = $1 ORDER BY id LIMIT 100"),
        format!("SELECT {COLUMNS} FROM {history} WHERE session = $1 ORDER BY id DESC LIMIT 100"),
    ];
    for ((case, query), sql) in queries().into_iter().zip(hand_sql) {
        let key = query
            .entity_id
            .clone()
            .or_else(|| query.session.clone())
            .unwrap();
        let plan: Vec<String> = client
            .query(
                &format!("EXPLAIN {}", sql.replace("$1", &format!("'{key}'"))),
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        println!(
            "history: pg plan, hand-written, {case}: {}",
            plan.join(" | ")
        );
        let stmt = client.prepare(&sql).unwrap();
        let mut hand = || -> Vec<HistoryRecord> {
            client
                .query(&stmt, &[&key])
                .unwrap()
                .iter()
                .map(pg_record)
                .collect()
        };
        let ours = store.0.history(&query).unwrap();
        assert_eq!(ours, hand(), "same rows in the same order");
        let mut group = c.benchmark_group(format!("pg history {case}"));
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        group.bench_function("stateforge history", |b| {
            b.iter(|| black_box(store.0.history(&query).unwrap()));
        });
        group.bench_function("hand-written SELECT (prepared)", |b| {
            b.iter(|| black_box(hand()))
        });
        group.finish();
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    sqlite(&mut c);
    match std::env::var("STATEFORGE_PG_URL") {
        Ok(url) if !url.is_empty() => postgres(&mut c, &url),
        _ => println!("history: STATEFORGE_PG_URL is not set; PostgreSQL skipped"),
    }
    c.final_summary();
}
