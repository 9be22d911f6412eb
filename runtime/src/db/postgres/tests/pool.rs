//! The pool: bounded, the application's left as it was, and no password
//! in an error.

use std::time::{Duration, Instant};

use sqlx::postgres::PgPoolOptions;

use super::{MACHINE, PATIENCE, fresh, insert, pg_url, write};
use crate::db::backend::{Backend, Connection, Scope};
use crate::db::postgres::PgBackend;
use crate::db::schema::TablePrefix;
use crate::db::{StoreError, StoreOptions, TransientKind, TransitionMeta};

#[tokio::test(flavor = "multi_thread")]
async fn a_full_pool_refuses_after_the_acquire_timeout() {
    let Some(url) = pg_url() else { return };
    let wait = Duration::from_millis(400);
    let options = StoreOptions::new().max_connections(2).acquire_timeout(wait);
    let b = fresh(&url, "sqlx_full_", &options).await;
    let first = b.begin(Scope::Unit).await.unwrap();
    let second = b.begin(Scope::Unit).await.unwrap();
    let started = Instant::now();
    let third = b.begin(Scope::Unit).await;
    let waited = started.elapsed();
    match third {
        Err(
            ref e @ StoreError::Transient {
                kind: TransientKind::PoolTimeout,
                ..
            },
        ) => assert!(e.is_retryable()),
        Err(e) => panic!("not a pool timeout: {e}"),
        Ok(_) => panic!("a third connection from a pool of 2"),
    }
    assert!(waited >= wait - Duration::from_millis(50), "{waited:?}");
    assert!(waited < PATIENCE, "{waited:?}");
    let single = b.begin(Scope::Single).await;
    assert!(single.is_err(), "a single operation waits as long");
    drop(first);
    let again = tokio::time::timeout(PATIENCE, b.begin(Scope::Unit))
        .await
        .expect("a connection came back")
        .unwrap();
    again.commit().await.unwrap();
    second.commit().await.unwrap();
    b.drop_tables().await.unwrap();
    b.close().await;
}

