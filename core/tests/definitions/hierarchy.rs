//! Compound and parallel states: how a spec flattens into configurations,
//! and each rule of the tree of states.

use stateforge_core::{
    ArmSpec, Checks, Definition, EventSpec, MAX_CONFIGURATIONS, MAX_TRANSITIONS, MachineSpec,
    SpecArm, StateSpec, TimerSpec,
};

fn arm(from: &[&str], to: &str) -> ArmSpec {
    ArmSpec::new(from.iter().copied(), to)
}

fn event(name: &str, arms: impl IntoIterator<Item = ArmSpec>) -> EventSpec {
    arms.into_iter().fold(EventSpec::new(name), EventSpec::arm)
}

/// Where `event` leads from the configuration called `from`, each
/// alternative's target with its guard, in the order they are tried.
fn fire(def: &Definition, from: &str, event: &str) -> Vec<(String, Option<String>)> {
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

fn to(def: &Definition, from: &str, event: &str) -> String {
    match fire(def, from, event).as_slice() {
        [(target, None)] => target.clone(),
        other => panic!("`{event}` from `{from}`: {other:?}"),
    }
}

fn names(def: &Definition) -> Vec<&str> {
    def.states().map(|s| def.state_name(s)).collect()
}

/// The agent dispatcher's task, its working states inside `active`.
fn task() -> MachineSpec {
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
fn run() -> MachineSpec {
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

fn player() -> MachineSpec {
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

/// The problems of `spec`, as sentences.
fn problems(spec: MachineSpec) -> Vec<String> {
    match Definition::new(spec) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems().iter().map(ToString::to_string).collect(),
    }
}

fn one_problem(spec: MachineSpec) -> String {
    match problems(spec).as_slice() {
        [one] => one.clone(),
        other => panic!("not one problem: {other:#?}"),
    }
}

#[test]
fn a_parent_must_exist_and_hold_children() {
    let mut spec = task();
    spec.states[3].parent = Some("activ".into());
    assert_eq!(
        one_problem(spec),
        "state `in_progress` is a child of unknown state `activ`; declare `activ` or correct the name"
    );
    let mut spec = task();
    spec.states[3].parent = Some("pending".into());
    assert!(one_problem(spec).starts_with(
        "state `in_progress` is a child of `pending`, which is neither compound nor parallel"
    ));
}

#[test]
fn a_cycle_of_parents_is_reported_once() {
    let spec = MachineSpec::new("m")
        .state(StateSpec::initial("a"))
        .state(StateSpec::compound("x").child_of("y"))
        .state(StateSpec::compound("y").child_of("x"))
        .event(event("go", [arm(&["a"], "x")]));
    assert_eq!(
        one_problem(spec),
        "state `x` is its own ancestor; break the cycle of parents"
    );
}

#[test]
fn a_compound_state_has_exactly_one_initial_child() {
    let mut none = task();
    none.states[2].initial = false;
    assert!(one_problem(none).starts_with("compound state `active` has no initial child"));
    let mut two = task();
    two.states[3].initial = true;
    assert!(
        one_problem(two).starts_with("state `in_progress` is initial in `active` but `assigned`")
    );
}

#[test]
fn regions_are_compound_not_initial_and_complete() {
    let mut initial = run();
    initial.states[2].initial = true;
    assert!(
        one_problem(initial)
            .starts_with("region `tests` of parallel state `building` is marked initial")
    );
    let mut leaf = run();
    leaf.states
        .push(StateSpec::new("lint").child_of("building"));
    assert!(
        one_problem(leaf).starts_with("state `lint` in parallel state `building` is not compound")
    );
    let mut endless = run();
    endless.states[4].is_final = false;
    let found = problems(endless);
    assert!(
        found[0].starts_with("region `tests` has no final state, so it never completes"),
        "{found:#?}"
    );
    let empty = MachineSpec::new("m")
        .state(StateSpec::parallel("p").marked_initial())
        .state(StateSpec::final_state("end"))
        .event(event("go", [arm(&["p"], "end")]));
    assert!(one_problem(empty).starts_with("parallel state `p` has no regions"));
}

#[test]
fn history_needs_children_and_no_regions() {
    let mut leaf = task();
    leaf.states[0].history = true;
    assert!(one_problem(leaf).starts_with("state `pending` has history but no children"));
    let mut parallel = run();
    parallel.states[1].history = true;
    assert!(one_problem(parallel).starts_with("parallel state `building` has history"));
}

#[test]
fn a_state_with_children_is_not_final() {
    let mut spec = task();
    spec.states[1].is_final = true;
    assert!(
        problems(spec)
            .iter()
            .any(|p| p.starts_with("state `active` has children and is final")),
    );
}

#[test]
fn done_names_a_parallel_state() {
    let spec = task().event(event("wrap", [arm(&["done(active)"], "completed")]));
    assert!(one_problem(spec).starts_with("`done(active)`: `active` is not a parallel state"));
    let spec = task().event(event("wrap", [arm(&["done(actve)"], "completed")]));
    assert!(one_problem(spec).starts_with("unknown state `actve`"));
}

#[test]
fn regions_moving_together_have_no_guard_or_action() {
    let guarded = run().event(event(
        "hurry",
        [
            arm(&["running"], "passed").guard("green"),
            arm(&["writing"], "written"),
        ],
    ));
    assert!(one_problem(guarded).starts_with(
        "event `hurry` moves several regions of parallel state `building` at once, and has a guard or action"
    ));
    let acting = run().event(event(
        "hurry",
        [
            arm(&["running"], "passed"),
            arm(&["writing"], "written").action("notify"),
        ],
    ));
    assert_eq!(problems(acting).len(), 1);
    // In one region, a guard is an ordinary guard.
    let one = run().event(event("hurry", [arm(&["running"], "passed").guard("green")]));
    assert!(problems(one).is_empty());
}

#[test]
fn unreachable_children_and_dead_end_configurations_are_found_on_configurations() {
    let mut spec = task();
    spec.states
        .push(StateSpec::new("review").child_of("active"));
    assert_eq!(
        one_problem(spec.clone()),
        "state `review` is unreachable from the initial state; add a transition into it, or allow unreachable states for this machine"
    );
    spec.checks = Checks {
        unreachable: false,
        dead_ends: true,
    };
    // Allowed, it still has a configuration; `cancel` leaves it.
    let def = Definition::new(spec).unwrap();
    assert_eq!(to(&def, "active.review", "cancel"), "cancelled");
    let stuck = MachineSpec::new("m")
        .state(StateSpec::compound("a").marked_initial())
        .state(StateSpec::initial("b").child_of("a"))
        .state(StateSpec::new("c").child_of("a"))
        .event(event("go", [arm(&["b"], "c")]));
    assert!(one_problem(stuck).starts_with("state `a.c` is not final and has no way out"));
}

#[test]
fn every_problem_of_the_tree_is_reported_at_once() {
    let spec = MachineSpec::new("m")
        .state(StateSpec::initial("idle"))
        .state(StateSpec::compound("a").with_history())
        .state(StateSpec::new("b").child_of("a"))
        .state(StateSpec::new("c").child_of("zz"))
        .state(StateSpec::parallel("p").with_history())
        .state(StateSpec::new("r").child_of("p"))
        .event(event(
            "go",
            [arm(&["idle"], "a"), arm(&["done(a)"], "idle")],
        ));
    let found = problems(spec);
    assert_eq!(found.len(), 5, "{found:#?}");
}

#[test]
fn too_many_configurations_are_refused_with_their_count() {
    // Seven regions of three states each: 3^7 = 2187 configurations, and
    // eight regions 6561.
    let regions = |n: usize| {
        let mut spec = MachineSpec::new("m").state(StateSpec::parallel("p").marked_initial());
        let mut go = EventSpec::new("go");
        for r in 0..n {
            let (region, s0, s1, s2) = (
                format!("r{r}"),
                format!("r{r}a"),
                format!("r{r}b"),
                format!("r{r}c"),
            );
            spec = spec
                .state(StateSpec::compound(region.as_str()).child_of("p"))
                .state(StateSpec::initial(s0.as_str()).child_of(region.as_str()))
                .state(StateSpec::new(s1.as_str()).child_of(region.as_str()))
                .state(StateSpec::final_state(s2.as_str()).child_of(region.as_str()));
            spec = spec.event(event(&format!("step{r}"), [arm(&[&s0], &s1)]));
            go = go.arm(arm(&[&s1], &s2));
        }
        spec.event(go)
    };
    assert_eq!(Definition::new(regions(7)).unwrap().states().count(), 2187);
    assert_eq!(
        one_problem(regions(8)),
        format!(
            "the machine has 6561 configurations of active states; a definition holds at most {MAX_CONFIGURATIONS}: split a parallel state's regions into machines of their own"
        )
    );
}

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

#[test]
fn rows_of_a_flat_version_migrate_to_configurations() {
    use stateforge_core::{Change, MigrationSpec, compare};
    let v1 = Definition::new(
        MachineSpec::new("task")
            .state(StateSpec::initial("pending"))
            .state(StateSpec::new("assigned"))
            .state(StateSpec::new("in_progress"))
            .state(StateSpec::final_state("completed"))
            .state(StateSpec::final_state("cancelled"))
            .event(event("assign", [arm(&["pending"], "assigned")]))
            .event(event("start", [arm(&["assigned"], "in_progress")]))
            .event(event("complete", [arm(&["in_progress"], "completed")]))
            .event(event(
                "cancel",
                [arm(&["assigned", "in_progress", "pending"], "cancelled")],
            )),
    )
    .unwrap();
    let v2 = Definition::new(
        task()
            .migration(MigrationSpec::renamed("assigned", "active.assigned"))
            .migration(MigrationSpec::renamed("in_progress", "active.in_progress")),
    )
    .unwrap();
    let changes = compare(&v1, &v2).changes().to_vec();
    assert!(
        changes.contains(&Change::StateMigrated {
            from: "in_progress".into(),
            to: "active.in_progress".into(),
            with: None
        }),
        "{changes:?}"
    );
    // A migration to a spec state that is no configuration is refused.
    let wrong = task().migration(MigrationSpec::renamed("in_progress", "active"));
    assert_eq!(
        one_problem(wrong),
        "unknown state `active`; declare it or correct the name"
    );
    let live = task().migration(MigrationSpec::renamed("active.assigned", "pending"));
    assert!(one_problem(live).starts_with("rows of `active.assigned` cannot migrate to `pending`"));
}

#[test]
fn too_many_transitions_between_configurations_are_refused() {
    // Twelve regions of two states (4096 configurations), and a thousand
    // events each moving one region: some two million transitions.
    let mut spec = MachineSpec::new("m").state(StateSpec::parallel("p").marked_initial());
    for r in 0..12 {
        let region = format!("r{r}");
        spec = spec
            .state(StateSpec::compound(region.as_str()).child_of("p"))
            .state(StateSpec::initial(format!("r{r}a")).child_of(region.as_str()))
            .state(StateSpec::final_state(format!("r{r}b")).child_of(region.as_str()));
    }
    let moves = |spec: MachineSpec, events: usize| {
        (0..events).fold(spec, |spec, e| {
            let r = e % 12;
            spec.event(event(
                &format!("e{e}"),
                [arm(&[&format!("r{r}a")], &format!("r{r}b"))],
            ))
        })
    };
    let twelve = Definition::new(moves(spec.clone(), 12)).unwrap();
    assert_eq!(twelve.states().count(), MAX_CONFIGURATIONS);
    assert_eq!(
        one_problem(moves(spec, 1000)),
        format!(
            "the machine has more than {MAX_TRANSITIONS} transitions between configurations of active states; split a parallel state's regions into machines of their own, or give it fewer events"
        )
    );
}
