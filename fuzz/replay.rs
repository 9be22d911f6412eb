//! Replays a fuzz target's corpus and regressions through its property,
//! so plain `cargo test` keeps every input the fuzzer found interesting,
//! without cargo-fuzz or a nightly toolchain. Included by `#[path]` in the
//! replay test of each crate that owns a target's code.

use std::path::{Path, PathBuf};

/// Every input file in `dir`; fails if the directory is missing, or empty
/// while `must_have_inputs`, so that a moved corpus cannot pass silently.
/// `README.md` says what the directory is for and is not an input.
fn inputs(dir: &Path, must_have_inputs: bool) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    assert!(
        !must_have_inputs || !files.is_empty(),
        "no inputs in {}",
        dir.display()
    );
    files
}

/// Runs `property` on every file of `fuzz/corpus/<target>/` (which must
/// hold some) and `fuzz/regressions/<target>/`, and fails listing every
/// input it refused.
pub(crate) fn replay(fuzz: &Path, target: &str, property: impl Fn(&[u8]) -> Result<(), String>) {
    let corpus = inputs(&fuzz.join("corpus").join(target), true);
    let regressions = inputs(&fuzz.join("regressions").join(target), false);
    let mut failures = Vec::new();
    for file in corpus.iter().chain(&regressions) {
        let data = std::fs::read(file).unwrap();
        if let Err(e) = property(&data) {
            failures.push(format!("{}: {e}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
