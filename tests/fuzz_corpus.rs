//! Replays the `stored_row` fuzz target's corpus and regressions
//! (`fuzz/corpus/stored_row/`, `fuzz/regressions/stored_row/`)
//! through the same property, so plain `cargo test` keeps every input the
//! fuzzer found interesting, without cargo-fuzz or a nightly toolchain.

use std::path::{Path, PathBuf};

#[path = "fuzz_properties/stored_row.rs"]
mod property;

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

#[test]
fn the_fuzz_corpus_and_regressions_keep_the_property() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let corpus = inputs(&fuzz.join("corpus/stored_row"), true);
    let regressions = inputs(&fuzz.join("regressions/stored_row"), false);
    let mut failures = Vec::new();
    for file in corpus.iter().chain(&regressions) {
        let data = std::fs::read(file).unwrap();
        if let Err(e) = property::stored_row(&data) {
            failures.push(format!("{}: {e}", file.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
