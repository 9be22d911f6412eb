//! The transactional outbox: messages commit (or not) with their
//! transition, and workers deliver them at least once, in order per
//! entity, sharing the outbox, surviving being killed.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use stateforge::runtime::db::{
    OutboxMessage, OutboxWorker, Store, StoreOptions, TablePrefix, TransitionMeta,
};
use tokio_util::sync::CancellationToken;

use crate::pg_fixture::PgFixture;

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Account {
        initial state Open;
        final state Closed;
        event post: Open -> Open;
        event close: Open -> Closed;
    }
}

/// A store on a fresh SQLite file, and the one on the PostgreSQL
/// fixture's tables when there is a server.
async fn stores(test: &str) -> Vec<(Store, Option<PgFixture>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::sqlite(dir.path().join("outbox.db")).await.unwrap();
    let mut out = vec![(sqlite, None, dir)];
    if let Some(pg) = PgFixture::new(test) {
        let store = pg.async_store().await;
        out.push((store, Some(pg), tempfile::tempdir().unwrap()));
    }
    out
}

/// Fires `post` on `entity` with one message whose payload is `seq`.
async fn post(store: &Store, entity: &str, seq: u64) {
    let meta = TransitionMeta::new().message("posted", serde_json::json!({ "seq": seq }));
    store
        .fire::<AnyAccount>(entity, AccountEvent::Post, &meta)
        .await
        .unwrap();
}

fn seq_of(m: &OutboxMessage) -> u64 {
    m.payload["seq"].as_u64().unwrap()
}

/// Delivers everything with one worker; the messages in delivery order.
async fn drain(store: &Store) -> Vec<OutboxMessage> {
    let seen = Mutex::new(Vec::new());
    let worker = OutboxWorker::new().batch(7);
    while worker
        .deliver_once(store, |m: OutboxMessage| {
            seen.lock().unwrap().push(m);
            async { Ok::<(), String>(()) }
        })
        .await
        .unwrap()
        > 0
    {}
    seen.into_inner().unwrap()
}

/// Messages of a committed fire or unit are delivered, those of a unit
/// rolled back or a refused fire never are; each entity's arrive in the
/// order written, each once, with distinct keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_commit_with_their_transition_and_arrive_in_order() {
    for (store, _pg, _dir) in stores("outbox_commit").await {
        for e in ["a", "b", "c"] {
            store
                .create(e, &AnyAccount::from(Account::new()), &TransitionMeta::new())
                .await
                .unwrap();
        }
        for seq in 1..=10 {
            for e in ["a", "b", "c"] {
                post(&store, e, seq).await;
            }
        }
        // Rolled back: its message goes with it.
        let mut unit = store.begin().await.unwrap();
        let meta = TransitionMeta::new().message("posted", serde_json::json!({ "seq": 99 }));
        unit.fire::<AnyAccount>("a", AccountEvent::Post, &meta)
            .await
            .unwrap();
        unit.enqueue("account", "a", "note", serde_json::json!({ "seq": 98 }))
            .await
            .unwrap();
        unit.rollback();
        // Refused: nothing written.
        store
            .fire::<AnyAccount>("c", AccountEvent::Close, &TransitionMeta::new())
            .await
            .unwrap();
        let refused = TransitionMeta::new().message("posted", serde_json::json!({ "seq": 97 }));
        assert!(
            store
                .fire::<AnyAccount>("c", AccountEvent::Post, &refused)
                .await
                .is_err()
        );
        // The caller's own message, in a committed unit.
        let mut unit = store.begin().await.unwrap();
        unit.enqueue("account", "b", "note", serde_json::json!({ "seq": 11 }))
            .await
            .unwrap();
        unit.commit().await.unwrap();

        let delivered = drain(&store).await;
        let mut per_entity: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for m in &delivered {
            per_entity
                .entry(m.entity_id.clone())
                .or_default()
                .push(seq_of(m));
        }
        let expected: Vec<u64> = (1..=10).collect();
        assert_eq!(per_entity["a"], expected, "{}", store.backend());
        assert_eq!(per_entity["b"], (1..=11).collect::<Vec<_>>());
        assert_eq!(per_entity["c"], expected);
        let keys: std::collections::HashSet<_> = delivered.iter().map(|m| &m.key).collect();
        assert_eq!(keys.len(), delivered.len());
        assert!(
            drain(&store).await.is_empty(),
            "acknowledged messages are gone"
        );
    }
}

