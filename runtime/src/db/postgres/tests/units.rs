//! Units of work: locking entities up front, waits bounded by the lock
//! timeout, and a unit dropped before its commit.

use std::time::{Duration, Instant};

use super::{MACHINE, PATIENCE, fresh, insert, pg_url, version_of, write};
use crate::db::backend::{Backend, Connection, Scope};
use crate::db::{StoreError, StoreOptions, TransientKind, TransitionMeta};

#[tokio::test(flavor = "multi_thread")]
async fn lock_entities_locks_them_and_names_the_first_missing() {
    let Some(url) = pg_url() else { return };
    let options = StoreOptions::new().lock_timeout(Duration::from_millis(200));
    let b = fresh(&url, "sqlx_locks_", &options).await;
    for id in ["a", "b", "c"] {
        insert(&b, id, "closed", None).await;
    }
    let mut c = b.begin(Scope::Unit).await.unwrap();
    assert_eq!(c.lock_entities(MACHINE, &[]).await.unwrap(), None);
    assert_eq!(
        c.lock_entities(MACHINE, &["c", "a", "b"]).await.unwrap(),
        None
    );
    assert_eq!(
        c.lock_entities(MACHINE, &["b", "x", "a", "y"])
            .await
            .unwrap(),
        Some("x".to_owned())
    );

    // Another unit waits for them at most the lock timeout.
    let mut other = b.begin(Scope::Unit).await.unwrap();
    let started = Instant::now();
    let waited = other.row(MACHINE, "a", true).await;
    assert!(
        matches!(
            waited,
            Err(StoreError::Transient {
                kind: TransientKind::LockTimeout,
                ..
            })
        ),
        "{waited:?}"
    );
    assert!(started.elapsed() < PATIENCE);
    drop(other);
    // A single operation's write waits as long, and writes nothing.
    let meta = TransitionMeta::new();
    let mut single = b.begin(Scope::Single).await.unwrap();
    let w = write("b", 1, &["closed"], "open", &meta, None);
    let blocked = single.write(&w).await;
    assert!(
        matches!(
            blocked,
            Err(StoreError::Transient {
                kind: TransientKind::LockTimeout,
                ..
            })
        ),
        "{blocked:?}"
    );
    // Without the lock a single read does not wait.
    let read = single.row(MACHINE, "a", true).await.unwrap();
    assert_eq!(read.unwrap().unwrap().version, 1);
    drop(single);
    c.commit().await.unwrap();
    b.drop_tables().await.unwrap();
    b.close().await;
}

/// A unit whose future is dropped after its write (a cancelled task, a
/// timeout) rolls back, and its connection serves the next operation.
#[tokio::test(flavor = "multi_thread")]
async fn a_unit_dropped_mid_transaction_rolls_back_and_the_pool_still_serves() {
    let Some(url) = pg_url() else { return };
    // One connection: the next operation gets the same one back.
    let options = StoreOptions::new().max_connections(1);
    let b = fresh(&url, "sqlx_dropped_", &options).await;
    insert(&b, "d", "closed", None).await;
    let meta = TransitionMeta::new();
    let unit = async {
        let mut c = b.begin(Scope::Unit).await?;
        let w = write("d", 1, &["closed"], "open", &meta, None);
        assert_eq!(c.write(&w).await?, Some(2));
        std::future::pending::<()>().await;
        c.commit().await
    };
    let cut = tokio::time::timeout(Duration::from_millis(300), unit).await;
    assert!(cut.is_err(), "the unit never ends by itself");
    assert_eq!(version_of(&b, "d").await, Some((1, "closed".to_owned())));
    // The same write, in a new unit, on the same connection.
    let mut c = tokio::time::timeout(PATIENCE, b.begin(Scope::Unit))
        .await
        .expect("the pool's one connection came back")
        .unwrap();
    let w = write("d", 1, &["closed"], "open", &meta, None);
    assert_eq!(c.write(&w).await.unwrap(), Some(2));
    c.commit().await.unwrap();
    assert_eq!(version_of(&b, "d").await, Some((2, "open".to_owned())));

    // Dropped as a value, uncommitted, it rolls back too.
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let w = write("d", 2, &["open"], "closed", &meta, None);
    assert_eq!(c.write(&w).await.unwrap(), Some(3));
    drop(c);
    assert_eq!(version_of(&b, "d").await, Some((2, "open".to_owned())));
    b.drop_tables().await.unwrap();
    b.close().await;
}

/// A connection the server ends in the middle of a unit (a terminated
/// backend, a restart) fails the unit with a transient connection error,
/// nothing half-written, and the pool serves the next one on a new
/// connection.
#[tokio::test(flavor = "multi_thread")]
async fn a_connection_lost_mid_unit_is_transient_and_the_pool_serves_on() {
    let Some(url) = pg_url() else { return };
    let options = StoreOptions::new().max_connections(1);
    let b = fresh(&url, "sqlx_lost_", &options).await;
    insert(&b, "d", "closed", None).await;
    let meta = TransitionMeta::new();
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let w = write("d", 1, &["closed"], "open", &meta, None);
    assert_eq!(c.write(&w).await.unwrap(), Some(2));
    let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(c.reader())
        .await
        .unwrap();
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(pid)
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let lost = c.row(MACHINE, "d", true).await;
    assert!(
        matches!(
            lost,
            Err(StoreError::Transient {
                kind: TransientKind::Connection,
                ..
            })
        ),
        "{lost:?}"
    );
    assert!(c.commit().await.is_err(), "a lost unit does not commit");
    assert_eq!(version_of(&b, "d").await, Some((1, "closed".to_owned())));
    let mut c = tokio::time::timeout(PATIENCE, b.begin(Scope::Unit))
        .await
        .expect("the pool made a new connection")
        .unwrap();
    assert_eq!(c.write(&w).await.unwrap(), Some(2));
    c.commit().await.unwrap();
    b.drop_tables().await.unwrap();
    b.close().await;
}

/// Units spawned as tasks on a multi-thread runtime, all moving one
/// entity through a small pool: each waits its turn on the row's lock,
/// none loses a transition, and every one leaves its history record.
#[tokio::test(flavor = "multi_thread")]
async fn units_spawned_as_tasks_take_turns_on_a_row() {
    let Some(url) = pg_url() else { return };
    let options = StoreOptions::new().max_connections(3);
    let b = std::sync::Arc::new(fresh(&url, "sqlx_tasks_", &options).await);
    insert(&b, "d", "closed", None).await;
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let b = std::sync::Arc::clone(&b);
            tokio::spawn(async move {
                let meta = TransitionMeta::new().actor("task");
                let mut c = b.begin(Scope::Unit).await?;
                let row = c.row(MACHINE, "d", true).await?.expect("d exists")?;
                let (from, to) = if row.state == "closed" {
                    ("closed", "open")
                } else {
                    ("open", "closed")
                };
                let sources = [from];
                let w = write("d", row.version, &sources, to, &meta, Some(&[]));
                let written = c.write(&w).await?;
                c.commit().await?;
                Ok::<_, StoreError>(written)
            })
        })
        .collect();
    for task in tasks {
        let written = task.await.unwrap().unwrap();
        assert!(written.is_some(), "a locked row never moves under a unit");
    }
    assert_eq!(version_of(&b, "d").await, Some((13, "closed".to_owned())));
    let mut c = b.begin(Scope::Single).await.unwrap();
    let history = c
        .history(&crate::db::HistoryQuery::entity(MACHINE, "d"))
        .await
        .unwrap();
    assert_eq!(history.len(), 12);
    drop(c);
    b.drop_tables().await.unwrap();
    b.close().await;
}
