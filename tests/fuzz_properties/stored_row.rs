//! The property the `stored_row` fuzz target checks, shared with the test
//! that replays its corpus (`tests/runtime/stored_row_corpus.rs`): the fuzz crate
//! includes this file by `#[path]`. The machine is the stored task machine of
//! `tests/support/stored_task.rs`: states with and without data, a context.

use stateforge::Fingerprint;
use stateforge::runtime::{Stored, from_stored, to_stored};

#[path = "../support/stored_task.rs"]
pub(crate) mod stored_task;
use stored_task::AnyTask;

/// Splits `data` into a row: the machine's name, the state, the
/// fingerprint in hex (each on its own line), then the data as JSON. A
/// missing line is empty; a fingerprint that is not hex is zero, so the
/// row still reaches `from_stored`.
///
/// ```text
/// task
/// assigned
/// 0123456789abcdef
/// {"context": {"title": "ship", "retries": 0}, "data": {"agent": "ada"}}
/// ```
pub(crate) fn row(data: &[u8]) -> Option<Stored> {
    let text = std::str::from_utf8(data).ok()?;
    let mut parts = text.splitn(4, '\n');
    let mut next = || parts.next().unwrap_or_default();
    let (machine, state, fingerprint, json) = (next(), next(), next(), next());
    Some(Stored {
        machine: machine.to_owned(),
        state: state.to_owned(),
        fingerprint: Fingerprint(u64::from_str_radix(fingerprint, 16).unwrap_or(0)),
        data: serde_json::from_str(json).ok()?,
    })
}

/// A row read from `data` (see [`row`]) restores into the state it names
/// or is refused with a typed error; never a panic. A restored machine
/// writes the same row back, and that row restores the same machine.
///
/// Bytes that are not UTF-8, or whose data part is not JSON, are not a
/// row a store could hold (the column is JSON): they pass.
///
/// # Errors
///
/// Which part of the property broke.
pub(crate) fn stored_row(data: &[u8]) -> Result<(), String> {
    let Some(row) = row(data) else {
        return Ok(());
    };
    let state = row.state.clone();
    let machine = match from_stored::<AnyTask>(row) {
        Ok(machine) => machine,
        Err(e) if e.to_string().trim().is_empty() => {
            return Err(format!("refused without a message: {e:?}"));
        }
        Err(_) => return Ok(()),
    };
    if machine.state().as_str() != state {
        return Err(format!(
            "row in `{state}` restored in `{}`",
            machine.state().as_str()
        ));
    }
    let written = to_stored(&machine).map_err(|e| format!("cannot write {machine:?}: {e}"))?;
    if written.state != state || written.fingerprint != AnyTask::definition().fingerprint() {
        return Err(format!("{machine:?} written as {written:?}"));
    }
    let again: AnyTask = from_stored(written.clone())
        .map_err(|e| format!("{machine:?} written as {written:?} does not restore: {e}"))?;
    if again != machine {
        return Err(format!("{machine:?} came back as {again:?}"));
    }
    let rewritten = to_stored(&again).map_err(|e| format!("cannot write {again:?}: {e}"))?;
    if rewritten != written {
        return Err(format!("{written:?} rewritten as {rewritten:?}"));
    }
    Ok(())
}
