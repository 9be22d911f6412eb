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
