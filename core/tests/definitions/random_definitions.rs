//! Random definitions, valid and invalid, from random specs and from
//! random JSON: validation never panics, an invalid spec is refused with
//! named problems, a valid one draws every diagram and survives any event
//! sequence.

use proptest::prelude::*;
use stateforge_core::{ArmSpec, Checks, Definition, EventSpec, MachineSpec, StateSpec, TimerSpec};

/// Names drawn from a small pool so that duplicates and unknown names are
/// common, plus a few invalid ones.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec!["a", "b", "c", "d", "e", "go", "stop"]).prop_map(str::to_owned),
        1 => prop::sample::select(vec!["", "1x", "with space", "ok::path", "é"]).prop_map(str::to_owned),
    ]
}

/// Specs that are valid by construction, or nearly: unique names, one
/// initial state, arms between declared states, then at most one
/// corruption. They reach the paths past validation that chaotic specs
/// rarely do.
fn structured_spec() -> impl Strategy<Value = MachineSpec> {
    (2usize..8, 1usize..6).prop_flat_map(|(n_states, n_events)| {
        let finals = prop::collection::vec(prop::bool::weighted(0.25), n_states);
        let arms = prop::collection::vec(
            prop::collection::vec((0..n_states, 0..n_states, prop::bool::weighted(0.2)), 1..4),
            n_events,
        );
        (finals, arms, 0u8..8, any::<(bool, bool)>()).prop_map(
            move |(finals, arms, corruption, (u, d))| {
                let mut spec = MachineSpec::new("m").checks(Checks {
                    unreachable: u,
                    dead_ends: d,
                });
                for (i, is_final) in finals.iter().enumerate() {
                    spec = spec.state(StateSpec {
                        name: format!("s{i}"),
                        initial: i == 0,
                        is_final: *is_final && i != 0,
                        ..StateSpec::default()
                    });
                }
                for (e, arms) in arms.iter().enumerate() {
                    let mut event = EventSpec::new(format!("e{e}"));
                    let mut used = std::collections::BTreeSet::new();
                    for &(from, to, guarded) in arms {
                        if spec.states[from].is_final || !used.insert(from) {
                            continue;
                        }
                        let arm = ArmSpec::new([format!("s{from}")], format!("s{to}"));
                        event = event.arm(if guarded { arm.guard("g") } else { arm });
                    }
                    spec = spec.event(event);
                }
                match corruption {
                    0 => spec.states[0].initial = false,
                    1 => spec.states.push(StateSpec::new("s0")),
                    2 => spec.events[0].arms.push(ArmSpec::new(["nowhere"], "s0")),
                    _ => {}
                }
                spec
            },
        )
    })
}

fn spec() -> impl Strategy<Value = MachineSpec> {
    prop_oneof![chaotic_spec(), structured_spec()]
}

