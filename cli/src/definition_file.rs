//! Definitions read from JSON files.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

use stateforge_core::{Definition, InvalidDefinition, LoadError, MachineSpec, Problem};

use crate::Failure;
use crate::stdout::outln;
use crate::terminal_text::{self, MAX_SHOWN, shown};

/// The largest definition file read: the largest machine a definition
/// may hold takes far less.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// The text of a definition file: a regular file (not a FIFO, which would
/// block, nor a device, which may never end) of at most 16 MiB.
fn read(path: &Path) -> Result<String, Failure> {
    let cannot = |why: &dyn std::fmt::Display| {
        Failure::usage(format!("cannot read {}: {why}", shown_path(path)))
    };
    // Checked before opening too: a device is never opened at all.
    let meta = std::fs::metadata(path).map_err(|e| cannot(&e))?;
    check(&meta).map_err(|why| cannot(&why))?;
    let file = open(path).map_err(|e| cannot(&e))?;
    // And again on what was opened, in case the path changed in between.
    let meta = file.metadata().map_err(|e| cannot(&e))?;
    check(&meta).map_err(|why| cannot(&why))?;
    // A file that grows while read is cut one byte past the limit.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(cannot(&TOO_LARGE));
    }
    String::from_utf8(bytes).map_err(|_| cannot(&"not UTF-8 text"))
}

const TOO_LARGE: &str = "larger than 16 MiB, the most a definition file may hold";

fn check(meta: &Metadata) -> Result<(), &'static str> {
    if !meta.is_file() {
        Err("not a regular file")
    } else if meta.len() > MAX_FILE_BYTES {
        Err(TOO_LARGE)
    } else {
        Ok(())
    }
}

/// Opens for reading without waiting: a FIFO put in the file's place
/// after it was checked opens at once, and is refused by the second check.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

fn shown_path(path: &Path) -> String {
    shown(&path.to_string_lossy())
}

/// A checked definition, or a one-line failure listing its problems.
pub(crate) fn load(path: &Path) -> Result<Definition, Failure> {
    Definition::from_json(&read(path)?).map_err(|e| unreadable(path, e))
}

fn unreadable(path: &Path, e: LoadError) -> Failure {
    match e {
        LoadError::Json(e) => Failure::usage(format!(
            "{}: not a machine definition: {}",
            shown_path(path),
            terminal_text::json_error(&e)
        )),
        // Exit 2, as for any file this build cannot read: 1 would say the
        // definition is wrong, which it may well not be.
        e @ LoadError::NewerFormat { .. } => Failure::usage(format!("{}: {e}", shown_path(path))),
        LoadError::Invalid(e) => Failure::refused(format!("{}: {}", shown_path(path), invalid(&e))),
    }
}

/// Every problem of `e` on one line.
fn invalid(e: &InvalidDefinition) -> String {
    let n = e.problems().len();
    let mut line = format!(
        "machine `{}` has {n} problem{}:",
        shown(e.machine()),
        if n == 1 { "" } else { "s" }
    );
    for p in e.problems() {
        line.push_str("   - ");
        line.push_str(&problem_message(p));
        if let Some(site) = p.site() {
            line.push_str(&format!(" (at {site})"));
        }
    }
    line
}

/// A problem's sentence, each name in it [`shown`].
fn problem_message(p: &Problem) -> String {
    let s = |name: &String| shown(name);
    let safe = match p {
        Problem::InvalidName { kind, name, site } => Problem::InvalidName {
            kind: *kind,
            name: s(name),
            site: *site,
        },
        Problem::DuplicateState { name, site } => Problem::DuplicateState {
            name: s(name),
            site: *site,
        },
        Problem::DuplicateEvent { name, site } => Problem::DuplicateEvent {
            name: s(name),
            site: *site,
        },
        Problem::SeveralInitialStates { first, name, site } => Problem::SeveralInitialStates {
            first: s(first),
            name: s(name),
            site: *site,
        },
        Problem::UnknownState { name, site } => Problem::UnknownState {
            name: s(name),
            site: *site,
        },
        Problem::UnknownEvent { name, site } => Problem::UnknownEvent {
            name: s(name),
            site: *site,
        },
        Problem::EventWithoutArms { event, site } => Problem::EventWithoutArms {
            event: s(event),
            site: *site,
        },
        Problem::DuplicateArm { event, state, site } => Problem::DuplicateArm {
            event: s(event),
            state: s(state),
            site: *site,
        },
        Problem::AlternativeAfterElse { event, state, site } => Problem::AlternativeAfterElse {
            event: s(event),
            state: s(state),
            site: *site,
        },
        Problem::FromFinalState { event, state, site } => Problem::FromFinalState {
            event: s(event),
            state: s(state),
            site: *site,
        },
        Problem::UnreachableState { state, site } => Problem::UnreachableState {
            state: s(state),
            site: *site,
        },
        Problem::DeadEnd { state, site } => Problem::DeadEnd {
            state: s(state),
            site: *site,
        },
        Problem::TimerNeverFires { state, event, site } => Problem::TimerNeverFires {
            state: s(state),
            event: s(event),
            site: *site,
        },
        Problem::DuplicateTimer { state, event, site } => Problem::DuplicateTimer {
            state: s(state),
            event: s(event),
            site: *site,
        },
        Problem::NoInitialState | Problem::TooLarge { .. } => p.clone(),
        // A kind of problem this command does not know yet: its whole
        // sentence, escaped and cut.
        _ => return terminal_text::line(&p.to_string()),
    };
    safe.to_string()
}

/// `stateforge validate`: every problem, one per line, and exit 1 if any.
///
/// With `--json`, the machine's name is cut at 200 characters (a name
/// that long is invalid anyway) and each message names things as the
/// text output does; JSON escapes the rest.
pub(crate) fn validate(path: &Path, json: bool) -> Result<(), Failure> {
    let text = read(path)?;
    let spec = MachineSpec::from_json(&text).map_err(|e| unreadable(path, e))?;
    let problems = stateforge_core::validate(&spec);
    let messages: Vec<String> = problems.iter().map(problem_message).collect();
    let file = shown_path(path);
    if json {
        let list: Vec<_> = problems
            .iter()
            .zip(&messages)
            .map(|(p, message)| {
                serde_json::json!({
                    "message": message,
                    "at": p.site().map(|s| s.to_string()),
                })
            })
            .collect();
        let report = serde_json::json!({
            "machine": terminal_text::capped(&spec.name, MAX_SHOWN),
            "valid": problems.is_empty(),
            "problems": list,
        });
        outln!("{}", terminal_text::json(&report.to_string()));
    } else if problems.is_empty() {
        outln!("{file}: machine `{}` is valid", shown(&spec.name));
    } else {
        for (p, message) in problems.iter().zip(&messages) {
            match p.site() {
                Some(site) => outln!("{file}: {site}: {message}"),
                None => outln!("{file}: {message}"),
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::refused(format!(
            "machine `{}` has {} problem{}",
            shown(&spec.name),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        )))
    }
}
