//! Entry and exit actions of states inside states, in generated code: a
//! transition runs the exit actions of every state it leaves, innermost
//! first, then the arm's action, then the entry actions of every state it
//! enters, outermost first (regions in declaration order, left in
//! reverse), on every way of firing; each action takes the context and
//! its state's data. With the `runtime` feature, a `DynMachine` over the
//! machine's own definition records the same log for the same events.

/// Every action appends its own name, as the `DynMachine`'s do.
fn note(log: &mut Vec<String>, name: &str) {
    log.push(name.to_owned());
}

mod door {
    use super::note;

    type Log = Vec<String>;

    stateforge::state_machine! {
        #[derive(Debug, PartialEq)]
        pub machine Door {
            context: Vec<String>;
            initial state Closed entry enter_closed exit leave_closed;
            state Open {
                initial state Ajar entry enter_ajar exit leave_ajar;
                state Wide { width: u32 } entry enter_wide exit leave_wide;
            } entry enter_open exit leave_open;
            final state Gone;
            event open: Closed -> Open => log_open;
            event widen(width: u32): Ajar -> Wide;
            event narrow: Wide -> Ajar;
            event close: Open -> Closed;
            // Leaves `Open` and enters it again, through its initial child.
            event reopen: Open -> Open;
            // Leaves `Wide` alone: `Open` is not left.
            event jiggle: Wide -> Wide if loose;
            event remove: Closed -> Gone;
        }
    }

    fn enter_closed(log: &mut Log, _: &Closed) {
        note(log, "enter_closed");
    }
    fn leave_closed(log: &mut Log, _: &Closed) {
        note(log, "leave_closed");
    }
    // A compound state has no data of its own: its actions take the data
    // of the state active inside it, any of them.
    fn enter_open<S: InOpen>(log: &mut Log, _: &S) {
        note(log, "enter_open");
    }
    fn leave_open<S: InOpen>(log: &mut Log, _: &S) {
        note(log, "leave_open");
    }
    fn enter_ajar(log: &mut Log, _: &Ajar) {
        note(log, "enter_ajar");
    }
    fn leave_ajar(log: &mut Log, _: &Ajar) {
        note(log, "leave_ajar");
    }
    fn enter_wide(log: &mut Log, wide: &Wide) {
        assert!(wide.width > 0, "the entry action sees the state as built");
        note(log, "enter_wide");
    }
    fn leave_wide(log: &mut Log, _: &Wide) {
        note(log, "leave_wide");
    }
    fn log_open(log: &mut Log, _: &Closed) {
        note(log, "log_open");
    }
    fn loose(_: &Log, wide: &Wide) -> bool {
        wide.width > 1
    }

    /// The events of the tests, in order, with what each runs.
    pub(crate) fn script() -> Vec<(DoorEvent, &'static [&'static str])> {
        vec![
            (
                DoorEvent::Open,
                &["leave_closed", "log_open", "enter_open", "enter_ajar"],
            ),
            (DoorEvent::Widen { width: 3 }, &["leave_ajar", "enter_wide"]),
            (DoorEvent::Jiggle, &["leave_wide", "enter_wide"]),
            (
                DoorEvent::Reopen,
                &["leave_wide", "leave_open", "enter_open", "enter_ajar"],
            ),
            (DoorEvent::Widen { width: 2 }, &["leave_ajar", "enter_wide"]),
            (DoorEvent::Narrow, &["leave_wide", "enter_ajar"]),
            (DoorEvent::Widen { width: 5 }, &["leave_ajar", "enter_wide"]),
            (
                DoorEvent::Close,
                &["leave_wide", "leave_open", "enter_closed"],
            ),
            (DoorEvent::Remove, &["leave_closed"]),
        ]
    }
}

mod run {
    use super::note;

    type Log = Vec<String>;

    stateforge::state_machine! {
        #[derive(Debug, PartialEq)]
        pub machine Run {
            context: Vec<String>;
            initial state Queued exit leave_queued;
            parallel state Building {
                region Tests {
                    initial state Running entry enter_running exit leave_running;
                    final state Passed { report: String } exit leave_passed;
                } entry enter_tests exit leave_tests;
                region Docs {
                    initial state Writing exit leave_writing;
                    final state Written;
                } entry enter_docs exit leave_docs;
            } entry enter_building exit leave_building;
            final state Released entry enter_released;
            final state Cancelled;
            event build: Queued -> Building;
            event pass(report: String): Running -> Passed;
            event write: Writing -> Written;
            event cancel: Building -> Cancelled;
            event release: done(Building) -> Released;
        }
    }

