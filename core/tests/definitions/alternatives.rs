//! Guarded alternatives: several arms of one event out of one state, tried
//! in declaration order, an unguarded one last as the else.

use stateforge_core::{
    ArmSpec, Checks, Definition, EventSpec, MachineSpec, Problem, Site, StateSpec, validate,
};

/// An order decided by `good`, else by `bad`, else rejected for review;
/// `cancel` leaves both `submitted` and `held` with alternatives of its
/// own out of `submitted` only.
fn order(decide: EventSpec) -> MachineSpec {
    MachineSpec::new("order")
        .state(StateSpec::initial("submitted"))
        .state(StateSpec::new("held"))
        .state(StateSpec::final_state("accepted"))
        .state(StateSpec::final_state("rejected"))
        .state(StateSpec::final_state("review"))
        .event(EventSpec::new("hold").arm(ArmSpec::new(["submitted"], "held")))
        .event(decide)
}

/// The cases below leave some states unreached, which is not their point.
fn reachable_or_not() -> Checks {
    Checks {
        unreachable: false,
        dead_ends: true,
    }
}

fn decide() -> EventSpec {
    EventSpec::new("decide")
        .arm(ArmSpec::new(["submitted", "held"], "accepted").guard("good"))
        .arm(ArmSpec::new(["submitted"], "rejected").guard("bad"))
        .arm(ArmSpec::new(["submitted"], "review").action("notify"))
        .arm(ArmSpec::new(["held"], "review"))
}

