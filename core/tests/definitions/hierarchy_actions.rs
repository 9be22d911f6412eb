//! Entry and exit actions of compound and parallel states: the lists each
//! flat transition runs (every state left, innermost first; every state
//! entered, outermost first), and which actions would never run.

use stateforge_core::{ActionKind, Definition, MachineSpec, Problem, StateSpec};

use crate::hierarchy::{arm, event};

/// A state with an entry action `enter_<name>` and an exit action
/// `leave_<name>`.
fn acting(state: StateSpec) -> StateSpec {
    let name = state.name.clone();
    state
        .entry(format!("enter_{name}"))
        .exit(format!("leave_{name}"))
}

/// `idle`, then a compound `active` (`assigned`, `working`), then `done`.
fn job() -> MachineSpec {
    MachineSpec::new("job")
        .state(StateSpec::initial("idle").exit("leave_idle"))
        .state(acting(StateSpec::compound("active")))
        .state(acting(StateSpec::initial("assigned").child_of("active")))
        .state(acting(StateSpec::new("working").child_of("active")))
        .state(StateSpec::final_state("done").entry("enter_done"))
        .event(event(
            "start",
            [arm(&["idle"], "active").action("log_start")],
        ))
        .event(event("work", [arm(&["assigned"], "working")]))
        .event(event("again", [arm(&["working"], "working")]))
        .event(event("restart", [arm(&["active"], "active")]))
        .event(event(
            "finish",
            [arm(&["active"], "done").action("log_finish")],
        ))
}

/// `queued`, then a parallel `building` with regions `tests` and `docs`,
/// then `shipped`; `finish` moves both regions at once.
fn release() -> MachineSpec {
    MachineSpec::new("release")
        .state(StateSpec::initial("queued").exit("leave_queued"))
        .state(acting(StateSpec::parallel("building")))
        .state(acting(StateSpec::compound("tests").child_of("building")))
        .state(acting(StateSpec::initial("running").child_of("tests")))
        .state(
            StateSpec::final_state("passed")
                .child_of("tests")
                .entry("enter_passed"),
        )
        .state(acting(StateSpec::compound("docs").child_of("building")))
        .state(acting(StateSpec::initial("writing").child_of("docs")))
        .state(
            StateSpec::final_state("written")
                .child_of("docs")
                .entry("enter_written"),
        )
        .state(StateSpec::final_state("shipped").entry("enter_shipped"))
        .event(event("build", [arm(&["queued"], "building")]))
        .event(event("pass", [arm(&["running"], "passed")]))
        .event(event(
            "finish",
            [arm(&["running"], "passed"), arm(&["writing"], "written")],
        ))
        .event(event("ship", [arm(&["done(building)"], "shipped")]))
        .event(event("abort", [arm(&["building"], "queued")]))
}

/// What taking `event` from configuration `from` runs, in order, as
/// `exit x`, `arm x`, `entry x`.
fn runs(def: &Definition, from: &str, event: &str) -> Vec<String> {
    let state = def.state_id(from).unwrap_or_else(|| {
        let all: Vec<_> = def.states().map(|s| def.state_name(s)).collect();
        panic!("no configuration `{from}` among {all:?}")
    });
    let t = def
        .transition(state, def.event_id(event).unwrap())
        .unwrap_or_else(|| panic!("no `{event}` from `{from}`"));
    t.actions()
        .map(|step| {
            let kind = match step.kind {
                ActionKind::Exit => "exit",
                ActionKind::Arm => "arm",
                ActionKind::Entry => "entry",
            };
            format!("{kind} {}", step.name)
        })
        .collect()
}

#[test]
fn a_compound_state_is_entered_and_left_with_its_children() {
    let def = Definition::new(job()).unwrap();
    // Entering the compound enters its initial child, outermost first.
    assert_eq!(
        runs(&def, "idle", "start"),
        [
            "exit leave_idle",
            "arm log_start",
            "entry enter_active",
            "entry enter_assigned"
        ]
    );
    // Between siblings the compound stays active: only the children move.
    assert_eq!(
        runs(&def, "active.assigned", "work"),
        ["exit leave_assigned", "entry enter_working"]
    );
    assert_eq!(
        runs(&def, "active.working", "again"),
        ["exit leave_working", "entry enter_working"]
    );
    // An arm of the compound itself, from any child, leaves the child and
    // then the compound; `active -> active` enters both again.
    assert_eq!(
        runs(&def, "active.working", "restart"),
        [
            "exit leave_working",
            "exit leave_active",
            "entry enter_active",
            "entry enter_assigned"
        ]
    );
    assert_eq!(
        runs(&def, "active.assigned", "finish"),
        [
            "exit leave_assigned",
            "exit leave_active",
            "arm log_finish",
            "entry enter_done"
        ]
    );
}

