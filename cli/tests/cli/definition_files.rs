//! Definition files, validated and drawn.

use std::path::PathBuf;
use std::process::{Command, Output};

fn stateforge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stateforge"))
        .args(args)
        .output()
        .expect("the binary runs")
}

pub(crate) fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn validate_accepts_a_valid_definition() {
    let out = stateforge(&["validate", &fixture("task.json")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("machine `task` is valid"));
}

#[test]
fn validate_lists_every_problem_and_exits_1() {
    let out = stateforge(&["validate", &fixture("broken.json")]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    for expected in [
        "events[1].arms[0].from[0]: event `retry` leaves final state `failed`",
        "events[2].arms[0].from[0]: unknown state `nowhere`",
        "states[2]: state `lost` is unreachable",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // `nowhere` is a typo for some state, which might be `lost`: whether
    // `lost` has a way out is unknowable, so it is not reported.
    assert!(
        !stdout.contains("is not final and has no way out"),
        "{stdout}"
    );
    assert_eq!(
        text(&out.stderr).trim(),
        "stateforge: machine `task` has 3 problems"
    );
}

#[test]
fn validate_json_is_for_scripts() {
    let out = stateforge(&["validate", "--json", &fixture("broken.json")]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"].as_array().unwrap().len(), 3);
    assert_eq!(v["problems"][0]["at"], "events[1].arms[0].from[0]");
}

#[test]
fn diagram_draws_mermaid_and_dot() {
    let out = stateforge(&["diagram", &fixture("task.json")]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("    failed --> pending: retry [can_retry]\n"));
    let out = stateforge(&["diagram", "--format", "dot", &fixture("task.json")]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("digraph \"task\" {"));
}

#[test]
fn bad_input_is_one_line_and_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{ not json").unwrap();
    let cases: [(&[&str], i32, &str); 4] = [
        (
            &["validate", "/no/such/file.json"],
            2,
            "cannot read /no/such/file.json",
        ),
        (
            &["validate", garbage.to_str().unwrap()],
            2,
            "not a machine definition",
        ),
        (
            &["diagram", &fixture("broken.json")],
            1,
            "machine `task` has 3 problems",
        ),
        (
            &["diagram", "--format", "png", &fixture("task.json")],
            2,
            "invalid value 'png'",
        ),
    ];
    for (args, code, expected) in cases {
        let out = stateforge(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
            "{stderr}"
        );
        if code == 1 {
            assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        }
    }
}

/// Fails on any control character but the newlines that end lines, and on
/// the bidirectional controls that reorder what a terminal shows.
fn assert_clean(what: &str, s: &str) {
    let bad: Vec<char> = s
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(
                    c,
                    '\u{61c}'
                        | '\u{200e}'
                        | '\u{200f}'
                        | '\u{2028}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                )
        })
        .collect();
    assert!(bad.is_empty(), "{what} holds raw {bad:?}: {s:?}");
}

/// A definition whose names carry terminal escapes (set the title, clear
/// the screen), BEL, NUL, a C1 CSI, a right-to-left override, a newline
/// that forges a line of output, and quotes that would close a DOT string.
const CRAFTED: &str = r#"{
    "name": "evil\u001b]0;pwned\u0007\u001b[2J",
    "states": [
        {"name": "a\nstates[9]: forged line", "initial": true},
        {"name": "b\u0000c\u009b31m\u202etxt.exe"},
        {"name": "q\" [label=\"pwn\"]; x -> y"}
    ],
    "events": [
        {"name": "go\u001b[31m", "arms": [{"from": ["a\nstates[9]: forged line"], "to": "nowhere\u0007"}]}
    ]
}"#;

fn crafted_file(dir: &tempfile::TempDir) -> String {
    let path = dir.path().join("crafted.json");
    std::fs::write(&path, CRAFTED).unwrap();
    path.display().to_string()
}

#[test]
fn validate_escapes_control_characters_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = crafted_file(&dir);
    let out = stateforge(&["validate", &file]);
    assert_eq!(out.status.code(), Some(1));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_clean("stdout", &stdout);
    assert_clean("stderr", &stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(r"machine `evil\u{1b}]0;pwned\u{7}\u{1b}[2J` has"),
        "{stderr}"
    );
    assert!(
        stdout.contains(r"state name `a\nstates[9]: forged line`"),
        "{stdout}"
    );
    assert!(
        stdout.contains(r"`b\0c\u{9b}31m\u{202e}txt.exe`"),
        "{stdout}"
    );
    // One line per problem, each naming the file: the forged line is not one.
    let json = stateforge(&["validate", "--json", &file]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let problems = v["problems"].as_array().unwrap().len();
    assert!(problems >= 5, "{v}");
    assert_eq!(stdout.lines().count(), problems, "{stdout}");
    assert!(
        stdout.lines().all(|l| l.starts_with(&format!("{file}: "))),
        "{stdout}"
    );
    // JSON keeps its escapes: no raw control character in the text either.
    assert_clean("validate --json", &text(&json.stdout));
}

#[test]
fn validate_caps_a_huge_name_in_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let name = "n".repeat(1 << 20);
    let def = serde_json::json!({
        "name": name,
        "states": [{"name": name, "initial": true}],
        "events": [{"name": "go", "arms": [{"from": [name], "to": name}]}],
    });
    std::fs::write(&path, def.to_string()).unwrap();
    let path = path.display().to_string();
    let out = stateforge(&["validate", &path]);
    assert_eq!(out.status.code(), Some(1));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stdout.len() < 4096 && stderr.len() < 512,
        "{} and {} bytes",
        stdout.len(),
        stderr.len()
    );
    assert!(
        stdout.contains("nnn…`; use 1 to 64 ASCII letters"),
        "{stdout}"
    );
    assert!(stderr.contains("nnn…` has"), "{stderr}");

    let out = stateforge(&["validate", "--json", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.len() < 4096, "{} bytes", out.stdout.len());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let machine = v["machine"].as_str().unwrap();
    assert!(
        machine.ends_with('…') && machine.chars().count() <= 200,
        "{machine}"
    );

    let out = stateforge(&["diagram", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.len() < 2048, "{} bytes", out.stderr.len());
}

#[test]
fn diagram_refuses_a_definition_whose_names_could_break_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = crafted_file(&dir);
    for format in ["mermaid", "dot", "svg"] {
        let out = stateforge(&["diagram", "--format", format, &file]);
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
        let stderr = text(&out.stderr);
        assert_clean("stderr", &stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(r"`go\u{1b}[31m`"), "{stderr}");
    }
}

/// Runs the binary, and fails (killing it) if it has not ended in 20 s.
fn stateforge_within(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_stateforge"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(std::time::Duration::from_secs(20)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("`stateforge {}` still runs after 20 s", args.join(" "));
        }
    }
}

