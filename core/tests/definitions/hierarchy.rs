//! Compound and parallel states: how a spec flattens into configurations,
//! and what JSON and diagrams make of them (the rules are in
//! `hierarchy_rules.rs`).

use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, SpecArm, StateSpec, TimerSpec};

pub(crate) fn arm(from: &[&str], to: &str) -> ArmSpec {
    ArmSpec::new(from.iter().copied(), to)
}

pub(crate) fn event(name: &str, arms: impl IntoIterator<Item = ArmSpec>) -> EventSpec {
    arms.into_iter().fold(EventSpec::new(name), EventSpec::arm)
}

/// Where `event` leads from the configuration called `from`, each
/// alternative's target with its guard, in the order they are tried.
pub(crate) fn fire(def: &Definition, from: &str, event: &str) -> Vec<(String, Option<String>)> {
    let state = def.state_id(from).unwrap_or_else(|| {
        let all: Vec<_> = def.states().map(|s| def.state_name(s)).collect();
        panic!("no configuration `{from}` among {all:?}")
    });
    let event = def.event_id(event).unwrap();
    def.alternatives(state, event)
        .iter()
        .map(|t| {
            (
                def.state_name(t.to).to_owned(),
                t.guard.as_deref().map(str::to_owned),
            )
        })
        .collect()
}

pub(crate) fn to(def: &Definition, from: &str, event: &str) -> String {
    match fire(def, from, event).as_slice() {
        [(target, None)] => target.clone(),
        other => panic!("`{event}` from `{from}`: {other:?}"),
    }
}

pub(crate) fn names(def: &Definition) -> Vec<&str> {
    def.states().map(|s| def.state_name(s)).collect()
}

/// The agent dispatcher's task, its working states inside `active`.
pub(crate) fn task() -> MachineSpec {
    MachineSpec::new("task")
        .state(StateSpec::initial("pending"))
        .state(StateSpec::compound("active"))
        .state(StateSpec::initial("assigned").child_of("active"))
        .state(StateSpec::new("in_progress").child_of("active"))
        .state(StateSpec::final_state("completed"))
        .state(StateSpec::final_state("cancelled"))
        .event(event("assign", [arm(&["pending"], "active")]))
        .event(event("start", [arm(&["assigned"], "in_progress")]))
        .event(event("complete", [arm(&["in_progress"], "completed")]))
        .event(event(
            "cancel",
            [
                arm(&["active"], "cancelled"),
                arm(&["pending"], "cancelled"),
            ],
        ))
}

#[test]
fn a_compound_state_is_entered_at_its_initial_child_and_its_arms_cover_every_child() {
    let def = Definition::new(task()).unwrap();
    assert!(def.is_hierarchical());
    assert_eq!(
        names(&def),
        [
            "pending",
            "active.assigned",
            "cancelled",
            "active.in_progress",
            "completed"
        ]
    );
    assert_eq!(to(&def, "pending", "assign"), "active.assigned");
    assert_eq!(to(&def, "active.assigned", "start"), "active.in_progress");
    assert_eq!(to(&def, "active.assigned", "cancel"), "cancelled");
    assert_eq!(to(&def, "active.in_progress", "cancel"), "cancelled");
    assert!(fire(&def, "active.assigned", "complete").is_empty());
    assert!(def.is_final(def.state_id("completed").unwrap()));
    assert!(!def.is_final(def.state_id("active.assigned").unwrap()));
    // Each configuration knows its leaf, and each transition its arm.
    let leaves = |name: &str| -> Vec<&str> {
        def.leaves(def.state_id(name).unwrap())
            .iter()
            .map(|&i| def.spec().states[i].name.as_str())
            .collect()
    };
    assert_eq!(leaves("active.in_progress"), ["in_progress"]);
    let cancel = def.event_id("cancel").unwrap();
    let i = def
        .transition_index(def.state_id("active.in_progress").unwrap(), cancel)
        .unwrap();
    assert_eq!(def.arms_of(i), [SpecArm { arm: 0, source: 0 }]);
    let i = def.transition_index(def.initial(), cancel).unwrap();
    assert_eq!(def.arms_of(i), [SpecArm { arm: 1, source: 0 }]);
}

