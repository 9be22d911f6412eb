//! The unreachable-state rule, case by case: which states it names, in
//! which order, and what it leaves to the other rules (duplicates,
//! misspelt sources, a missing or second initial state).

use stateforge_core::{ArmSpec, EventSpec, MachineSpec, Problem, Site, StateSpec, validate};

/// The states `validate` calls unreachable, with the index it names.
fn unreachable(spec: &MachineSpec) -> Vec<(String, usize)> {
    validate(spec)
        .into_iter()
        .filter_map(|p| match p {
            Problem::UnreachableState {
                state,
                site: Site::State(i),
            } => Some((state, i)),
            _ => None,
        })
        .collect()
}

fn spec(states: &[(&str, bool)], arms: &[(&[&str], &str)]) -> MachineSpec {
    let mut spec = MachineSpec::new("m");
    for &(name, initial) in states {
        spec = spec.state(if initial {
            StateSpec::initial(name)
        } else {
            StateSpec::new(name)
        });
    }
    for (i, &(from, to)) in arms.iter().enumerate() {
        spec =
            spec.event(EventSpec::new(format!("e{i}")).arm(ArmSpec::new(from.iter().copied(), to)));
    }
    spec
}

fn named(list: &[(&str, usize)]) -> Vec<(String, usize)> {
    list.iter().map(|&(s, i)| (s.to_owned(), i)).collect()
}

#[test]
fn states_no_path_reaches_are_named_in_declaration_order() {
    // a -> b -> c; e -> d, and nothing leads to e.
    let s = spec(
        &[
            ("a", true),
            ("e", false),
            ("b", false),
            ("d", false),
            ("c", false),
        ],
        &[(&["a"], "b"), (&["b"], "c"), (&["e"], "d"), (&["c"], "a")],
    );
    assert_eq!(unreachable(&s), named(&[("e", 1), ("d", 3)]));
}

#[test]
fn an_arm_from_several_states_leads_on_from_any_reached_one() {
    // x is unreachable, yet y is reached from a through the same arm.
    let s = spec(
        &[("a", true), ("x", false), ("y", false)],
        &[(&["x", "a"], "y"), (&["y"], "a")],
    );
    assert_eq!(unreachable(&s), named(&[("x", 1)]));
}

#[test]
fn a_duplicate_state_is_left_to_the_duplicate_rule() {
    // The second `b` is reported as a duplicate, not as unreachable.
    let s = spec(
        &[("a", true), ("b", false), ("b", false)],
        &[(&["a"], "b"), (&["b"], "a")],
    );
    assert_eq!(unreachable(&s), vec![]);
    assert!(
        validate(&s)
            .iter()
            .any(|p| matches!(p, Problem::DuplicateState { name, .. } if name == "b"))
    );
    // A duplicate of the initial state's name that is itself marked
    // initial still starts the search at the first declaration.
    let s = spec(&[("a", false), ("b", false), ("a", true)], &[(&["a"], "b")]);
    assert_eq!(unreachable(&s), vec![]);
}

#[test]
fn the_target_of_an_arm_from_a_misspelt_state_counts_as_meant_to_be_reached() {
    // `c` is only reached from "nowhere": the misspelling is reported, `c`
    // is not; `d`, which nothing names, is.
    let s = spec(
        &[("a", true), ("c", false), ("d", false)],
        &[
            (&["nowhere"], "c"),
            (&["c"], "a"),
            (&["a"], "a"),
            (&["d"], "a"),
        ],
    );
    assert_eq!(unreachable(&s), named(&[("d", 2)]));
}

#[test]
fn without_exactly_one_initial_state_nothing_is_called_unreachable() {
    let none = spec(&[("a", false), ("b", false)], &[(&["a"], "b")]);
    assert_eq!(unreachable(&none), vec![]);
    let two = spec(&[("a", true), ("b", true), ("c", false)], &[(&["a"], "b")]);
    assert_eq!(unreachable(&two), vec![]);
}
