//! The size of an expansion, for the compile-time measurements of
//! BENCHMARKS.md ("Compile time"). Not a check: run by hand with
//!
//! ```sh
//! python3 scripts/gen_machine.py 100,50,500 stateforge > /tmp/big.rs
//! STATEFORGE_SIZE_INPUT=/tmp/big.rs cargo test -p stateforge-macros \
//!     expansion_size -- --ignored --nocapture
//! ```
//!
//! It prints the expansion's tokens (a group's delimiters count as two),
//! the bytes of its `#[doc]` strings, the tokens of the items that build
//! the definition and of the refusal module, and the time the macro takes
//! in this unoptimized build: parsing, checking, all of it.

use proc_macro2::{TokenStream, TokenTree};

fn count(tokens: &TokenStream) -> usize {
    tokens
        .clone()
        .into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => 2 + count(&g.stream()),
            _ => 1,
        })
        .sum()
}

/// Bytes of the string literals right after `doc =`.
fn doc_bytes(tokens: &TokenStream) -> usize {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut bytes = 0;
    for (i, t) in trees.iter().enumerate() {
        match t {
            TokenTree::Group(g) => bytes += doc_bytes(&g.stream()),
            TokenTree::Ident(id) if id == "doc" => {
                if let (Some(TokenTree::Punct(p)), Some(TokenTree::Literal(l))) =
                    (trees.get(i + 1), trees.get(i + 2))
                    && p.as_char() == '='
                {
                    bytes += l.to_string().len().saturating_sub(2);
                }
            }
            _ => {}
        }
    }
    bytes
}

/// Tokens of the largest brace group that follows an ident called `name`.
fn group_after(tokens: &TokenStream, name: &str) -> usize {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut largest = 0;
    for (i, t) in trees.iter().enumerate() {
        match t {
            TokenTree::Ident(id) if id == name => {
                let group = trees[i + 1..].iter().find_map(|t| match t {
                    TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace => {
                        Some(count(&g.stream()) + 2)
                    }
                    _ => None,
                });
                largest = largest.max(group.unwrap_or(0));
            }
            TokenTree::Group(g) => largest = largest.max(group_after(&g.stream(), name)),
            _ => {}
        }
    }
    largest
}

#[test]
#[ignore = "a measurement, run by hand"]
fn expansion_size() {
    let path = std::env::var("STATEFORGE_SIZE_INPUT").expect("STATEFORGE_SIZE_INPUT");
    let source = std::fs::read_to_string(path).unwrap();
    let file: syn::File = syn::parse_str(&source).unwrap();
    let syn::Item::Macro(item) = &file.items[0] else {
        panic!("the first item is not `state_machine! {{ .. }}`")
    };
    let tokens: TokenStream = format!("::stateforge; {}", item.mac.tokens)
        .parse()
        .unwrap();
    let expanded = crate::expand::state_machine(tokens.clone());
    // Where the macro's own time goes, in this (unoptimized, as cargo
    // builds a proc macro in the dev profile) test build.
    let runs = 20;
    let time = |f: &dyn Fn()| {
        let start = std::time::Instant::now();
        for _ in 0..runs {
            f();
        }
        start.elapsed() / runs
    };
    let parse = time(&|| {
        let _ = syn::parse2::<crate::ast::Input>(tokens.clone()).unwrap();
    });
    let check = time(&|| {
        let input = syn::parse2::<crate::ast::Input>(tokens.clone()).unwrap();
        let _ = crate::check::check(input).map_err(|_| ()).unwrap();
    });
    let all = time(&|| {
        let _ = crate::expand::state_machine(tokens.clone());
    });
    println!("macro time: parse {parse:?}; parse + check {check:?}; all {all:?}");
    println!(
        "tokens {}; doc bytes {}; fn definition() {}; refusal module {:?}",
        count(&expanded),
        doc_bytes(&expanded),
        group_after(&expanded, "definition"),
        refusal_tokens(&expanded),
    );
}

/// Tokens of the hidden `mod __sf_*` (refusal traits) and of the refused
/// methods' where clauses are not separable by name; the module is.
fn refusal_tokens(tokens: &TokenStream) -> Option<usize> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    trees
        .iter()
        .enumerate()
        .find_map(|(i, t)| match (t, trees.get(i + 1), trees.get(i + 2)) {
            (TokenTree::Ident(m), Some(TokenTree::Ident(n)), Some(TokenTree::Group(g)))
                if m == "mod" && n.to_string().starts_with("__sf_") =>
            {
                Some(count(&g.stream()) + 2)
            }
            _ => None,
        })
}
