//! Replays the `stored_row` fuzz target's corpus and regressions
//! (`fuzz/corpus/stored_row/`, `fuzz/regressions/stored_row/`) through the
//! same property.

// Stores need the `sqlite` feature (a default one).
#![cfg(feature = "sqlite")]

#[path = "fuzz_properties/stored_row.rs"]
mod property;
#[path = "../fuzz/replay.rs"]
mod replay;

#[test]
fn the_fuzz_corpus_and_regressions_keep_the_property() {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    replay::replay(&fuzz, "stored_row", property::stored_row);
}
