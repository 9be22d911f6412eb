//! Replays the `stored_row` fuzz target's corpus and regressions
//! (`fuzz/corpus/stored_row/`, `fuzz/regressions/stored_row/`) through the
//! same property.

use crate::stored_row_property as property;

#[path = "../../fuzz/replay.rs"]
mod replay;

#[test]
fn the_fuzz_corpus_and_regressions_keep_the_property() {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    replay::replay(&fuzz, "stored_row", property::stored_row);
}
