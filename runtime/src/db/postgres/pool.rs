//! The pool a backend makes from a URL: bounded in size and in the wait
//! for a connection, each connection made with the store's lock timeout.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions as _, Connection as _};

use super::error::Redactor;
use crate::db::redact::percent_decode;
use crate::db::{StoreError, StoreOptions, TransientKind};

/// A pooled connection idle for longer is asked whether it still answers
/// before it is handed out: a server that closed it (a restart, a killed
/// backend, an idle timeout) is otherwise only noticed by the operation
/// that uses it, which then fails. Busier connections skip the round trip.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// The query parameters sqlx reads from a URL. sqlx logs any other one,
/// with its value, and goes on: here it is refused, unnamed, since a
/// password holding an unencoded `&` reads as such a parameter.
const PARAMETERS: &[&str] = &[
    "sslmode",
    "ssl-mode",
    "sslrootcert",
    "ssl-root-cert",
    "ssl-ca",
    "sslcert",
    "ssl-cert",
    "sslkey",
    "ssl-key",
    "statement-cache-capacity",
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "password",
    "application_name",
    "options",
];

/// PostgreSQL counts `lock_timeout` in whole milliseconds and takes 0 as
/// no timeout at all: a shorter wait is rounded up to 1 ms, and a longer
/// one than it can hold is cut to the longest it can.
pub(super) fn lock_timeout_millis(lock_timeout: Duration) -> u128 {
    lock_timeout.as_millis().clamp(1, i32::MAX as u128)
}

/// Refuses a URL with a query parameter sqlx does not read, without
/// naming it.
fn check_parameters(url: &str, redactor: &Redactor) -> Result<(), StoreError> {
    let Some((_, query)) = url.split_once('?') else {
        return Ok(());
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let key = percent_decode(pair.split_once('=').map_or(pair, |(key, _)| key));
        let known = PARAMETERS.contains(&key.as_str())
            || (key.starts_with("options[") && key.ends_with(']'));
        if !known {
            return Err(StoreError::Database(redactor.clean(
                "the URL has a query parameter PostgreSQL's client does not take (not shown: \
                 it may be part of a password; write `&` in a password as %26)",
            )));
        }
    }
    Ok(())
}

/// Connects once, outside the pool, and says goodbye: the pool retries
/// a refused connection until its acquire timeout and then reports only
/// that it timed out, where this says why (refused, unknown host, no
/// such role, a TLS failure) at once.
async fn probe(
    connect: &PgConnectOptions,
    wait: Duration,
    redactor: &Redactor,
) -> Result<(), StoreError> {
    match tokio::time::timeout(wait, connect.connect()).await {
        Ok(Ok(conn)) => {
            // Only the goodbye is left: a failure there changes nothing.
            let _ = conn.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(redactor.error(e)),
        Err(_) => Err(StoreError::Transient {
            kind: TransientKind::Connection,
            message: redactor.clean("the server did not answer within the acquire timeout"),
            code: None,
            source: None,
        }),
    }
}

/// A pool of at most `options`' connections to `url`, each of which sets
/// the lock timeout once, when it is made; one connection is made now, so
/// that a URL or a server that does not serve fails here.
pub(super) async fn connect(
    url: &str,
    options: &StoreOptions,
    lock_timeout: Duration,
    redactor: &Redactor,
) -> Result<PgPool, StoreError> {
    check_parameters(url, redactor)?;
    let connect: PgConnectOptions = url.parse().map_err(|e| redactor.error(e))?;
    probe(&connect, options.get_acquire_timeout(), redactor).await?;
    // It wins over one in the URL's `options`: it runs after them.
    let setup: Arc<str> =
        format!("SET lock_timeout = {}", lock_timeout_millis(lock_timeout)).into();
    PgPoolOptions::new()
        .max_connections(options.get_max_connections())
        .acquire_timeout(options.get_acquire_timeout())
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= IDLE_CHECK {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _| {
            let setup = Arc::clone(&setup);
            Box::pin(async move {
                sqlx::raw_sql(AssertSqlSafe(setup)).execute(conn).await?;
                Ok(())
            })
        })
        .connect_with(connect)
        .await
        .map_err(|e| redactor.error(e))
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn every_lock_timeout_is_a_bounded_wait_postgresql_accepts() {
        assert_eq!(lock_timeout_millis(Duration::ZERO), 1);
        assert_eq!(lock_timeout_millis(Duration::from_micros(300)), 1);
        assert_eq!(lock_timeout_millis(Duration::from_secs(5)), 5000);
        assert_eq!(lock_timeout_millis(Duration::MAX), i32::MAX as u128);
    }

    #[test]
    fn an_unknown_parameter_is_refused_unnamed() {
        let url = "postgres://u@h/x?password=sec&ret&sslmode=disable";
        let e = check_parameters(url, &Redactor::for_url(url)).unwrap_err();
        let shown = e.to_string();
        assert!(!shown.contains("ret"), "{shown}");
        assert!(!shown.contains("sec"), "{shown}");
        let fine = "postgres://u@h/x?sslmode=disable&options[search_path]=a&application_name=x";
        assert!(check_parameters(fine, &Redactor::for_url(fine)).is_ok());
    }
}