/// A handler that fails stops at that message: the entity's later ones
/// wait, and the next batch starts again from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_delivery_is_retried_before_the_entitys_later_messages() {
    for (store, _pg, _dir) in stores("outbox_retry").await {
        store
            .create(
                "a",
                &AnyAccount::from(Account::new()),
                &TransitionMeta::new(),
            )
            .await
            .unwrap();
        for seq in 1..=3 {
            post(&store, "a", seq).await;
        }
        let seen = Mutex::new(Vec::new());
        let fail_on_two = |m: OutboxMessage| {
            let ok = seq_of(&m) != 2;
            if ok {
                seen.lock().unwrap().push(seq_of(&m));
            }
            async move { if ok { Ok(()) } else { Err("receiver down") } }
        };
        let worker = OutboxWorker::new();
        assert_eq!(worker.deliver_once(&store, fail_on_two).await.unwrap(), 1);
        assert_eq!(worker.deliver_once(&store, fail_on_two).await.unwrap(), 0);
        let rest: Vec<u64> = drain(&store).await.iter().map(seq_of).collect();
        assert_eq!((seen.into_inner().unwrap(), rest), (vec![1], vec![2, 3]));
    }
}

/// Four workers on one PostgreSQL outbox: every message delivered once,
/// each entity's in order, though the workers take turns at random.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_workers_share_the_outbox_in_order_per_entity() {
    let Some(pg) = PgFixture::new("outbox_four_workers") else {
        return;
    };
    let store = pg.async_store().await;
    const ENTITIES: usize = 20;
    const PER_ENTITY: u64 = 15;
    for e in 0..ENTITIES {
        let id = format!("e-{e}");
        store
            .create(
                &id,
                &AnyAccount::from(Account::new()),
                &TransitionMeta::new(),
            )
            .await
            .unwrap();
        for seq in 1..=PER_ENTITY {
            post(&store, &id, seq).await;
        }
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    let stop = CancellationToken::new();
    let mut workers = Vec::new();
    for _ in 0..4 {
        let (store, stop, log) = (store.clone(), stop.clone(), Arc::clone(&log));
        workers.push(tokio::spawn(async move {
            let handler = move |m: OutboxMessage| {
                let log = Arc::clone(&log);
                async move {
                    // A slow receiver, so that the workers overlap.
                    tokio::time::sleep(Duration::from_micros(200)).await;
                    log.lock().unwrap().push((m.entity_id.clone(), seq_of(&m)));
                    Ok::<(), String>(())
                }
            };
            OutboxWorker::new()
                .batch(5)
                .poll_interval(Duration::from_millis(10))
                .run(&store, handler, stop)
                .await;
        }));
    }
    let total = ENTITIES * PER_ENTITY as usize;
    for _ in 0..600 {
        if log.lock().unwrap().len() >= total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.cancel();
    for w in workers {
        w.await.unwrap();
    }
    let log = log.lock().unwrap().clone();
    assert_eq!(log.len(), total);
    let mut per_entity: HashMap<String, Vec<u64>> = HashMap::new();
    for (entity, seq) in log {
        per_entity.entry(entity).or_default().push(seq);
    }
    for (entity, seqs) in per_entity {
        assert_eq!(seqs, (1..=PER_ENTITY).collect::<Vec<_>>(), "{entity}");
    }
}

const CHILD_URL: &str = "STATEFORGE_OUTBOX_CHILD_URL";
const CHILD_PREFIX: &str = "STATEFORGE_OUTBOX_CHILD_PREFIX";
const CHILD_LOG: &str = "STATEFORGE_OUTBOX_CHILD_LOG";

/// The worker the parent kills: it writes each message's key to the log
/// (before acknowledging it) until killed. A no-op unless the parent
/// started it.
#[test]
fn outbox_child() {
    let (Ok(url), Ok(prefix), Ok(log)) = (
        std::env::var(CHILD_URL),
        std::env::var(CHILD_PREFIX),
        std::env::var(CHILD_LOG),
    ) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let prefix = TablePrefix::new(&prefix).unwrap();
        let store = Store::open_with(&url, &prefix, &StoreOptions::new())
            .await
            .unwrap();
        let log = Arc::new(Mutex::new(
            std::fs::OpenOptions::new().append(true).open(&log).unwrap(),
        ));
        let handler = move |m: OutboxMessage| {
            let log = Arc::clone(&log);
            async move {
                // One write per line: a kill never leaves half of one.
                let line = format!("{} {} {}\n", m.key, m.entity_id, seq_of(&m));
                log.lock().unwrap().write_all(line.as_bytes()).unwrap();
                tokio::time::sleep(Duration::from_millis(1)).await;
                Ok::<(), String>(())
            }
        };
        // The parent times its kill from here, past the start-up.
        println!("outbox child ready");
        std::io::stdout().flush().unwrap();
        OutboxWorker::new()
            .batch(10)
            .poll_interval(Duration::from_millis(5))
            .run(&store, handler, CancellationToken::new())
            .await;
    });
}