/// `SHOW lock_timeout` on the application's pool, outside any unit.
async fn session_lock_timeout(pool: &sqlx::PgPool) -> String {
    sqlx::query_scalar("SHOW lock_timeout")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_applications_pool_keeps_its_session_settings() {
    let Some(url) = pg_url() else { return };
    // One connection, so that every statement below runs on the session
    // the backend's operations used; its own lock timeout, set by the
    // application.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::raw_sql("SET lock_timeout = '7s'")
                    .execute(conn)
                    .await
                    .map(drop)
            })
        })
        .connect(&url)
        .await
        .unwrap();
    assert_eq!(session_lock_timeout(&pool).await, "7s");
    let prefix = TablePrefix::new("sqlx_apppool_").unwrap();
    let options = StoreOptions::new().lock_timeout(Duration::from_millis(250));
    let b = PgBackend::from_pool(pool.clone(), &prefix, &options)
        .await
        .unwrap();
    b.drop_tables().await.unwrap();
    let b = PgBackend::from_pool(pool.clone(), &prefix, &options)
        .await
        .unwrap();
    insert(&b, "d", "closed", None).await;
    assert_eq!(session_lock_timeout(&pool).await, "7s");

    // Inside a unit, the store's timeout; after it, the application's.
    let meta = TransitionMeta::new();
    let mut c = b.begin(Scope::Unit).await.unwrap();
    assert_eq!(c.lock_entities(MACHINE, &["d"]).await.unwrap(), None);
    let shown: String = sqlx::query_scalar("SHOW lock_timeout")
        .fetch_one(c.reader())
        .await
        .unwrap();
    assert_eq!(shown, "250ms");
    c.commit().await.unwrap();
    assert_eq!(session_lock_timeout(&pool).await, "7s");

    // A single operation's write, in a transaction of its own.
    let mut single = b.begin(Scope::Single).await.unwrap();
    let w = write("d", 1, &["closed"], "open", &meta, None);
    assert_eq!(single.write(&w).await.unwrap(), Some(2));
    single.commit().await.unwrap();
    assert_eq!(session_lock_timeout(&pool).await, "7s");
    b.drop_tables().await.unwrap();
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_applications_lock_timeout_is_not_the_stores_wait() {
    let Some(url) = pg_url() else { return };
    // Two connections: a unit holds the row on one, a single operation
    // waits for it on the other.
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .unwrap();
    let prefix = TablePrefix::new("sqlx_appwait_").unwrap();
    let options = StoreOptions::new().lock_timeout(Duration::from_millis(200));
    let b = PgBackend::from_pool(pool.clone(), &prefix, &options)
        .await
        .unwrap();
    insert(&b, "d", "closed", None).await;
    let mut holder = b.begin(Scope::Unit).await.unwrap();
    assert!(holder.row(MACHINE, "d", true).await.unwrap().is_some());
    let meta = TransitionMeta::new();
    let mut single = b.begin(Scope::Single).await.unwrap();
    let started = Instant::now();
    let w = write("d", 1, &["closed"], "open", &meta, None);
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
    assert!(started.elapsed() < PATIENCE);
    // The connection serves on, out of the write's own transaction.
    assert!(single.row(MACHINE, "d", false).await.unwrap().is_some());
    drop(single);
    holder.commit().await.unwrap();
    b.drop_tables().await.unwrap();
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_password_in_the_error_of_a_bad_url() {
    let Some(url) = pg_url() else { return };
    let prefix = TablePrefix::new("sqlx_badurl_").unwrap();
    let options = StoreOptions::new().acquire_timeout(Duration::from_millis(300));
    let secret = "Hunter2Secret";
    // The server's host and port, for a role that does not exist there.
    let server = url
        .split_once("://")
        .map(|(_, rest)| rest.rsplit_once('@').map_or(rest, |(_, host)| host))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    let urls = [
        // Nothing listens there: refused until the acquire timeout.
        format!("postgres://ada:{secret}@127.0.0.1:1/test"),
        format!("postgres://ada:{secret}@127.0.0.1:notaport/test"),
        format!("postgres://ada:{secret}@{server}/test?sslmode=bogus"),
        format!("postgres://ada@{server}/test?password={secret}&sslmode=bogus"),
        // An unencoded `&` in the password.
        format!("postgres://ada@{server}/test?password=Hunter2&Secret&sslmode=disable"),
        format!("postgres://no_such_role_sqlx:{secret}@{server}/test"),
        format!("postgres://ada:{secret}@{server}/test?options=-c%20lock_timeout%3Dnope"),
        format!("postgresql://ada:{secret}@/test?host=/nonexistent/{secret}"),
    ];
    for bad in &urls {
        let e = PgBackend::connect(bad, &prefix, &options)
            .await
            .expect_err(bad);
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("Secret"), "{bad}: {shown}");
        assert!(!shown.contains("Hunter2"), "{bad}: {shown}");
        println!("{shown}");
    }
}

/// A server that cannot be reached (down, restarting) is a transient
/// connection failure, said at once rather than after the acquire timeout.
#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_is_a_retryable_connection_failure() {
    if pg_url().is_none() {
        return;
    }
    let prefix = TablePrefix::new("sqlx_unreachable_").unwrap();
    let started = Instant::now();
    // Nothing listens on port 1 of the loopback.
    let e = PgBackend::connect(
        "postgres://postgres@127.0.0.1:1/test",
        &prefix,
        &StoreOptions::new(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            StoreError::Transient {
                kind: TransientKind::Connection,
                ..
            }
        ) && e.is_retryable(),
        "{e:?}"
    );
    assert!(
        started.elapsed() < StoreOptions::DEFAULT_ACQUIRE_TIMEOUT,
        "{:?}",
        started.elapsed()
    );
}