#[test]
fn a_parallel_state_enters_its_regions_in_order_and_leaves_them_in_reverse() {
    let def = Definition::new(release()).unwrap();
    assert_eq!(
        runs(&def, "queued", "build"),
        [
            "exit leave_queued",
            "entry enter_building",
            "entry enter_tests",
            "entry enter_running",
            "entry enter_docs",
            "entry enter_writing"
        ]
    );
    let both = "building.tests.running,building.docs.writing";
    // One region moving leaves the rest as it is.
    assert_eq!(
        runs(&def, both, "pass"),
        ["exit leave_running", "entry enter_passed"]
    );
    // Regions moving together leave everything before entering anything,
    // the last region left first and the first entered first.
    assert_eq!(
        runs(&def, both, "finish"),
        [
            "exit leave_writing",
            "exit leave_running",
            "entry enter_passed",
            "entry enter_written"
        ]
    );
    assert_eq!(
        runs(&def, both, "abort"),
        [
            "exit leave_writing",
            "exit leave_docs",
            "exit leave_running",
            "exit leave_tests",
            "exit leave_building"
        ]
    );
    assert_eq!(
        runs(&def, "building.tests.passed,building.docs.written", "ship"),
        [
            "exit leave_docs",
            "exit leave_tests",
            "exit leave_building",
            "entry enter_shipped"
        ]
    );
}

#[test]
fn machines_without_state_actions_run_none_on_any_transition() {
    let mut spec = release();
    for s in &mut spec.states {
        (s.entry, s.exit) = (None, None);
    }
    let def = Definition::new(spec).unwrap();
    assert!(def.transitions().iter().all(|t| !t.has_actions()));
}

fn never_run(spec: MachineSpec) -> Vec<(String, ActionKind)> {
    match Definition::new(spec) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems()
            .iter()
            .map(|p| match p {
                Problem::StateActionNeverRuns { state, kind, .. } => (state.clone(), *kind),
                other => panic!("unexpected {other}"),
            })
            .collect(),
    }
}

#[test]
fn a_compound_states_actions_run_when_an_arm_of_a_child_crosses_its_border() {
    // No arm names `active`: its children's arms leave and enter it.
    let spec = MachineSpec::new("job")
        .state(StateSpec::initial("idle"))
        .state(acting(StateSpec::compound("active")))
        .state(StateSpec::initial("assigned").child_of("active"))
        .state(StateSpec::new("working").child_of("active"))
        .state(StateSpec::final_state("done"))
        .event(event("start", [arm(&["idle"], "assigned")]))
        .event(event("work", [arm(&["assigned"], "working")]))
        .event(event("finish", [arm(&["working"], "done")]));
    assert_eq!(never_run(spec), []);
}

#[test]
fn actions_no_flat_transition_runs_are_refused() {
    // `active` is the machine's initial state, entered at creation only,
    // and never left; so is its initial child `assigned` entered.
    let spec = MachineSpec::new("job")
        .state(acting(StateSpec::compound("active")).marked_initial())
        .state(acting(StateSpec::initial("assigned").child_of("active")))
        .state(acting(StateSpec::new("working").child_of("active")))
        .event(event("work", [arm(&["assigned"], "working")]))
        .event(event("back", [arm(&["working"], "assigned")]));
    assert_eq!(
        never_run(spec.clone()),
        [
            ("active".to_owned(), ActionKind::Exit),
            ("active".to_owned(), ActionKind::Entry),
        ]
    );
    let err = Definition::new(spec).unwrap_err().to_string();
    assert!(
        err.contains("exit action `leave_active` of state `active` would never run"),
        "{err}"
    );
}