#[test]
fn validate_refuses_what_is_not_a_regular_file_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("definition.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let fifo = fifo.display().to_string();
    let folder = dir.path().display().to_string();
    for path in [fifo.as_str(), "/dev/zero", folder.as_str()] {
        for command in ["validate", "diagram"] {
            let out = stateforge_within(&[command, path]);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{path}: {stderr}");
            assert_eq!(
                stderr.trim(),
                format!("stateforge: cannot read {path}: not a regular file")
            );
        }
    }
}

#[test]
fn validate_refuses_a_definition_over_16_mib() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: no disk is spent on it.
    file.set_len((16 << 20) + 1).unwrap();
    let path = path.display().to_string();
    let out = stateforge_within(&["validate", &path]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim(),
        format!(
            "stateforge: cannot read {path}: larger than 16 MiB, the most a definition file may hold"
        )
    );
    // At the limit it is read (and is not JSON).
    file.set_len(16 << 20).unwrap();
    let out = stateforge_within(&["validate", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not a machine definition"));
}

#[test]
fn usage_errors_escape_the_argument_they_quote() {
    let out = stateforge(&[
        "diagram",
        "--format",
        "png\r\x1b[2J\tx",
        &fixture("task.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_clean("stderr", &stderr);
    assert!(stderr.contains("invalid value 'png\\r"), "{stderr}");
}

/// `task.json` as a newer stateforge might write it: a later format, with
/// a field this build has never heard of.
fn newer_format_file(dir: &tempfile::TempDir) -> String {
    let task = std::fs::read_to_string(fixture("task.json")).unwrap();
    let newer = task.replacen("{", r#"{"format": 4, "owner": "ops","#, 1);
    let path = dir.path().join("newer.json");
    std::fs::write(&path, newer).unwrap();
    path.display().to_string()
}

#[test]
fn a_newer_format_is_named_with_the_upgrade_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let file = newer_format_file(&dir);
    for args in [
        &["validate", file.as_str()][..],
        &["validate", "--json", &file],
        &["diagram", &file],
    ] {
        let out = stateforge(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim(),
            format!(
                "stateforge: {file}: this definition is format 4; \
                 this stateforge reads format 3 at most: upgrade stateforge"
            ),
            "{args:?}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn a_format_1_file_validates_as_one_without_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let task = std::fs::read_to_string(fixture("task.json")).unwrap();
    let path = dir.path().join("task.json");
    std::fs::write(&path, task.replacen("{", r#"{"format": 1,"#, 1)).unwrap();
    let out = stateforge(&["validate", &path.display().to_string()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("machine `task` is valid"));
}

/// A database whose kept `ticket` definition is `json`, as a store of an
/// older or newer stateforge would have written it.
fn database_keeping(json: &str) -> (tempfile::TempDir, String) {
    let (dir, db) = crate::sqlite_database::database();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let changed = conn
        .execute(
            "UPDATE sf_definitions SET json = ?1 WHERE machine = 'ticket'",
            [json],
        )
        .unwrap();
    assert_eq!(changed, 1);
    (dir, db)
}

#[test]
fn a_definition_stored_without_format_keeps_loading_and_matching_its_rows() {
    let stored = crate::sqlite_database::TICKET;
    assert!(!stored.contains("\"format\""));
    let (_dir, db) = database_keeping(stored);
    // Firing reads the kept definition and checks the row's fingerprint
    // against it.
    let out = stateforge(&[
        "fire",
        "--db",
        &db,
        "--machine",
        "ticket",
        "--entity",
        "k-1",
        "triage",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("open -> triaged"));
}

#[test]
fn a_definition_stored_in_a_newer_format_is_named_as_such() {
    let newer = crate::sqlite_database::TICKET.replacen("{", r#"{"format": 4, "owner": 1,"#, 1);
    let (_dir, db) = database_keeping(&newer);
    let out = stateforge(&["diagram", "--db", &db, "--machine", "ticket"]);
    let stderr = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr.contains(
            "this definition is format 4; this stateforge reads format 3 at most: upgrade stateforge"
        ),
        "{stderr}"
    );
}
