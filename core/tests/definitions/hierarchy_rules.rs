//! Each rule of compound and parallel states, and the bounds of the
//! flattening: every problem named, all reported at once.

use stateforge_core::{
    Checks, Definition, EventSpec, MAX_CONFIGURATIONS, MAX_TRANSITIONS, MachineSpec, StateSpec,
};

use crate::hierarchy::{arm, event, run, task, to};

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