fn chaotic_spec() -> impl Strategy<Value = MachineSpec> {
    let state =
        (name(), any::<bool>(), prop::bool::weighted(0.2)).prop_map(|(name, initial, is_final)| {
            StateSpec {
                name,
                initial,
                is_final,
                ..StateSpec::default()
            }
        });
    let arm = (
        prop::collection::vec(name(), 0..3),
        name(),
        prop::option::weighted(0.2, prop::sample::select(vec!["ok", "x::y", "bad guard"])),
    )
        .prop_map(|(from, to, guard)| ArmSpec {
            from,
            to,
            guard: guard.map(str::to_owned),
            action: None,
        });
    let event = (name(), prop::collection::vec(arm, 0..4))
        .prop_map(|(name, arms)| EventSpec { name, arms });
    let timer = (name(), name(), 0u64..100_000).prop_map(|(s, e, ms)| TimerSpec::new(s, e, ms));
    (
        name(),
        prop::collection::vec(state, 0..7),
        prop::collection::vec(event, 0..6),
        prop::collection::vec(timer, 0..2),
        any::<(bool, bool)>(),
    )
        .prop_map(
            |(name, states, events, timers, (unreachable, dead_ends))| MachineSpec {
                name,
                states,
                events,
                timers,
                checks: Checks {
                    unreachable,
                    dead_ends,
                },
                migrations: Vec::new(),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn every_spec_is_accepted_or_refused_with_named_problems(
        spec in spec(),
        events in prop::collection::vec(0usize..8, 0..40),
    ) {
        match Definition::new(spec.clone()) {
            Err(err) => {
                prop_assert!(!err.problems().is_empty());
                for p in err.problems() {
                    prop_assert!(!p.to_string().is_empty());
                }
            }
            Ok(def) => {
                prop_assert!(def.to_mermaid().starts_with("stateDiagram-v2"));
                let dot = def.to_dot();
                prop_assert!(dot.ends_with("}\n"), "{}", dot);
                // The picture lays out any valid machine (the macro draws
                // one for every machine's rustdoc): XML, every state, every arm.
                #[cfg(feature = "svg")]
                {
                    let svg = def.to_svg_marking(Some(def.initial()));
                    let doc = roxmltree::Document::parse(&svg);
                    prop_assert!(doc.is_ok(), "{:?}: {}", doc.err(), svg);
                    let doc = doc.unwrap();
                    let class = |c: &str| doc.descendants().filter(|n| n.attribute("class").is_some_and(|a| a.split(' ').any(|x| x == c))).count();
                    prop_assert_eq!(class("state"), def.states().len());
                    prop_assert_eq!(class("arm"), def.transitions().len());
                    prop_assert_eq!(class("current"), 1);
                }
                // Any event sequence: follow the table, never leave it.
                let mut state = def.initial();
                let all: Vec<_> = def.events().collect();
                for i in events {
                    if all.is_empty() { break; }
                    let event = all[i % all.len()];
                    if let Some(t) = def.transition(state, event) {
                        prop_assert_eq!(t.from, state);
                        prop_assert!(!def.is_final(state));
                        state = t.to;
                    }
                }
                prop_assert!(def.state_name(state).len() <= stateforge_core::MAX_NAME_LEN);
                // A flat machine is its own flattening: each state its own
                // leaf, each transition the arm and source it was written as.
                prop_assert!(!def.is_hierarchical());
                for s in def.states() {
                    prop_assert_eq!(def.leaves(s), [s.index()]);
                    prop_assert_eq!(def.state_name(s), def.spec().states[s.index()].name.as_str());
                    prop_assert!(def.remembered(s).is_empty());
                }
                for (i, t) in def.transitions().iter().enumerate() {
                    let [arm] = def.arms_of(i) else {
                        return Err(TestCaseError::fail("one arm per flat transition"));
                    };
                    let written = &def.spec().events[t.event.index()].arms[arm.arm];
                    prop_assert_eq!(&written.from[arm.source], def.state_name(t.from));
                    prop_assert_eq!(written.to.as_str(), def.state_name(t.to));
                    prop_assert_eq!(written.guard.as_deref(), t.guard.as_deref());
                }
                // The JSON form reads back as the same definition.
                #[cfg(feature = "serde")]
                {
                    let back = Definition::from_json(&def.to_json()).unwrap();
                    prop_assert_eq!(back.fingerprint(), def.fingerprint());
                }
                // So does the text the macro emits a definition as.
                let (states, events, timers) = def.spec().__to_text();
                let text = MachineSpec::__from_text(def.name(), &states, &events, &timers, def.spec().checks);
                prop_assert_eq!(&text, def.spec());
            }
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn arbitrary_json_never_panics(text in ".{0,200}") {
        let _ = Definition::from_json(&text);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn json_of_random_specs_is_checked_like_specs(spec in spec()) {
        let json = serde_json::to_string(&spec).unwrap();
        let from_json = Definition::from_json(&json);
        let direct = Definition::new(spec);
        prop_assert_eq!(from_json.is_ok(), direct.is_ok());
    }
}

#[test]
fn the_generator_makes_both_valid_and_invalid_specs() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = spec();
    let valid = (0..2000)
        .filter(|_| Definition::new(strategy.new_tree(&mut runner).unwrap().current()).is_ok())
        .count();
    eprintln!("{valid} of 2000 random specs are valid");
    // A generator that only makes invalid specs would test nothing past
    // validation.
    assert!(
        (20..1980).contains(&valid),
        "{valid} of 2000 random specs are valid"
    );
}

/// Machines of up to 16 states, the largest whose rustdoc the macro draws
/// (a tidy layout up to 8, a plain one above): valid by construction,
/// every state reachable, self-loops, parallel arms and cycles common.
#[cfg(feature = "svg")]
fn drawable_spec() -> impl Strategy<Value = MachineSpec> {
    (2usize..17).prop_flat_map(|n| {
        let arms = prop::collection::vec((0..n, 0..n, 0usize..6), 0..3 * n);
        let finals = prop::collection::vec(prop::bool::weighted(0.2), n);
        (arms, finals).prop_map(move |(arms, finals)| {
            let is_final = |i: usize| i != 0 && finals[i];
            let mut spec = MachineSpec::new("m").checks(Checks {
                unreachable: false,
                dead_ends: false,
            });
            for i in 0..n {
                spec = spec.state(StateSpec {
                    name: format!("s{i}"),
                    initial: i == 0,
                    is_final: is_final(i),
                    ..StateSpec::default()
                });
            }
            let mut events: Vec<EventSpec> =
                (0..6).map(|e| EventSpec::new(format!("e{e}"))).collect();
            let mut used = std::collections::BTreeSet::new();
            // A chain reaches every state, then the random arms.
            let chain = (1..n).map(|i| (i - 1, i, 5));
            for (from, to, e) in chain.chain(arms) {
                if !is_final(from) && used.insert((e, from)) {
                    events[e] = events[e]
                        .clone()
                        .arm(ArmSpec::new([format!("s{from}")], format!("s{to}")));
                }
            }
            for e in events.into_iter().filter(|e| !e.arms.is_empty()) {
                spec = spec.event(e);
            }
            spec
        })
    })
}

#[cfg(feature = "svg")]
proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Layout-rs asserts on its input: the macro must never panic drawing
    /// a machine, tidy or plain.
    #[test]
    fn every_machine_the_macro_draws_lays_out(spec in drawable_spec()) {
        let def = Definition::new(spec).unwrap();
        // As the macro draws them: the tidy layout, slow on large
        // machines, only up to 8 states.
        for optimize in [true, false].into_iter().filter(|&o| !o || def.states().len() <= 8) {
            let svg = def.__to_svg(optimize);
            let doc = roxmltree::Document::parse(&svg);
            prop_assert!(doc.is_ok(), "{:?}: {}", doc.err(), svg);
            prop_assert_eq!(svg.matches("<path class=\"arm\"").count(), def.transitions().len());
        }
    }
}

/// The machine on which layout-rs first asserted (found by the property
/// above): parallel arms both ways between two states, one of them with a
/// self-loop. It is drawn anyway, laid out again without the failing phase.
#[cfg(feature = "svg")]
#[test]
fn a_machine_the_layout_asserts_on_is_drawn_anyway() {
    let arm = |from: &str, to: &str| ArmSpec::new([from], to);
    let spec = MachineSpec::new("m")
        .checks(Checks {
            unreachable: false,
            dead_ends: false,
        })
        .state(StateSpec::initial("s0"))
        .state(StateSpec::new("s1"))
        .state(StateSpec::final_state("s2"))
        .state(StateSpec::new("s3"))
        .event(
            EventSpec::new("e0")
                .arm(arm("s0", "s1"))
                .arm(arm("s1", "s1"))
                .arm(arm("s3", "s0")),
        )
        .event(EventSpec::new("e1").arm(arm("s0", "s1")))
        .event(EventSpec::new("e2").arm(arm("s1", "s0")))
        .event(
            EventSpec::new("e5")
                .arm(arm("s0", "s1"))
                .arm(arm("s1", "s2")),
        );
    let def = Definition::new(spec).unwrap();
    for svg in [def.to_svg(), def.__to_svg(false)] {
        assert!(roxmltree::Document::parse(&svg).is_ok(), "{svg}");
        assert_eq!(svg.matches("<path class=\"arm\"").count(), 7);
        assert_eq!(svg.matches("<g class=\"state").count(), 4);
    }
}
