//! Replays the `macro_input` fuzz target's corpus and regressions
//! (`fuzz/corpus/macro_input/`, `fuzz/regressions/macro_input/`) through
//! the same property.

#[path = "../../fuzz/replay.rs"]
mod replay;

#[test]
fn the_fuzz_corpus_and_regressions_keep_the_property() {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    replay::replay(&fuzz, "macro_input", crate::fuzz_property::macro_input);
}