/// xorshift: a few random delays need no dependency.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// A worker process killed (SIGKILL) mid-delivery 50 times: every message
/// is delivered, each entity's in order, and a message is delivered again
/// only when a kill came after its delivery and before its
/// acknowledgement committed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_fifty_times_loses_no_message() {
    let Some(pg) = PgFixture::new("outbox_killed") else {
        return;
    };
    let store = pg.async_store().await;
    const ENTITIES: usize = 10;
    const PER_ENTITY: u64 = 200;
    for e in 0..ENTITIES {
        let id = format!("e-{e}");
        store
            .create(
                &id,
                &AnyAccount::from(Account::new()),
                &TransitionMeta::new(),
            )
            .await
            .unwrap();
        let mut unit = store.begin().await.unwrap();
        for seq in 1..=PER_ENTITY {
            unit.enqueue("account", &id, "posted", serde_json::json!({ "seq": seq }))
                .await
                .unwrap();
        }
        unit.commit().await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("delivered.log");
    std::fs::File::create(&log_path).unwrap();
    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64)
        | 1;
    for _ in 0..50 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "outbox::outbox_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_URL, &pg.url)
            .env(CHILD_PREFIX, pg.prefix.as_str())
            .env(CHILD_LOG, &log_path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while std::io::BufRead::read_line(&mut out, &mut line).unwrap() > 0
            && !line.contains("outbox child ready")
        {
            line.clear();
        }
        std::thread::sleep(Duration::from_millis(30 + next(&mut seed) % 120));
        child.kill().unwrap(); // SIGKILL on Unix: no destructor, no commit
        child.wait().unwrap();
        let mut log = std::fs::OpenOptions::new()
            .append(true)
            .open(&log_path)
            .unwrap();
        writeln!(log, "KILL").unwrap();
    }
    // What is left, delivered by a worker that is not killed, once the
    // server has ended the killed workers' transactions (their messages
    // stay locked until it notices).
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let count = format!("SELECT count(*) FROM {}sf_outbox", pg.prefix.as_str());
    let mut rest = Vec::new();
    for _ in 0..600 {
        rest.extend(drain(&store).await);
        let left: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count.clone()))
            .fetch_one(&pool)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(&log_path)
        .unwrap();
    for m in &rest {
        writeln!(log, "{} {} {}", m.key, m.entity_id, seq_of(m)).unwrap();
    }
    drop(log);
    let text = std::fs::read_to_string(&log_path).unwrap();
    let mut last_seen: HashMap<String, usize> = HashMap::new();
    let mut kills_before: Vec<usize> = Vec::new();
    let mut kills = 0;
    let mut next_seq: HashMap<String, u64> = HashMap::new();
    let mut duplicates = 0;
    for (line_no, line) in text.lines().enumerate() {
        if line == "KILL" {
            kills += 1;
            kills_before.push(line_no);
            continue;
        }
        let mut parts = line.split(' ');
        let (key, entity, seq) = (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().parse::<u64>().unwrap(),
        );
        if let Some(previous) = last_seen.get(&key) {
            // Delivered again: a kill came between the two deliveries.
            assert!(
                kills_before.iter().any(|k| k > previous && *k < line_no),
                "`{key}` delivered twice with no kill between (lines {previous}, {line_no})"
            );
            duplicates += 1;
        }
        last_seen.insert(key, line_no);
        // In order per entity: the next message, or one delivered again
        // (never one skipped ahead).
        let expected = next_seq.entry(entity.clone()).or_insert(1);
        assert!(
            seq <= *expected,
            "{entity}: {seq} delivered before {expected}"
        );
        if seq == *expected {
            *expected += 1;
        }
    }
    eprintln!(
        "50 kills: {} deliveries of {} messages ({duplicates} again after a lost acknowledgement); {} left for the last worker",
        text.lines().count() - 50,
        last_seen.len(),
        rest.len()
    );
    assert_eq!(kills, 50);
    for e in 0..ENTITIES {
        assert_eq!(
            next_seq[&format!("e-{e}")],
            PER_ENTITY + 1,
            "e-{e}: every message delivered"
        );
    }
    assert_eq!(last_seen.len(), ENTITIES * PER_ENTITY as usize);
    assert!(
        rest.len() < ENTITIES * PER_ENTITY as usize,
        "the killed workers delivered some: {} left",
        rest.len()
    );
}