#[test]
fn a_child_arm_overrides_its_parents_and_a_guarded_one_falls_back_to_them() {
    let spec = task()
        .event(event(
            "pause",
            [
                arm(&["active"], "pending"),
                arm(&["in_progress"], "assigned"),
            ],
        ))
        .event(event(
            "escalate",
            [
                arm(&["active"], "cancelled"),
                arm(&["assigned"], "in_progress").guard("urgent"),
            ],
        ));
    let def = Definition::new(spec).unwrap();
    assert_eq!(to(&def, "active.in_progress", "pause"), "active.assigned");
    assert_eq!(to(&def, "active.assigned", "pause"), "pending");
    assert_eq!(
        fire(&def, "active.assigned", "escalate"),
        [
            ("active.in_progress".to_owned(), Some("urgent".to_owned())),
            ("cancelled".to_owned(), None)
        ]
    );
}

#[test]
fn an_arm_into_a_child_enters_it_and_a_self_arm_leaves_and_enters_again() {
    let spec = task()
        .event(event("resume", [arm(&["pending"], "in_progress")]))
        .event(event("restart", [arm(&["active"], "active")]));
    let def = Definition::new(spec).unwrap();
    assert_eq!(to(&def, "pending", "resume"), "active.in_progress");
    assert_eq!(to(&def, "active.in_progress", "restart"), "active.assigned");
}

/// Tests and docs built side by side, then released.
pub(crate) fn run() -> MachineSpec {
    MachineSpec::new("run")
        .state(StateSpec::initial("queued"))
        .state(StateSpec::parallel("building"))
        .state(StateSpec::compound("tests").child_of("building"))
        .state(StateSpec::initial("running").child_of("tests"))
        .state(StateSpec::final_state("passed").child_of("tests"))
        .state(StateSpec::compound("docs").child_of("building"))
        .state(StateSpec::initial("writing").child_of("docs"))
        .state(StateSpec::final_state("written").child_of("docs"))
        .state(StateSpec::final_state("released"))
        .state(StateSpec::final_state("cancelled"))
        .event(event("build", [arm(&["queued"], "building")]))
        .event(event("pass", [arm(&["running"], "passed")]))
        .event(event("write", [arm(&["writing"], "written")]))
        .event(event(
            "finish",
            [arm(&["running"], "passed"), arm(&["writing"], "written")],
        ))
        .event(event("release", [arm(&["done(building)"], "released")]))
        .event(event("cancel", [arm(&["building"], "cancelled")]))
}

#[test]
fn a_parallel_state_is_every_combination_of_its_regions_leaves() {
    let def = Definition::new(run()).unwrap();
    let entered = to(&def, "queued", "build");
    assert_eq!(entered, "building.tests.running,building.docs.writing");
    assert_eq!(
        to(&def, &entered, "pass"),
        "building.tests.passed,building.docs.writing"
    );
    assert_eq!(
        to(&def, &entered, "write"),
        "building.tests.running,building.docs.written"
    );
    // One event accepted by both regions moves both, in one transition
    // made of both arms.
    let both = "building.tests.passed,building.docs.written";
    assert_eq!(to(&def, &entered, "finish"), both);
    let finish = def.event_id("finish").unwrap();
    let i = def
        .transition_index(def.state_id(&entered).unwrap(), finish)
        .unwrap();
    assert_eq!(
        def.arms_of(i),
        [SpecArm { arm: 0, source: 0 }, SpecArm { arm: 1, source: 0 }]
    );
    let leaves: Vec<&str> = def
        .leaves(def.state_id(both).unwrap())
        .iter()
        .map(|&l| def.spec().states[l].name.as_str())
        .collect();
    assert_eq!(leaves, ["passed", "written"]);
    // `done(building)` only once every region is final.
    assert!(fire(&def, &entered, "release").is_empty());
    assert!(
        fire(
            &def,
            "building.tests.passed,building.docs.writing",
            "release"
        )
        .is_empty()
    );
    assert_eq!(to(&def, both, "release"), "released");
    assert!(!def.is_final(def.state_id(both).unwrap()));
    for from in [entered.as_str(), both] {
        assert_eq!(to(&def, from, "cancel"), "cancelled");
    }
    assert_eq!(def.states().count(), 7);
}

