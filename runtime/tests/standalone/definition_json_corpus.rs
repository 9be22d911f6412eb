//! Replays the `definition_json` fuzz target's corpus and regressions
//! (`fuzz/corpus/definition_json/`, `fuzz/regressions/definition_json/`)
//! through the same property.

#[path = "../fuzz_properties/definition_json.rs"]
mod property;
#[path = "../../../fuzz/replay.rs"]
mod replay;

#[test]
fn the_fuzz_corpus_and_regressions_keep_the_property() {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    replay::replay(&fuzz, "definition_json", property::definition_json);
}