    fn leave_queued(log: &mut Log, _: &Queued) {
        note(log, "leave_queued");
    }
    // A parallel state's data is its struct over its regions' states.
    fn enter_building<T: InTests, D: InDocs>(log: &mut Log, _: &Building<T, D>) {
        note(log, "enter_building");
    }
    fn leave_building<T: InTests, D: InDocs>(log: &mut Log, _: &Building<T, D>) {
        note(log, "leave_building");
    }
    // A region's is the state active in it.
    fn enter_tests<T: InTests>(log: &mut Log, _: &T) {
        note(log, "enter_tests");
    }
    fn leave_tests<T: InTests>(log: &mut Log, _: &T) {
        note(log, "leave_tests");
    }
    fn enter_docs<D: InDocs>(log: &mut Log, _: &D) {
        note(log, "enter_docs");
    }
    fn leave_docs<D: InDocs>(log: &mut Log, _: &D) {
        note(log, "leave_docs");
    }
    fn enter_running(log: &mut Log, _: &Running) {
        note(log, "enter_running");
    }
    fn leave_running(log: &mut Log, _: &Running) {
        note(log, "leave_running");
    }
    fn leave_passed(log: &mut Log, passed: &Passed) {
        assert_eq!(passed.report, "green", "the exit action sees its leaf");
        note(log, "leave_passed");
    }
    fn leave_writing(log: &mut Log, _: &Writing) {
        note(log, "leave_writing");
    }
    fn enter_released(log: &mut Log, _: &Released) {
        note(log, "enter_released");
    }

    type Step = (RunEvent, &'static [&'static str]);

    fn build_and_pass() -> [Step; 2] {
        [
            (
                RunEvent::Build,
                &[
                    "leave_queued",
                    "enter_building",
                    "enter_tests",
                    "enter_running",
                    "enter_docs",
                ],
            ),
            (
                RunEvent::Pass {
                    report: "green".into(),
                },
                &["leave_running"],
            ),
        ]
    }

    /// Two runs, with what each event runs: one released, one cancelled
    /// before its docs are written.
    pub(crate) fn scripts() -> [Vec<Step>; 2] {
        let mut released = Vec::from(build_and_pass());
        released.push((RunEvent::Write, &["leave_writing"]));
        released.push((
            RunEvent::Release,
            &[
                "leave_docs",
                "leave_passed",
                "leave_tests",
                "leave_building",
                "enter_released",
            ],
        ));
        let mut cancelled = Vec::from(build_and_pass());
        cancelled.push((
            RunEvent::Cancel,
            &[
                "leave_writing",
                "leave_docs",
                "leave_passed",
                "leave_tests",
                "leave_building",
            ],
        ));
        [released, cancelled]
    }
}

use door::{AnyDoor, Door, DoorEvent};
use run::{AnyRun, Run};

#[test]
fn entering_a_compound_state_runs_its_entry_then_its_initial_child_s() {
    let ajar = Door::new(Vec::new()).open();
    assert_eq!(
        ajar.context(),
        &["leave_closed", "log_open", "enter_open", "enter_ajar"]
    );
}

#[test]
fn a_move_between_children_runs_neither_of_the_parent_s_actions() {
    let wide = Door::new(Vec::new()).open().widen(4);
    assert_eq!(wide.context()[4..], ["leave_ajar", "enter_wide"]);
    let ajar = wide.narrow();
    assert_eq!(ajar.context()[6..], ["leave_wide", "enter_ajar"]);
}

#[test]
fn leaving_a_compound_state_from_a_child_runs_the_child_s_exit_then_the_parent_s() {
    let closed = Door::new(Vec::new()).open().widen(4).close();
    assert_eq!(
        closed.context()[6..],
        ["leave_wide", "leave_open", "enter_closed"]
    );
}

#[test]
fn self_transitions_leave_and_enter_again() {
    // Of a compound state: everything in it, and it, left and entered.
    let ajar = Door::new(Vec::new()).open().widen(4).reopen();
    assert_eq!(
        ajar.context()[6..],
        ["leave_wide", "leave_open", "enter_open", "enter_ajar"]
    );
    // Of a leaf inside it: the leaf alone.
    let Ok(wide) = ajar.widen(4).jiggle() else {
        panic!("`loose` said yes");
    };
    assert_eq!(wide.context()[12..], ["leave_wide", "enter_wide"]);
}

#[test]
fn a_guard_that_says_no_runs_no_action() {
    let wide = Door::new(Vec::new()).open().widen(1);
    let before = wide.context().clone();
    let rejected = wide.jiggle().unwrap_err();
    assert_eq!(rejected.machine.context(), &before);
    let mut any = AnyDoor::from(rejected.machine);
    assert!(any.fire_in_place(DoorEvent::Jiggle).is_err());
    assert_eq!(any.context(), &before);
}

#[test]
fn entering_a_parallel_state_enters_its_regions_in_order() {
    let building = Run::new(Vec::new()).build();
    assert_eq!(
        building.context(),
        &[
            "leave_queued",
            "enter_building",
            "enter_tests",
            "enter_running",
            "enter_docs",
        ]
    );
}

