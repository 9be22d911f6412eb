//! Passwords out of connection strings, in every form the driver reads
//! one: a URL (its user information, its `password` query parameter) and
//! a key/value string (`host=db password='a b'`).
//!
//! When a string can be read two ways, the wider reading is hidden: a
//! message may lose a host name to the mask, never a piece of a password.

use std::ops::Range;

/// The connection parameters the driver takes. In a URL's query, a
/// password's value runs up to the next `&` that starts one of these: a
/// `&` inside a password, unencoded, does not end it here.
const KEYWORDS: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "sslmode",
    "sslnegotiation",
    "sslcert",
    "sslkey",
    "sslrootcert",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "channel_binding",
    "load_balance_hosts",
];

const MASK: &str = "***";

/// A connection string with every password in it replaced by `***`, so
/// that a password never reaches an error message or a log.
///
/// Every form the driver reads is covered:
///
/// - a URL (`postgres://`, `postgresql://`, or any other scheme, in any
///   case): the password of its user information, from the first `:` up to
///   the *last* `@` (a password may hold an unencoded `@`), and the value
///   of each `password` query parameter (its key percent-encoded or not);
/// - a key/value string: the value of each `password` key, quoted (with
///   spaces and `\'` escapes) or not.
///
/// Anything else (an SQLite path) comes back as it is, unless it holds
/// `password=`.
///
/// ```
/// use stateforge_runtime::db::redact_url;
/// assert_eq!(redact_url("postgres://ada:hunter2@db:5432/app"), "postgres://ada:***@db:5432/app");
/// assert_eq!(redact_url("postgres://db/app"), "postgres://db/app");
/// assert_eq!(redact_url("postgres://ada:hun@ter2@db/app"), "postgres://ada:***@db/app");
/// assert_eq!(
///     redact_url("postgres://ada@db/app?password=hunter2&sslmode=disable"),
///     "postgres://ada@db/app?password=***&sslmode=disable"
/// );
/// assert_eq!(
///     redact_url("host=db user=ada password='hunter 2' dbname=app"),
///     "host=db user=ada password=*** dbname=app"
/// );
/// assert_eq!(redact_url("/var/lib/app.db"), "/var/lib/app.db");
/// ```
pub fn redact_url(target: &str) -> String {
    let ranges = match url_body(target) {
        Some(body) => {
            let mut ranges = query_passwords(target, body);
            ranges.extend(userinfo_password(target, body));
            ranges
        }
        None => key_value_passwords(target),
    };
    mask(target, ranges)
}

/// Where what follows `scheme://` starts, if `target` is a URL.
fn url_body(target: &str) -> Option<usize> {
    let trimmed = target.trim_start();
    let lead = target.len() - trimmed.len();
    let end = trimmed.find("://")?;
    let mut scheme = trimmed[..end].chars();
    let is_scheme = scheme.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then_some(lead + end + "://".len())
}

/// The password of `user:password@host`: from the first `:` to the last
/// `@`. The driver ends the user information at the first `@`, a person
/// at the last one before the host; the last `@` of all covers both.
fn userinfo_password(target: &str, body: usize) -> Option<Range<usize>> {
    let rest = &target[body..];
    let at = rest.rfind('@')?;
    let colon = rest[..at].find(':')?;
    Some(body + colon + 1..body + at)
}

/// The value of each `password` query parameter.
fn query_passwords(target: &str, body: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for (i, b) in target.bytes().enumerate().skip(body) {
        if b != b'?' && b != b'&' {
            continue;
        }
        if let Some((key, value)) = query_key(target, i + 1)
            && key.eq_ignore_ascii_case("password")
        {
            ranges.push(value..query_value_end(target, value));
        }
    }
    ranges
}

/// The decoded key of the query parameter at `start`, and where its value
/// starts.
fn query_key(target: &str, start: usize) -> Option<(String, usize)> {
    let rest = &target[start..];
    let end = rest.find(['=', '&'])?;
    (rest.as_bytes()[end] == b'=').then(|| (percent_decode(&rest[..end]), start + end + 1))
}

fn query_value_end(target: &str, start: usize) -> usize {
    let mut from = start;
    while let Some(found) = target[from..].find('&') {
        let amp = from + found;
        if query_key(target, amp + 1).is_some_and(|(key, _)| KEYWORDS.contains(&key.as_str())) {
            return amp;
        }
        from = amp + 1;
    }
    target.len()
}

/// `text` with its `%XX` escapes decoded (an invalid one kept as it is).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of each `password` key (in any case, wherever it stands: a
/// key the driver would refuse is hidden too).
fn key_value_passwords(target: &str) -> Vec<Range<usize>> {
    // ASCII lowercase keeps every byte where it is.
    let lower = target.to_ascii_lowercase();
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("password") {
        from += found + "password".len();
        let equals = skip_whitespace(target, from);
        if target[equals..].starts_with('=') {
            let value = skip_whitespace(target, equals + 1);
            ranges.push(value..key_value_end(target, value));
        }
    }
    ranges
}

fn skip_whitespace(target: &str, at: usize) -> usize {
    target.len() - target[at..].trim_start().len()
}

