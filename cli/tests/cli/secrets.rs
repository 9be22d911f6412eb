//! Passwords, in every form of connection string the PostgreSQL driver
//! reads, never reach the output; what the driver reads, the command
//! takes. No server is needed: each string names a closed port, so every
//! command fails, and says so without the password.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_stateforge"))
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A port on the loopback that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Each piece of every password below: none may show.
const PIECES: [&str; 2] = ["s3c", "r3t"];

fn assert_secret(what: &str, out: &str) {
    for piece in PIECES {
        assert!(!out.contains(piece), "{what}: the password shows: {out}");
    }
}

/// Every command that takes `--db`, on `db`.
fn commands(db: &str) -> [Vec<&str>; 4] {
    [
        vec!["entities", "--db", db, "--machine", "m"],
        vec!["history", "--db", db, "--machine", "m", "--entity", "e"],
        vec!["fire", "--db", db, "--machine", "m", "--entity", "e", "go"],
        vec!["diagram", "--db", db, "--machine", "m"],
    ]
}

#[test]
fn passwords_never_show_in_any_form_the_driver_reads() {
    let port = closed_port();
    let host = format!("127.0.0.1:{port}");
    let forms = [
        // The query parameter, alone, among others, with its key encoded.
        format!("postgres://ada@{host}/app?password=s3cr3t"),
        format!("postgresql://ada@{host}/app?sslmode=disable&password=s3cr3t&application_name=cli"),
        format!("postgres://ada@{host}/app?pass%77ord=s3c%26r3t"),
        format!("postgres://ada@{host}/app?password=s3c&r3t&sslmode=disable"),
        // The scheme in any case.
        format!("POSTGRES://ada:s3cr3t@{host}/app"),
        format!("PostgreSQL://ada:s3cr3t@{host}/app"),
        // `@` and `/` in the password, unencoded.
        format!("postgres://ada:s3c@r3t@{host}/app"),
        format!("postgres://ada:s3c/r3t@{host}/app"),
        // Key/value strings, quoted or not, with escapes.
        format!("host=127.0.0.1 port={port} user=ada password=s3cr3t dbname=app"),
        format!("host=127.0.0.1 port={port} user=ada password = 's3c r3t' dbname=app"),
        format!(r"host=127.0.0.1 port={port} password='s3c\' r3t' user=ada"),
        format!(r"host=127.0.0.1 port={port} password=s3c\ r3t user=ada"),
    ];
    for db in &forms {
        for args in commands(db) {
            let (code, stdout, stderr) = run(&args);
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert_secret(db, &stdout);
            assert_secret(db, &stderr);
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            // The driver was asked: the string was not taken for a file.
            assert!(
                stderr.contains("error communicating with database")
                    || stderr.contains("query parameter PostgreSQL's client does not take")
                    || stderr.contains("error with configuration")
                    || stderr.contains("invalid connection string"),
                "{db}: {stderr}"
            );
            assert!(stderr.contains("***"), "{db}: {stderr}");
        }
    }
}

#[test]
fn db_values_that_are_neither_a_file_nor_a_connection_string_are_refused_unechoed() {
    for db in [
        // An unterminated quote, a misspelt key, a key without a value.
        "host=127.0.0.1 user=ada password='s3c r3t",
        "host=127.0.0.1 user=ada pasword=s3cr3t",
        "host=127.0.0.1 s3cr3t",
        " postgres://ada:s3cr3t@127.0.0.1/app",
    ] {
        for args in commands(db) {
            let (code, stdout, stderr) = run(&args);
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert_secret(db, &stdout);
            assert_secret(db, &stderr);
            assert_eq!(
                stderr.trim(),
                "stateforge: --db is neither an existing file nor a PostgreSQL connection string (not shown: it may hold a password)"
            );
        }
    }
    // A path, escaped.
    let (code, _, stderr) = run(&["entities", "--db", "/no/such\x1b[2J.db", "--machine", "m"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        r"stateforge: no database at /no/such\u{1b}[2J.db"
    );
    let (code, _, stderr) = run(&["entities", "--db", "", "--machine", "m"]);
    assert_eq!(code, 2);
    assert_eq!(stderr.trim(), "stateforge: --db is empty");
}