fn tried(def: &Definition, state: &str, event: &str) -> Vec<(String, Option<String>)> {
    let (s, e) = (def.state_id(state).unwrap(), def.event_id(event).unwrap());
    def.alternatives(s, e)
        .iter()
        .map(|t| {
            assert_eq!((t.from, t.event), (s, e));
            (
                def.state_name(t.to).to_owned(),
                t.guard.as_deref().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn alternatives_are_tried_in_declaration_order_per_source() {
    let def = Definition::new(order(decide())).unwrap();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        tried(&def, "submitted", "decide"),
        [
            ("accepted".to_owned(), some("good")),
            ("rejected".to_owned(), some("bad")),
            ("review".to_owned(), None),
        ]
    );
    assert_eq!(
        tried(&def, "held", "decide"),
        [
            ("accepted".to_owned(), some("good")),
            ("review".to_owned(), None)
        ]
    );
    assert_eq!(tried(&def, "submitted", "hold").len(), 1);
    assert!(tried(&def, "accepted", "decide").is_empty());
    // `transition` gives the first alternative; every arm is one transition.
    let (submitted, decide) = (def.initial(), def.event_id("decide").unwrap());
    assert_eq!(
        def.state_name(def.transition(submitted, decide).unwrap().to),
        "accepted"
    );
    assert!(def.has_alternatives(submitted, decide));
    assert!(!def.has_alternatives(submitted, def.event_id("hold").unwrap()));
    assert_eq!(def.transitions().len(), 6);
    assert_eq!(
        def.events_from(submitted)
            .map(|e| def.event_name(e))
            .collect::<Vec<_>>(),
        ["hold", "decide"]
    );
}

#[test]
fn guarded_alternatives_without_an_else_are_valid() {
    let decide = EventSpec::new("decide")
        .arm(ArmSpec::new(["submitted", "held"], "accepted").guard("good"))
        .arm(ArmSpec::new(["submitted", "held"], "rejected").guard("bad"))
        .arm(ArmSpec::new(["submitted"], "review").guard("unsure"));
    assert_eq!(validate(&order(decide)), []);
}

#[test]
fn an_alternative_after_an_unguarded_one_is_refused_at_its_source() {
    let decide = EventSpec::new("decide")
        .arm(ArmSpec::new(["submitted"], "accepted").guard("good"))
        .arm(ArmSpec::new(["held", "submitted"], "rejected"))
        .arm(ArmSpec::new(["submitted"], "review").guard("unsure"))
        .arm(ArmSpec::new(["held"], "review"));
    let problems = validate(&order(decide));
    assert_eq!(
        problems,
        [
            Problem::AlternativeAfterElse {
                event: "decide".into(),
                state: "submitted".into(),
                site: Site::ArmSource {
                    event: 1,
                    arm: 2,
                    source: 0
                },
            },
            Problem::AlternativeAfterElse {
                event: "decide".into(),
                state: "held".into(),
                site: Site::ArmSource {
                    event: 1,
                    arm: 3,
                    source: 0
                },
            },
        ]
    );
    assert_eq!(
        problems[0].to_string(),
        "event `decide` already leaves state `submitted` by a transition without a guard, \
         so this one would never be tried; give the earlier one a guard, or put the \
         unguarded one last"
    );
}

#[test]
fn two_unguarded_arms_out_of_one_state_are_refused() {
    let decide = EventSpec::new("decide")
        .arm(ArmSpec::new(["submitted", "held"], "accepted"))
        .arm(ArmSpec::new(["submitted"], "rejected"));
    assert!(matches!(
        validate(&order(decide).checks(reachable_or_not())).as_slice(),
        [Problem::AlternativeAfterElse { state, .. }] if state == "submitted"
    ));
}

#[test]
fn one_arm_naming_a_source_twice_is_refused() {
    let decide = EventSpec::new("decide")
        .arm(ArmSpec::new(["submitted", "held", "submitted"], "accepted").guard("good"));
    let problems = validate(&order(decide).checks(reachable_or_not()));
    assert_eq!(
        problems,
        [Problem::DuplicateArm {
            event: "decide".into(),
            state: "submitted".into(),
            site: Site::ArmSource {
                event: 1,
                arm: 0,
                source: 2
            },
        }]
    );
    assert_eq!(
        problems[0].to_string(),
        "event `decide` lists state `submitted` twice in one transition; list it once"
    );
}

#[test]
fn the_order_of_alternatives_is_part_of_the_fingerprint() {
    let def = Definition::new(order(decide())).unwrap();
    let mut swapped = decide();
    swapped.arms.swap(0, 1);
    // `held` keeps its order; `submitted` tries `bad` first now.
    let other = Definition::new(order(swapped)).unwrap();
    assert_ne!(other.fingerprint(), def.fingerprint());
    // Arms of other sources, and events, may move freely.
    let mut moved = order(decide());
    moved.events.reverse();
    moved.events[0].arms.swap(2, 3);
    assert_eq!(
        Definition::new(moved).unwrap().fingerprint(),
        def.fingerprint()
    );
}

#[test]
fn alternatives_survive_the_compiled_text() {
    let def = Definition::new(order(decide())).unwrap();
    let spec = def.spec();
    let (states, events, timers) = spec.__to_text();
    let back = Definition::__compiled("order", &states, &events, &timers, true, true);
    assert_eq!(back, def);
    assert_eq!(back.fingerprint(), def.fingerprint());
    assert_eq!(back.transitions(), def.transitions());
}

#[cfg(feature = "serde")]
#[test]
fn alternatives_survive_json_in_format_1() {
    let def = Definition::new(order(decide())).unwrap();
    let json = def.to_json();
    assert!(json.contains("\"format\": 1"), "{json}");
    let back = Definition::from_json(&json).unwrap();
    assert_eq!(back.transitions(), def.transitions());
    assert_eq!(back.fingerprint(), def.fingerprint());
}

#[test]
fn diagrams_show_each_alternative_and_the_else() {
    let def = Definition::new(order(decide())).unwrap();
    let mermaid = def.to_mermaid();
    for line in [
        "    submitted --> accepted: decide [good]\n",
        "    submitted --> rejected: decide [bad]\n",
        "    submitted --> review: decide [else]\n",
        "    held --> accepted: decide [good]\n",
        "    held --> review: decide [else]\n",
        "    submitted --> held: hold\n",
    ] {
        assert!(mermaid.contains(line), "{line:?} in\n{mermaid}");
    }
    assert!(
        def.to_dot()
            .contains("\"held\" -> \"review\" [label=\"decide [else]\"];")
    );
}
