//! README.md's shell commands, run as written, in order, in a fresh
//! folder laid out as the repository's root (the sample definitions at
//! `cli/tests/fixtures/`): a command a reader pastes must work on a fresh
//! clone. `cargo run -p stateforge-cli --` is this binary; `cargo run
//! --example NAME` is the example as `cargo test --workspace` built it
//! (next to this binary, under `examples/`); `cargo test` is skipped.
//! Any other command fails the test: add it here first.
//!
//! Run alone (`cargo test -p stateforge-cli`), cargo builds no example:
//! then the test says so and passes, unless `CI` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The commands of README.md's `sh` blocks, comments cut.
fn readme_commands() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        match line.trim_end() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            line if in_sh => {
                let command = line.split(" #").next().unwrap().trim();
                if !command.is_empty() && !command.starts_with('#') {
                    commands.push(command.to_owned());
                }
            }
            _ => {}
        }
    }
    commands
}

/// The examples cargo built beside this binary, if it did.
fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_stateforge"))
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn readme_commands_run_in_order_on_a_fresh_clone() {
    let commands = readme_commands();
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("cargo run -p stateforge-cli -- fire")),
        "{commands:?}"
    );
    let examples: Vec<&str> = commands
        .iter()
        .filter_map(|c| c.strip_prefix("cargo run --example "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect();
    if let Some(missing) = examples.iter().find(|e| !example(e).is_file()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "example `{missing}` is not built: run `cargo test --workspace`"
        );
        eprintln!("skipped: example `{missing}` is not built (`cargo test --workspace` builds it)");
        return;
    }

    let root = tempfile::tempdir().unwrap();
    let fixtures = root.path().join("cli/tests/fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")).unwrap()
    {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), fixtures.join(entry.file_name())).unwrap();
    }

    for line in &commands {
        assert!(
            !line.contains(['"', '\'', '|', '&', ';', '$']),
            "a README command this test cannot run as written: {line}"
        );
        let (line, stdout_to) = match line.split_once(" > ") {
            Some((command, file)) => (command, Some(root.path().join(file.trim()))),
            None => (line.as_str(), None),
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut command = match words.as_slice() {
            ["cargo", "test", ..] => continue,
            ["cargo", "run", "-p", "stateforge-cli", "--", args @ ..] => {
                let mut c = Command::new(env!("CARGO_BIN_EXE_stateforge"));
                c.args(args);
                c
            }
            ["cargo", "run", "--example", name, rest @ ..] => {
                let mut c = Command::new(example(name));
                c.args(rest.strip_prefix(&["--"]).unwrap_or(rest));
                c
            }
            _ => panic!("README.md runs a command this test does not know: {line}"),
        };
        // The README's commands run on SQLite files: not on a database
        // the shell running the tests names.
        command
            .current_dir(root.path())
            .env_remove("STATEFORGE_DB")
            .env_remove("STATEFORGE_PG_URL")
            .stdin(Stdio::null());
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "`{line}` exited {:?}: {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        if let Some(file) = stdout_to {
            std::fs::write(file, &output.stdout).unwrap();
        }
    }
    // What the block promises to leave behind.
    for file in [
        "task_lifecycle.db",
        "dynamic_definition.db",
        "task.svg",
        "e-2.svg",
    ] {
        assert!(root.path().join(file).is_file(), "{file}");
    }
    let marked = std::fs::read_to_string(root.path().join("e-2.svg")).unwrap();
    assert!(marked.contains("class=\"state current\""), "{marked}");
}
