//! Random machines with compound and parallel states: validation and
//! flattening never panic, and a valid one flattens into configurations
//! made of leaves, whose transitions stay in the table.

use proptest::prelude::*;
use stateforge_core::{ArmSpec, Checks, Definition, EventSpec, MachineSpec, StateKind, StateSpec};

/// Trees of up to nine states, each child declared after its parent,
/// with random kinds and marks, and arms between random states (some
/// from `done(..)`): valid now and then, and broken in every way.
fn tree_spec() -> impl Strategy<Value = MachineSpec> {
    (2usize..10, 1usize..6).prop_flat_map(|(n, n_events)| {
        let state = (
            prop::option::weighted(0.6, 0usize..10),
            prop::sample::select(vec![
                StateKind::Atomic,
                StateKind::Atomic,
                StateKind::Compound,
                StateKind::Parallel,
            ]),
            prop::bool::weighted(0.4),
            prop::bool::weighted(0.25),
            prop::bool::weighted(0.1),
        );
        let arm = (
            prop::collection::vec((0..n, prop::bool::weighted(0.1)), 1..3),
            0..n,
            prop::bool::weighted(0.2),
        );
        (
            prop::collection::vec(state, n),
            prop::collection::vec(prop::collection::vec(arm, 1..3), n_events),
            any::<(bool, bool)>(),
        )
            .prop_map(move |(states, events, (unreachable, dead_ends))| {
                let name = |i: usize| format!("s{i}");
                let mut spec = MachineSpec::new("m").checks(Checks {
                    unreachable,
                    dead_ends,
                });
                for (i, (parent, kind, initial, is_final, history)) in
                    states.into_iter().enumerate()
                {
                    spec = spec.state(StateSpec {
                        name: name(i),
                        initial,
                        is_final,
                        parent: parent.filter(|&p| p < i).map(name),
                        kind,
                        history,
                        ..StateSpec::default()
                    });
                }
                for (e, arms) in events.into_iter().enumerate() {
                    let mut event = EventSpec::new(format!("e{e}"));
                    for (from, to, guarded) in arms {
                        let from: Vec<String> = from
                            .into_iter()
                            .map(|(s, done)| {
                                if done {
                                    format!("done({})", name(s))
                                } else {
                                    name(s)
                                }
                            })
                            .collect();
                        let mut arm = ArmSpec::new(from, name(to));
                        if guarded {
                            arm = arm.guard("ok");
                        }
                        event = event.arm(arm);
                    }
                    spec = spec.event(event);
                }
                spec
            })
    })
}