#[test]
fn an_arm_leaving_a_parallel_state_takes_precedence_over_its_regions() {
    let spec = run().event(event(
        "abort",
        [arm(&["running"], "passed"), arm(&["writing"], "cancelled")],
    ));
    let def = Definition::new(spec).unwrap();
    assert_eq!(
        to(
            &def,
            "building.tests.running,building.docs.writing",
            "abort"
        ),
        "cancelled"
    );
    // Once docs are written, only the tests region accepts it.
    assert_eq!(
        to(
            &def,
            "building.tests.running,building.docs.written",
            "abort"
        ),
        "building.tests.passed,building.docs.written"
    );
}

#[test]
fn regions_arms_are_tried_after_a_guarded_arm_leaving_the_parallel_state() {
    let spec = run().event(event(
        "abort",
        [
            arm(&["building"], "cancelled").guard("allowed"),
            arm(&["running"], "passed"),
        ],
    ));
    let def = Definition::new(spec).unwrap();
    assert_eq!(
        fire(
            &def,
            "building.tests.running,building.docs.writing",
            "abort"
        ),
        [
            ("cancelled".to_owned(), Some("allowed".to_owned())),
            (
                "building.tests.passed,building.docs.writing".to_owned(),
                None
            )
        ]
    );
}

#[test]
fn an_arm_into_one_region_enters_the_others_at_their_initial_states() {
    let spec = run().event(event("skip_tests", [arm(&["queued"], "passed")]));
    let def = Definition::new(spec).unwrap();
    assert_eq!(
        to(&def, "queued", "skip_tests"),
        "building.tests.passed,building.docs.writing"
    );
}

pub(crate) fn player() -> MachineSpec {
    MachineSpec::new("player")
        .state(StateSpec::initial("off"))
        .state(StateSpec::compound("on").with_history())
        .state(StateSpec::initial("playing").child_of("on"))
        .state(StateSpec::new("paused").child_of("on"))
        .event(event("power", [arm(&["off"], "on"), arm(&["on"], "off")]))
        .event(event("pause", [arm(&["playing"], "paused")]))
        .event(event("play", [arm(&["paused"], "playing")]))
}

#[test]
fn a_history_state_enters_again_the_child_it_was_left_in() {
    let def = Definition::new(player()).unwrap();
    assert_eq!(to(&def, "off", "power"), "on.playing");
    assert_eq!(to(&def, "on.playing", "pause"), "on.paused");
    assert_eq!(to(&def, "on.paused", "power"), "off[on.paused]");
    assert_eq!(to(&def, "off[on.paused]", "power"), "on.paused");
    // Left in its initial child, it remembers nothing worth a name.
    assert_eq!(to(&def, "on.playing", "power"), "off");
    let remembered = def.remembered(def.state_id("off[on.paused]").unwrap());
    assert_eq!(remembered.len(), 1);
    assert_eq!(def.spec().states[remembered[0].state].name, "on");
    assert_eq!(def.spec().states[remembered[0].child].name, "paused");
    assert_eq!(names(&def).len(), 4);
}

#[test]
fn without_history_a_compound_state_starts_over() {
    let mut spec = player();
    spec.states[1].history = false;
    let def = Definition::new(spec).unwrap();
    assert_eq!(to(&def, "on.paused", "power"), "off");
    assert_eq!(to(&def, "off", "power"), "on.playing");
}

#[test]
fn a_timer_on_a_state_inside_a_compound_state_runs_in_its_configurations() {
    let spec = task()
        .event(event("time_out", [arm(&["in_progress"], "assigned")]))
        .timer(TimerSpec::new("in_progress", "time_out", 60_000))
        .event(event("expire", [arm(&["active"], "cancelled")]))
        .timer(TimerSpec::new("active", "expire", 3_600_000));
    let def = Definition::new(spec).unwrap();
    let of = |name: &str| -> Vec<(&str, u64)> {
        let mut timers: Vec<_> = def
            .timers_of(def.state_id(name).unwrap())
            .map(|t| (def.event_name(t.event), t.after.as_secs()))
            .collect();
        timers.sort_unstable();
        timers
    };
    assert_eq!(
        of("active.in_progress"),
        [("expire", 3600), ("time_out", 60)]
    );
    assert_eq!(of("active.assigned"), [("expire", 3600)]);
    assert_eq!(of("pending"), []);
}

