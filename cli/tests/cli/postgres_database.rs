//! The real binary against a PostgreSQL store (`STATEFORGE_PG_URL`).

use std::process::Command;

use serde_json::json;
use stateforge::Definition;
use stateforge::runtime::db::TransitionMeta;
use stateforge::runtime::{DynMachine, Registry};

use crate::pg_fixture::PgFixture;
use crate::stored_task::{AnyTask, Record, Task};

const TICKET: &str = r#"{"name": "ticket",
    "states": [{"name": "open", "initial": true}, {"name": "closed", "final": true}],
    "events": [{"name": "close", "arms": [{"from": ["open"], "to": "closed"}]}]}"#;

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

#[test]
fn the_command_works_on_postgres() {
    let Some(pg) = PgFixture::new("the_command_works_on_postgres") else {
        return;
    };
    let store = &pg.store;
    store
        .create(
            "t-1",
            &AnyTask::from(Task::new(Record::default())),
            &TransitionMeta::new(),
        )
        .unwrap();
    let bound = Registry::<serde_json::Value>::new()
        .bind(Definition::from_json(TICKET).unwrap())
        .unwrap();
    store
        .create_dyn(
            "k-1",
            &DynMachine::new(bound, json!({})),
            &TransitionMeta::new(),
        )
        .unwrap();

    let db = ["--db", pg.url.as_str(), "--prefix", pg.prefix.as_str()];
    fn with<'a>(args: &[&'a str], db: &[&'a str]) -> Vec<&'a str> {
        [args, db].concat()
    }
    let (code, stdout, stderr) = run(&with(&["entities", "--machine", "task", "--json"], &db));
    assert_eq!(code, 0, "{stderr}");
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list[0]["entity_id"], "t-1");

    let (code, stdout, stderr) = run(&with(
        &[
            "fire",
            "--machine",
            "ticket",
            "--entity",
            "k-1",
            "close",
            "--actor",
            "ops",
        ],
        &db,
    ));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.trim(),
        "ticket `k-1`: open -> closed (close), version 2"
    );
    let (code, stdout, _) = run(&with(
        &["history", "--machine", "ticket", "--entity", "k-1"],
        &db,
    ));
    assert_eq!(code, 0);
    assert!(stdout.contains("open -> closed"), "{stdout}");
    let (code, stdout, _) = run(&with(&["diagram", "--machine", "ticket"], &db));
    assert_eq!(code, 0);
    assert!(stdout.contains("open --> closed: close"), "{stdout}");
    let (code, _, stderr) = run(&with(
        &[
            "fire",
            "--machine",
            "task",
            "--entity",
            "t-1",
            "assign",
            "--args",
            r#"{"agent": "ada"}"#,
        ],
        &db,
    ));
    assert_eq!(code, 1);
    assert!(stderr.contains("declared in Rust"), "{stderr}");
}

/// The server's address in each form the driver reads, each with a
/// password, and that password: the URL's own if it has one, else one the
/// server ignores (CI's server trusts the loopback).
fn with_password(url: &str) -> (Vec<String>, String) {
    use std::str::FromStr;
    use tokio_postgres::config::{Config, Host};
    let config = Config::from_str(url).unwrap();
    let password = config
        .get_password()
        .map(|p| String::from_utf8(p.to_vec()).unwrap())
        .unwrap_or_else(|| "hun@ter2 'q'".to_owned());
    let host = match &config.get_hosts()[0] {
        Host::Tcp(host) => host.clone(),
        Host::Unix(path) => path.display().to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("postgres");
    let dbname = config.get_dbname().unwrap_or(user);
    let encoded: String = password
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let quoted = password.replace('\\', r"\\").replace('\'', r"\'");
    let forms = vec![
        format!("postgres://{user}:{encoded}@{host}:{port}/{dbname}"),
        format!("POSTGRESQL://{user}@{host}:{port}/{dbname}?password={encoded}"),
        format!("host={host} port={port} user={user} dbname={dbname} password='{quoted}'"),
    ];
    (forms, password)
}

#[test]
fn no_machine_and_no_history_never_show_the_password() {
    // Tables of its own: the database's default ones may be another
    // test's, or another version's.
    let Some(pg) = PgFixture::new("no_machine_and_no_history_never_show_the_password") else {
        return;
    };
    let prefix = pg.prefix.as_str();
    let (forms, password) = with_password(&pg.url);
    for db in &forms {
        let (code, stdout, stderr) = run(&[
            "entities",
            "--db",
            db,
            "--prefix",
            prefix,
            "--machine",
            "nothing",
        ]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("no machine `nothing`"), "{stderr}");
        assert!(stderr.contains("***"), "{stderr}");
        let (code, _, stderr2) = run(&[
            "history",
            "--db",
            db,
            "--prefix",
            prefix,
            "--machine",
            "nothing",
            "--entity",
            "nope",
        ]);
        assert_eq!(code, 1, "{stderr2}");
        assert!(
            stderr2.contains("no history for nothing `nope`"),
            "{stderr2}"
        );
        for out in [&stdout, &stderr, &stderr2] {
            assert!(!out.contains(&password), "{db}: {out}");
            assert!(!out.contains("ter2"), "{db}: {out}");
        }
    }
}

#[test]
fn every_form_of_connection_string_the_driver_reads_works() {
    let Some(pg) = PgFixture::new("every_form_of_connection_string") else {
        return;
    };
    let prefix = pg.prefix.as_str();
    pg.store
        .create(
            "t-1",
            &AnyTask::from(Task::new(Record::default())),
            &TransitionMeta::new(),
        )
        .unwrap();
    let (forms, _) = with_password(&pg.url);
    for db in &forms {
        let (code, stdout, stderr) = run(&[
            "entities",
            "--db",
            db,
            "--prefix",
            prefix,
            "--machine",
            "task",
            "--json",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(list[0]["entity_id"], "t-1", "{db}");
    }
}