/// One compound state with history or not, and one parallel state of two
/// regions, with random arms among them (some from `done(p)`): valid
/// often, so that the flattening itself is exercised.
fn shaped_spec() -> impl Strategy<Value = MachineSpec> {
    let names = [
        "a0", "c", "c0", "c1", "c2", "p", "r0", "r0a", "r0b", "r1", "r1a", "r1b", "z",
    ];
    let sources = ["a0", "c", "c0", "c1", "c2", "p", "r0a", "r1a", "done(p)"];
    let arm = (
        prop::sample::subsequence(sources.to_vec(), 1..3),
        prop::sample::select(names.to_vec()),
        prop::bool::weighted(0.2),
    );
    (
        1usize..4,
        any::<bool>(),
        prop::collection::vec(prop::collection::vec(arm, 1..3), 1..6),
        any::<(bool, bool)>(),
    )
        .prop_map(
            move |(children, history, events, (unreachable, dead_ends))| {
                let mut compound = StateSpec::compound("c");
                compound.history = history;
                let mut spec = MachineSpec::new("m")
                    .checks(Checks {
                        unreachable,
                        dead_ends,
                    })
                    .state(StateSpec::initial("a0"))
                    .state(compound);
                for child in 0..children {
                    let mut state = StateSpec::new(format!("c{child}")).child_of("c");
                    state.initial = child == 0;
                    spec = spec.state(state);
                }
                spec = spec.state(StateSpec::parallel("p"));
                for region in ["r0", "r1"] {
                    spec = spec
                        .state(StateSpec::compound(region).child_of("p"))
                        .state(StateSpec::initial(format!("{region}a")).child_of(region))
                        .state(StateSpec::final_state(format!("{region}b")).child_of(region));
                }
                spec = spec.state(StateSpec::final_state("z"));
                for (e, arms) in events.into_iter().enumerate() {
                    let mut event = EventSpec::new(format!("e{e}"));
                    for (from, to, guarded) in arms {
                        let to = if to.starts_with('c')
                            && to.len() == 2
                            && to[1..].parse::<usize>().unwrap_or(0) >= children
                        {
                            "c"
                        } else {
                            to
                        };
                        let from = from.into_iter().map(|f| {
                            if f.starts_with('c')
                                && f.len() == 2
                                && f[1..].parse::<usize>().unwrap_or(0) >= children
                            {
                                "c"
                            } else {
                                f
                            }
                        });
                        let mut arm = ArmSpec::new(from, to);
                        if guarded {
                            arm = arm.guard("ok");
                        }
                        event = event.arm(arm);
                    }
                    spec = spec.event(event);
                }
                spec
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn every_tree_is_flattened_or_refused_with_named_problems(
        spec in prop_oneof![tree_spec(), shaped_spec()],
        events in prop::collection::vec(0usize..8, 0..40),
    ) {
        let def = match Definition::new(spec.clone()) {
            Err(err) => {
                prop_assert!(!err.problems().is_empty());
                return Ok(());
            }
            Ok(def) => def,
        };
        let states = &def.spec().states;
        let has_children = |i: usize| states.iter().any(|s| s.parent.as_deref() == Some(states[i].name.as_str()));
        for s in def.states() {
            let leaves = def.leaves(s);
            prop_assert!(!leaves.is_empty());
            for &leaf in leaves {
                prop_assert!(!has_children(leaf), "{} in {}", states[leaf].name, def.state_name(s));
            }
            prop_assert_eq!(def.state_id(def.state_name(s)), Some(s));
            if def.is_final(s) {
                prop_assert_eq!(def.events_from(s).count(), 0);
            }
        }
        for (i, t) in def.transitions().iter().enumerate() {
            prop_assert!(!def.arms_of(i).is_empty());
            for arm in def.arms_of(i) {
                prop_assert!(arm.arm < def.spec().events[t.event.index()].arms.len());
            }
        }
        let mut state = def.initial();
        let all: Vec<_> = def.events().collect();
        for i in events {
            let event = all[i % all.len()];
            if let Some(t) = def.transition(state, event) {
                prop_assert_eq!(t.from, state);
                state = t.to;
            }
        }
        prop_assert!(def.to_mermaid().starts_with("stateDiagram-v2"));
        let dot = def.to_dot();
        prop_assert!(dot.ends_with("}\n"), "{}", dot);
        #[cfg(feature = "serde")]
        {
            let back = Definition::from_json(&def.to_json()).unwrap();
            prop_assert_eq!(back.fingerprint(), def.fingerprint());
        }
        let (s, e, t) = def.spec().__to_text();
        prop_assert_eq!(&MachineSpec::__from_text(def.name(), &s, &e, &t, def.spec().checks), def.spec());
    }
}

/// The generator reaches past validation often enough to mean something.
#[test]
fn the_generator_makes_valid_hierarchies() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = shaped_spec();
    let (mut valid, mut nested) = (0, 0);
    for _ in 0..3000 {
        let spec = strategy.new_tree(&mut runner).unwrap().current();
        if let Ok(def) = Definition::new(spec) {
            valid += 1;
            nested += usize::from(def.is_hierarchical());
        }
    }
    assert!(nested >= 100, "{valid} valid, {nested} hierarchical");
}
