//! Expansion snapshots: each `macros/tests/expand/NAME.rs` holds a machine
//! declaration; its expansion, formatted by prettyplease, must equal
//! `NAME.expanded.rs` (or `NAME.expanded.serde.rs` with the `serde`
//! feature). `STATEFORGE_BLESS=1 cargo test -p stateforge-macros` rewrites
//! them; review the diff like code.

use std::path::Path;

#[test]
fn expansions_match_their_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let bless = std::env::var_os("STATEFORGE_BLESS").is_some();
    let suffix = if cfg!(feature = "serde") {
        "expanded.serde.rs"
    } else {
        "expanded.rs"
    };
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .matches('.')
                .count()
                == 1
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    let mut stale = Vec::new();
    for input in inputs {
        let source = std::fs::read_to_string(&input).unwrap();
        let tokens: proc_macro2::TokenStream = format!("::stateforge; {source}").parse().unwrap();
        let expanded = crate::expand::state_machine(tokens);
        let file: syn::File = syn::parse2(expanded).expect("the expansion is valid Rust");
        let pretty = prettyplease::unparse(&file);
        let snapshot = input.with_extension(suffix);
        if bless {
            std::fs::write(&snapshot, &pretty).unwrap();
        } else if std::fs::read_to_string(&snapshot).ok().as_deref() != Some(pretty.as_str()) {
            stale.push(snapshot.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "expansions changed: {stale:?}; run `STATEFORGE_BLESS=1 cargo test -p stateforge-macros` (and with `--features serde`) and review the diff"
    );
}

/// The machine's rustdoc shows a picture up to 16 states, the Mermaid
/// text past them.
#[test]
fn small_machines_get_a_picture_and_large_ones_the_text() {
    let doc = |states: usize| {
        let names: Vec<String> = (0..states).map(|i| format!("S{i}")).collect();
        let mut source = format!("::stateforge; machine M {{ initial state {};", names[0]);
        for n in &names[1..states - 1] {
            source.push_str(&format!(" state {n};"));
        }
        source.push_str(&format!(" final state {};", names[states - 1]));
        for (i, pair) in names.windows(2).enumerate() {
            source.push_str(&format!(" event e{i}: {} -> {};", pair[0], pair[1]));
        }
        source.push('}');
        crate::expand::state_machine(source.parse().unwrap()).to_string()
    };
    let small = doc(16);
    assert!(small.contains("<svg "), "{small}");
    assert!(!small.contains("stateDiagram-v2"));
    let large = doc(17);
    assert!(large.contains("stateDiagram-v2"));
    assert!(!large.contains("<svg "));
}