#[test]
fn leaving_a_parallel_state_leaves_the_last_region_first() {
    let cancelled = Run::new(Vec::new()).build().pass("green".into()).cancel();
    assert_eq!(
        cancelled.context()[6..],
        [
            "leave_writing",
            "leave_docs",
            "leave_passed",
            "leave_tests",
            "leave_building",
        ]
    );
    let released = Run::new(Vec::new())
        .build()
        .write()
        .pass("green".into())
        .release();
    assert_eq!(
        released.context()[7..],
        [
            "leave_docs",
            "leave_passed",
            "leave_tests",
            "leave_building",
            "enter_released",
        ]
    );
}

#[test]
fn fire_and_fire_in_place_run_what_the_typed_methods_run() {
    let mut by_value = AnyDoor::from(Door::new(Vec::new()));
    let mut in_place = AnyDoor::from(Door::new(Vec::new()));
    for ((event, ran), (again, _)) in door::script().into_iter().zip(door::script()) {
        let before = in_place.context().len();
        by_value = by_value.fire(event).unwrap();
        in_place.fire_in_place(again).unwrap();
        assert_eq!(in_place.context()[before..], *ran);
        assert_eq!(in_place.context(), by_value.context());
        assert_eq!(in_place.state(), by_value.state());
    }
    for (script, twin) in run::scripts().into_iter().zip(run::scripts()) {
        let mut by_value = AnyRun::from(Run::new(Vec::new()));
        let mut in_place = AnyRun::from(Run::new(Vec::new()));
        for ((event, ran), (again, _)) in script.into_iter().zip(twin) {
            let before = in_place.context().len();
            by_value = by_value.fire(event).unwrap();
            in_place.fire_in_place(again).unwrap();
            assert_eq!(in_place.context()[before..], *ran);
            assert_eq!(in_place.context(), by_value.context());
            assert_eq!(in_place.state(), by_value.state());
        }
    }
}

#[cfg(feature = "runtime")]
mod against_dyn_machine {
    use serde_json::{Value, json};
    use stateforge::runtime::{DynMachine, Registry};

    use super::run::RunEvent;
    use super::*;

    /// Every action of `definition`, each appending its name to the
    /// context's `log`, as the typed ones do.
    fn registry(definition: &stateforge::Definition) -> Registry<Value> {
        let mut registry = Registry::new();
        for t in definition.transitions() {
            for step in t.actions() {
                let name = step.name.to_owned();
                registry = registry.action(step.name, move |ctx: &mut Value, _: &Value| {
                    ctx["log"]
                        .as_array_mut()
                        .ok_or("no log")?
                        .push(name.clone().into());
                    Ok(())
                });
            }
        }
        registry
    }

    fn dyn_machine(definition: &stateforge::Definition) -> DynMachine {
        // The door's `loose` reads the state's data, which a `DynMachine`
        // does not keep; the script jiggles only a door that is loose.
        let registry = registry(definition).guard("loose", |_, _| true);
        let bound = registry.bind(definition.clone()).unwrap();
        DynMachine::new(bound, json!({"log": []}))
    }

    fn log(m: &DynMachine) -> Vec<String> {
        serde_json::from_value(m.context()["log"].clone()).unwrap()
    }

    #[test]
    fn a_dyn_machine_over_the_compound_definition_runs_the_same_log() {
        let mut dynamic = dyn_machine(AnyDoor::definition());
        let mut typed = AnyDoor::from(Door::new(Vec::new()));
        for (event, _) in door::script() {
            let args = match &event {
                DoorEvent::Widen { width } => json!({ "width": width }),
                _ => Value::Null,
            };
            dynamic.fire(event.name(), &args).unwrap();
            typed = typed.fire(event).unwrap();
            assert_eq!(dynamic.state_name(), typed.state().as_str());
            assert_eq!(&log(&dynamic), typed.context());
        }
        let whole: Vec<&str> = door::script()
            .into_iter()
            .flat_map(|(_, ran)| ran.iter().copied())
            .collect();
        assert_eq!(*typed.context(), whole);
    }

    #[test]
    fn a_dyn_machine_over_the_parallel_definition_runs_the_same_log() {
        for script in run::scripts() {
            let mut dynamic = dyn_machine(AnyRun::definition());
            let mut typed = AnyRun::from(Run::new(Vec::new()));
            for (event, _) in script {
                let args = match &event {
                    RunEvent::Pass { report } => json!({ "report": report }),
                    _ => Value::Null,
                };
                dynamic.fire(event.name(), &args).unwrap();
                typed = typed.fire(event).unwrap();
                assert_eq!(dynamic.state_name(), typed.state().as_str());
                assert_eq!(&log(&dynamic), typed.context());
            }
        }
    }
}