#[cfg(feature = "serde")]
#[test]
fn json_holds_the_hierarchy_and_leaves_flat_machines_as_they_were() {
    let def = Definition::new(run()).unwrap();
    let json = def.to_json();
    assert!(json.contains(r#""kind": "parallel""#), "{json}");
    assert!(json.contains(r#""parent": "tests""#), "{json}");
    let back = Definition::from_json(&json).unwrap();
    assert_eq!(back, def);
    assert_eq!(back.fingerprint(), def.fingerprint());
    assert_eq!(names(&back), names(&def));
    let flat = Definition::example().to_json();
    for field in ["parent", "kind", "history"] {
        assert!(!flat.contains(field), "{flat}");
    }
    let history = Definition::new(player()).unwrap().to_json();
    assert!(history.contains(r#""history": true"#), "{history}");
}

/// An older build must say "newer format", naming the upgrade, rather than
/// "unknown field `parent`"; and a flat machine stays format 1.
#[cfg(feature = "serde")]
#[test]
fn the_hierarchy_is_written_in_format_3_and_needs_it() {
    let json = Definition::new(run()).unwrap().to_json();
    assert!(json.starts_with("{\n  \"format\": 3,"), "{json}");
    for older in [
        json.replacen(r#""format": 3"#, r#""format": 2"#, 1),
        json.replacen(r#""format": 3"#, r#""format": 1"#, 1),
        json.replacen(r#""format": 3,"#, "", 1),
    ] {
        let err = Definition::from_json(&older).unwrap_err().to_string();
        assert!(err.contains("need format 3"), "{err}");
    }
    let history = Definition::new(player()).unwrap().to_json();
    assert!(history.contains(r#""format": 3"#), "{history}");
    let flat = Definition::example().to_json();
    assert!(flat.contains(r#""format": 1"#), "{flat}");
}

#[cfg(feature = "serde")]
#[test]
fn diagrams_draw_compound_states_as_boxes_and_regions_apart() {
    let json = include_str!("../../../tests/support/release.json");
    let def = Definition::from_json(json).unwrap();
    let mermaid = def.to_mermaid();
    let building = "        state building {
            state tests {
                [*] --> running
                running
                passed
                running --> passed: pass [green]
                passed --> [*]
            }
            --
            state docs {";
    assert!(mermaid.contains(building), "{mermaid}");
    for line in [
        "    state active {\n        [*] --> preparing\n",
        "        preparing --> building: build\n    }\n",
        "    building --> shipped: ship (when done)\n",
        "    on_hold --> active: resume\n",
        "    note right of active: history",
    ] {
        assert!(mermaid.contains(line), "{line}\n{mermaid}");
    }
    let dot = def.to_dot();
    for line in [
        "    subgraph \"cluster_active\" {\n        label=\"active (H)\";\n",
        "            label=\"building (parallel)\";\n            style=dashed;\n",
        "    \"queued\" -> \"preparing\" [label=\"start\", lhead=\"cluster_active\"];\n",
        "    \"running\" -> \"shipped\" [label=\"ship (when done)\", ltail=\"cluster_building\"];\n",
    ] {
        assert!(dot.contains(line), "{line}\n{dot}");
    }
}

#[cfg(feature = "svg")]
#[test]
fn the_picture_draws_the_configurations() {
    let def = Definition::new(run()).unwrap();
    let svg = def.to_svg();
    assert!(roxmltree::Document::parse(&svg).is_ok(), "{svg}");
    assert_eq!(
        svg.matches("<path class=\"arm\"").count(),
        def.transitions().len()
    );
    assert!(svg.contains(">building.tests.running,building.docs.writing</text>"));
}
