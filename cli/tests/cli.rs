//! The real `stateforge` binary, run as a user would.

use std::path::PathBuf;
use std::process::{Command, Output};

fn stateforge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stateforge"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn fixture(name: &str) -> String {
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
