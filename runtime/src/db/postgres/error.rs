//! sqlx's errors as [`StoreError`]s: the retryable ones by their SQLSTATE
//! (or a lost connection, or a pool with no connection free in time), the
//! others as [`StoreError::Sql`] with their SQLSTATE as its code;
//! and never a password in a message.

use crate::db::redact::percent_decode;
use sqlx::postgres::PgDatabaseError;

use crate::db::error::sqlstate_transient_kind;
use crate::db::redact_url;
use crate::db::{StoreError, TransientKind};

/// A password this short is not looked for in messages: every occurrence
/// of a common word's letters would be masked. No message quotes the URL
/// (only [`redact_url`]'s form of it); this is the second line.
const SHORTEST_SECRET: usize = 4;

/// What an error message must not show, and what it starts with.
#[derive(Default)]
pub(super) struct Redactor {
    /// The URL the pool connects to, redacted: the messages' prefix.
    label: Option<String>,
    /// The URL as given, and each password in it (as written and
    /// decoded), each replaced in a message by its redacted form.
    secrets: Vec<(String, String)>,
}

impl Redactor {
    /// For errors of a pool the application made: no URL to hide.
    pub(super) fn none() -> Redactor {
        Redactor::default()
    }

    /// For errors of a pool connecting to `url`.
    pub(super) fn for_url(url: &str) -> Redactor {
        let redacted = redact_url(url);
        let mut secrets = vec![(url.to_owned(), redacted.clone())];
        secrets.extend(
            passwords(url)
                .into_iter()
                .filter(|p| p.chars().count() >= SHORTEST_SECRET)
                .map(|p| (p, "***".to_owned())),
        );
        Redactor {
            label: Some(redacted),
            secrets,
        }
    }

    /// The database as messages name it: the redacted URL, or the
    /// application's pool.
    pub(super) fn shown(&self) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| "the application's database".to_owned())
    }

    /// `message`, prefixed by the redacted URL, with every secret masked.
    pub(super) fn clean(&self, message: &str) -> String {
        let mut message = match &self.label {
            Some(label) => format!("{label}: {message}"),
            None => message.to_owned(),
        };
        for (secret, shown) in &self.secrets {
            if message.contains(secret.as_str()) {
                message = message.replace(secret.as_str(), shown);
            }
        }
        message
    }

    /// `e` as a store error: transient when its kind passes, a database
    /// error otherwise.
    pub(super) fn error(&self, e: sqlx::Error) -> StoreError {
        let message = self.clean(&message(&e));
        let kind = transient_kind(&e);
        // Only the server's own errors go along as the source: the others
        // (a URL that does not read, a TLS or I/O failure) could show the
        // connection string, which the message has masked.
        let (code, source) = match e {
            sqlx::Error::Database(db) => (
                db.code().map(|code| code.into_owned()),
                Some(Box::new(sqlx::Error::Database(db)) as crate::db::error::Cause),
            ),
            _ => (None, None),
        };
        match kind {
            Some(kind) => StoreError::Transient {
                kind,
                message,
                code,
                source,
            },
            None => StoreError::Sql {
                code,
                message,
                source,
            },
        }
    }
}

/// The retryable kind of `e`, if it has one.
pub(super) fn transient_kind(e: &sqlx::Error) -> Option<TransientKind> {
    match e {
        sqlx::Error::Database(db) => db.code().and_then(|code| sqlstate_transient_kind(&code)),
        // Reset, refused, closed under a statement.
        sqlx::Error::Io(_) => Some(TransientKind::Connection),
        sqlx::Error::PoolTimedOut => Some(TransientKind::PoolTimeout),
        _ => None,
    }
}

/// `e`'s words with their causes, on one line; a server's error with its
/// SQLSTATE, detail and hint.
pub(super) fn message(e: &sqlx::Error) -> String {
    let mut message = match e {
        sqlx::Error::Database(db) => {
            let mut text = format!("error returned from database: {}", db.message());
            if let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() {
                if let Some(detail) = pg.detail() {
                    text.push_str(&format!(" ({detail})"));
                }
                if let Some(hint) = pg.hint() {
                    text.push_str(&format!(" (hint: {hint})"));
                }
            }
            if let Some(code) = db.code() {
                text.push_str(&format!(" (SQLSTATE {code})"));
            }
            return text.replace('\n', " ");
        }
        sqlx::Error::PoolTimedOut => {
            "every pooled connection stayed in use, or none could be opened (a server \
             unreachable, or refusing connections)"
                .to_owned()
        }
        other => other.to_string(),
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !message.contains(&cause_text) {
            message.push_str(": ");
            message.push_str(&cause_text);
        }
        source = cause.source();
    }
    message.replace('\n', " ")
}

/// The passwords a URL holds (its user information's, its `password`
/// query parameters'), each as written and percent-decoded.
fn passwords(url: &str) -> Vec<String> {
    let Some(body) = url.find("://").map(|i| i + 3) else {
        return Vec::new();
    };
    let rest = &url[body..];
    let mut found = Vec::new();
    if let Some(at) = rest.rfind('@')
        && let Some(colon) = rest[..at].find(':')
    {
        found.push(rest[colon + 1..at].to_owned());
    }
    if let Some(query) = rest.find('?') {
        for pair in rest[query + 1..].split('&') {
            if let Some((key, value)) = pair.split_once('=')
                && percent_decode(key).eq_ignore_ascii_case("password")
            {
                found.push(value.to_owned());
            }
        }
    }
    let decoded: Vec<String> = found.iter().map(|p| percent_decode(p)).collect();
    found.extend(decoded);
    found.retain(|p| !p.is_empty());
    found.sort();
    found.dedup();
    // Longest first: a password that holds another is masked whole.
    found.sort_by_key(|p| std::cmp::Reverse(p.len()));
    found
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_any_message() {
        let r = Redactor::for_url("postgres://ada:hun%40ter2@db/app?sslmode=disable");
        let shown = r.clean("could not log in as ada with hun@ter2 or hun%40ter2");
        assert!(!shown.contains("ter2"), "{shown}");
        assert!(shown.starts_with("postgres://ada:***@db/app"), "{shown}");
        let q = Redactor::for_url("postgres://db/app?password=s3cret&sslmode=disable");
        assert!(!q.clean("s3cret").contains("s3cret"));
    }

    #[test]
    fn a_pool_timeout_is_retryable() {
        let e = Redactor::none().error(sqlx::Error::PoolTimedOut);
        assert!(e.is_retryable(), "{e}");
        assert!(matches!(
            e,
            StoreError::Transient {
                kind: TransientKind::PoolTimeout,
                ..
            }
        ));
    }
}
