//! Parallel states: a typed state per configuration, the parallel state's
//! struct over its regions' states; each region moves on its own, an arm
//! of the parallel state leaves from every configuration, and `done(..)`
//! only where every region is final.

use stateforge::Machine;

stateforge::state_machine! {
    #[derive(Debug, PartialEq)]
    machine Run {
        initial state Queued;
        parallel state Building {
            region Tests {
                initial state Running;
                final state Passed { report: String }
            }
            region Docs {
                initial state Writing;
                final state Written;
            }
        }
        final state Released;
        final state Cancelled;
        event build: Queued -> Building;
        event pass(report: String): Running -> Passed;
        event write: Writing -> Written;
        // From every configuration of `Building`.
        event cancel: Building -> Cancelled;
        // Only when both regions are final.
        event release: done(Building) -> Released;
    }
}

/// Any run whose tests passed, whatever its docs: regions are type
/// parameters, and each region has a marker trait.
fn report<D: InDocs>(run: &Run<Building<Passed, D>>) -> &str {
    &run.state().tests.report
}

#[test]
fn each_region_moves_on_its_own() {
    let building: Run<Building<Running, Writing>> = Run::new().build();
    assert_eq!(
        building.state_name(),
        "building.tests.running,building.docs.writing"
    );
    let passed: Run<Building<Passed, Writing>> = building.pass("green".into());
    assert_eq!(report(&passed), "green");
    let both: Run<Building<Passed, Written>> = passed.write();
    assert_eq!(report(&both), "green");
    let other_order: Run<Building<Passed, Written>> =
        Run::new().build().write().pass("late".into());
    assert_eq!(other_order.state().tests.report, "late");
}

#[test]
fn an_arm_of_the_parallel_state_leaves_every_configuration() {
    let _: Run<Cancelled> = Run::new().build().cancel();
    let _: Run<Cancelled> = Run::new().build().write().cancel();
    let _: Run<Cancelled> = Run::new().build().pass("x".into()).write().cancel();
}

#[test]
fn done_fires_when_every_region_is_final() {
    let released: Run<Released> = Run::new().build().pass("x".into()).write().release();
    assert_eq!(released.state_name(), "released");
    let any = AnyRun::from(Run::new().build().write());
    let refused = any.fire(RunEvent::Release).unwrap_err();
    assert_eq!(refused.machine.state(), RunState::BuildingRunningWritten);
}

#[test]
fn the_any_enum_has_a_variant_per_configuration() {
    let mut any = AnyRun::from(Run::new()).fire(RunEvent::Build).unwrap();
    assert_eq!(any.state(), RunState::BuildingRunningWriting);
    assert_eq!(any.allowed_events(), ["pass", "write", "cancel"]);
    any.fire_in_place(RunEvent::Pass {
        report: "green".into(),
    })
    .unwrap();
    assert_eq!(any.state(), RunState::BuildingPassedWriting);
    let any = any.fire(RunEvent::Write).unwrap();
    assert_eq!(
        <AnyRun as Machine>::definition().state_name(any.state_id()),
        "building.tests.passed,building.docs.written"
    );
    let AnyRun::BuildingPassedWritten(run) = any else {
        panic!("expected both regions final");
    };
    assert_eq!(run.state().tests.report, "green");
    let any = AnyRun::from(run).fire(RunEvent::Release).unwrap();
    assert_eq!(any.state(), RunState::Released);
}

#[cfg(feature = "serde")]
#[test]
fn a_configuration_serializes_under_its_name() {
    let any = AnyRun::from(Run::new().build().pass("green".into()));
    let json = serde_json::to_value(&any).unwrap();
    assert_eq!(json["state"], "building.tests.passed,building.docs.writing");
    assert_eq!(json["data"]["tests"]["report"], "green");
    let back: AnyRun = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, any);
    let typed: Run<Building<Passed, Writing>> = serde_json::from_value(json).unwrap();
    assert_eq!(typed.state().tests.report, "green");
}

mod outer_guarded_arm {
    stateforge::state_machine! {
        machine Job {
            context: bool;
            initial state Queued;
            parallel state Working {
                region Build { initial state Compiling; final state Compiled; }
                region Lint { initial state Linting; final state Linted; }
            }
            final state Stopped;
            final state Done;
            event start: Queued -> Working;
            // The arm of `Working` is tried first; when its guard says no,
            // the region's arm moves `Build` instead.
            event step: Working -> Stopped if stop_asked, Compiling -> Compiled;
            event lint: Linting -> Linted;
            event finish: done(Working) -> Done;
        }
    }

    // An arm of `Working` runs from each of its configurations: its
    // guard takes each one's state, so it is generic over the regions.
    fn stop_asked<B, L>(stop: &bool, _: &Working<B, L>) -> bool {
        *stop
    }

    #[test]
    fn an_outer_guarded_arm_is_tried_before_the_regions() {
        let stopped = Job::new(true).start().step();
        assert!(matches!(
            stopped,
            JobStepFromWorkingCompilingLinting::Stopped(_)
        ));
        let moved = Job::new(false).start().step();
        let JobStepFromWorkingCompilingLinting::WorkingCompiledLinting(job) = moved else {
            panic!("expected the region to move");
        };
        let _: Job<Done> = job.lint().finish();
    }
}