/// Where a value ends as the driver reads it: quoted, at its closing
/// quote (or at the end, when there is none); else at the next
/// whitespace. A backslash escapes the next character either way.
fn key_value_end(target: &str, start: usize) -> usize {
    let quoted = target[start..].starts_with('\'');
    let mut chars = target[start..].char_indices().skip(usize::from(quoted));
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\'' if quoted => return start + i + 1,
            c if !quoted && c.is_whitespace() => return start + i,
            _ => {}
        }
    }
    target.len()
}

/// `target` with each range (merged where they overlap or touch)
/// replaced by the mask.
fn mask(target: &str, mut ranges: Vec<Range<usize>>) -> String {
    ranges.retain(|r| !r.is_empty());
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut out = String::with_capacity(target.len());
    let mut shown = 0;
    for r in merged {
        out.push_str(&target[shown..r.start]);
        out.push_str(MASK);
        shown = r.end;
    }
    out.push_str(&target[shown..]);
    out
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn the_user_information_of_a_url() {
        for (url, redacted) in [
            (
                "postgres://ada:hunter2@db:5432/app",
                "postgres://ada:***@db:5432/app",
            ),
            ("postgres://db/app", "postgres://db/app"),
            ("postgres://ada@db/app", "postgres://ada@db/app"),
            ("postgres://ada:@db/app", "postgres://ada:@db/app"),
            ("postgresql://:pw@db", "postgresql://:***@db"),
            // `@`, `/`, `?` and `:` in a password, unencoded.
            (
                "postgres://ada:hun@ter2@db/app",
                "postgres://ada:***@db/app",
            ),
            ("postgres://ada:a@b@c@db", "postgres://ada:***@db"),
            ("postgres://ada:pa/ss@db/app", "postgres://ada:***@db/app"),
            ("postgres://ada:pa?ss@db/app", "postgres://ada:***@db/app"),
            ("postgres://ada:p:w@db/app", "postgres://ada:***@db/app"),
            // The scheme in any case; whitespace before it.
            ("POSTGRES://ada:hunter2@db/app", "POSTGRES://ada:***@db/app"),
            ("PostgreSQL://ada:hunter2@db", "PostgreSQL://ada:***@db"),
            (" postgres://ada:hunter2@db", " postgres://ada:***@db"),
            // Another scheme is still a URL.
            ("mysql://root:pw@db/x", "mysql://root:***@db/x"),
            // A `@` later on hides more than needed, never less.
            (
                "postgres://ada:pw@db/app?application_name=a@b",
                "postgres://ada:***@b",
            ),
        ] {
            assert_eq!(redact_url(url), redacted, "{url}");
        }
    }

    #[test]
    fn the_password_query_parameter() {
        for (url, redacted) in [
            (
                "postgres://u@h:5432/x?password=secret",
                "postgres://u@h:5432/x?password=***",
            ),
            (
                "postgres://u@h/x?sslmode=disable&password=secret&application_name=cli",
                "postgres://u@h/x?sslmode=disable&password=***&application_name=cli",
            ),
            // Its key encoded, or in another case.
            (
                "postgres://h/x?pass%77ord=secret",
                "postgres://h/x?pass%77ord=***",
            ),
            (
                "postgres://h/x?PASSWORD=secret",
                "postgres://h/x?PASSWORD=***",
            ),
            // A `&` that starts no parameter the driver knows is the
            // password's.
            (
                "postgres://h/x?password=sec&ret&port=1",
                "postgres://h/x?password=***&port=1",
            ),
            (
                "postgres://h/x?password=sec&ret=1",
                "postgres://h/x?password=***",
            ),
            // In both places at once, with a `@` in the query's.
            ("postgres://u:a@h/x?password=b@c", "postgres://u:***"),
            (
                "postgres://h/x?password=a&password=b",
                "postgres://h/x?password=***&password=***",
            ),
            (
                "postgres://h/x?user=password",
                "postgres://h/x?user=password",
            ),
        ] {
            assert_eq!(redact_url(url), redacted, "{url}");
        }
    }

    #[test]
    fn the_password_of_a_key_value_string() {
        for (s, redacted) in [
            (
                "host=db port=5432 password=secret user=ada",
                "host=db port=5432 password=*** user=ada",
            ),
            ("password = 'hun ter 2' user=ada", "password = *** user=ada"),
            (r"password='it\'s me' user=ada", "password=*** user=ada"),
            (r"password=hun\ ter2 user=ada", "password=*** user=ada"),
            ("host=db password='never closed", "host=db password=***"),
            ("PASSWORD=secret\tuser=ada", "PASSWORD=***\tuser=ada"),
            (
                "host=db password=a password=b",
                "host=db password=*** password=***",
            ),
            ("host=db password=", "host=db password="),
            ("host=db user=ada", "host=db user=ada"),
            ("/var/lib/app.db", "/var/lib/app.db"),
            ("/var/lib/a:b@c.db", "/var/lib/a:b@c.db"),
            ("", ""),
        ] {
            assert_eq!(redact_url(s), redacted, "{s}");
        }
    }
}
