//! Compound and parallel states in the declaration: how the parser reads
//! states written inside states, and the errors of their syntax and of
//! the nesting rules only the macro has.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{Input, Item, StateDecl};

fn parse(tokens: TokenStream) -> syn::Result<Input> {
    syn::parse2::<Input>(tokens)
}

fn errors(tokens: TokenStream) -> Vec<String> {
    match parse(tokens).and_then(crate::check::check) {
        Ok(_) => Vec::new(),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn states(input: &Input) -> Vec<&StateDecl> {
    input
        .machine
        .items
        .iter()
        .filter_map(|i| match i {
            Item::State(s) => Some(&**s),
            _ => None,
        })
        .collect()
}

#[test]
fn parses_children_regions_and_modifiers() {
    let input = parse(quote! {
        crate;
        machine Run {
            initial state Queued;
            history state Active {
                initial state Assigned { agent: String }
                state InProgress { agent: String }
            }
            parallel state Building {
                region Tests { initial state Running; final state Passed; }
                region Docs { initial state Writing; final state Written; }
            }
            final state Released;
            event release: done(Building) | Active -> Released;
        }
    })
    .unwrap();
    let states = states(&input);
    let active = states[1];
    assert!(active.history.is_some() && active.has_children);
    assert_eq!(active.children.len(), 2);
    assert!(active.children[0].initial.is_some());
    assert_eq!(active.children[0].fields[0].name, "agent");
    let building = states[2];
    assert!(building.parallel.is_some());
    let regions: Vec<_> = building
        .children
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    assert_eq!(regions, ["Tests", "Docs"]);
    assert!(building.children.iter().all(|r| r.region.is_some()));
    assert!(building.children[0].children[1].final_.is_some());
    let Some(Item::Event(release)) = input.machine.items.last() else {
        panic!("expected an event");
    };
    let sources: Vec<_> = release.arms[0]
        .sources
        .iter()
        .map(|s| s.spec_text())
        .collect();
    assert_eq!(sources, ["done(Building)", "Active"]);
}

#[test]
fn fields_named_like_keywords_are_fields() {
    let input = parse(quote! {
        crate;
        machine Log {
            initial state Open { state: u8, history: String, region: u8, parallel: bool, initial: u8 }
        }
    })
    .unwrap();
    let open = states(&input)[0];
    let names: Vec<_> = open.fields.iter().map(|f| f.name.to_string()).collect();
    assert_eq!(names, ["state", "history", "region", "parallel", "initial"]);
    assert!(open.children.is_empty() && !open.has_children);
}

#[test]
fn nesting_syntax_errors_say_what_was_expected() {
    let cases: &[(TokenStream, &str)] = &[
        (
            quote!(crate; machine T { parallel state P { initial region R { initial state A; } } }),
            "`initial` cannot mark a region",
        ),
        (
            quote!(crate; machine T { parallel state P { region R; } }),
            "a region holds states",
        ),
        (
            quote!(crate; machine T { parallel state P { region R { x: u8 } } }),
            "region `R` holds states, not fields",
        ),
        (
            quote!(crate; machine T { state A { state B; x: u8 } }),
            "fields come first",
        ),
        (
            quote!(crate; machine T { state A { x: u8 y: u8 } }),
            "expected `,` after a field of `A`",
        ),
        (
            quote!(crate; machine T { state A { event go: B -> C; } }),
            "only states are written inside state `A`",
        ),
        (
            quote!(crate; machine T { history history state A { initial state B; } }),
            "`history` is written twice",
        ),
        (
            quote!(crate; machine T { initial state A; event go: done() -> A; }),
            "name the parallel state in `done(...)`",
        ),
        (
            quote!(crate; machine T { initial state A; event go: done(A B) -> A; }),
            "`done(...)` names one parallel state",
        ),
        (
            quote!(crate; machine T { initial state A; event go: A -> done(A); }),
            "`done(...)` is a source only",
        ),
    ];
    for (tokens, expected) in cases {
        let errs = errors(tokens.clone());
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "{tokens}: expected an error containing {expected:?}, got {errs:?}"
        );
    }
}

#[test]
fn nesting_rules_of_the_macro_are_reported_together() {
    let errs = errors(quote! {
        crate;
        machine T {
            initial state A { x: u8, initial state B; }
            region R { initial state C; }
            parallel state P { state D; }
            parallel state Q;
            event go: B -> C, C -> D, D -> Q;
        }
    });
    let expected = [
        "state `A` holds states, so it has no fields of its own",
        "region `R` is not inside a `parallel state`",
        "state `D` is written directly in parallel state `P`",
        "parallel state `Q` has no regions",
    ];
    for e in expected {
        assert!(
            errs.iter().any(|m| m.contains(e)),
            "missing {e:?} in {errs:?}"
        );
    }
}

#[test]
fn a_state_may_not_take_the_name_of_a_generated_marker_trait() {
    let errs = errors(quote! {
        crate;
        machine T {
            initial state Active { initial state InActive; state B; }
            final state Done;
            event go: InActive -> B;
            event end: Active -> Done;
        }
    });
    assert!(
        errs.iter()
            .any(|e| e.contains("state `InActive` collides with the trait `InActive`")),
        "{errs:?}"
    );
}

#[test]
fn a_flat_machine_has_no_marker_traits_and_keeps_its_state_names() {
    let model = parse(quote! {
        crate;
        machine T { initial state A; final state B; event go: A -> B; }
    })
    .and_then(crate::check::check)
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(model.compounds.is_empty() && model.products.is_empty());
    let stored: Vec<_> = model.states.iter().map(|s| s.stored.as_str()).collect();
    assert_eq!(stored, ["a", "b"]);
}

#[test]
fn a_former_name_on_a_compound_state_is_one_error() {
    let errs = errors(quote! {
        crate;
        machine Task {
            initial state Open;
            state Active (was Busy) { initial state Working; }
            final state Done;
            event start: Open -> Active;
            event finish: Active -> Done;
        }
    });
    assert_eq!(
        errs,
        [
            "state `Active` is never stored itself, so it has no former name; write `was` on the states inside it"
        ]
    );
}

#[test]
fn each_memory_of_a_history_state_is_a_typed_state_of_its_own() {
    let model = parse(quote! {
        crate;
        machine Player {
            initial state Off;
            history state On { initial state Playing; state Paused; }
            event power: Off -> On, On -> Off;
            event pause: Playing -> Paused;
        }
    })
    .and_then(crate::check::check)
    .unwrap_or_else(|e| panic!("{e}"));
    let typed: Vec<_> = model
        .states
        .iter()
        .map(|s| (s.ident.to_string(), s.stored.as_str()))
        .collect();
    assert_eq!(
        typed,
        [
            ("Off".to_owned(), "off"),
            ("Playing".to_owned(), "on.playing"),
            ("Paused".to_owned(), "on.paused"),
            ("OffRememberingPaused".to_owned(), "off[on.paused]"),
        ]
    );
    let structs: Vec<_> = model
        .remembering
        .iter()
        .map(|r| (r.ident.to_string(), r.inner.to_string()))
        .collect();
    assert_eq!(
        structs,
        [("OffRememberingPaused".to_owned(), "Off".to_owned())]
    );
}

#[test]
fn a_memory_typed_as_a_declared_state_is_refused_at_history() {
    let errs = errors(quote! {
        crate;
        machine Player {
            initial state Off;
            history state On { initial state Playing; state Paused; }
            state OffRememberingPaused;
            event power: Off -> On, On -> Off;
            event pause: Playing -> Paused;
            event skip: Off -> OffRememberingPaused;
            event back: OffRememberingPaused -> Off;
        }
    });
    assert_eq!(
        errs,
        [
            "configuration `off[on.paused]` remembers what history state `On` was left in, so it is typed `OffRememberingPaused`, which is already state `OffRememberingPaused`; rename state `OffRememberingPaused`"
        ]
    );
}
