// Entry and exit actions on states inside states, on a compound state, on
// a region and on a parallel state, under `deny(warnings)`: without a
// context each takes its state's data alone; a state holding states has
// none of its own, so its action takes the data of the state active in
// it (generic when several may be), as a guard of its arms does.
#![deny(warnings)]

stateforge::state_machine! {
    machine Door {
        initial state Closed exit lock_check;
        state Open {
            initial state Ajar entry start_alarm;
            state Wide;
        } exit stop_alarm;
        event open: Closed -> Open;
        event widen: Ajar -> Wide;
        event close: Open -> Closed;
    }
}

fn lock_check(_: &Closed) {}
fn start_alarm(_: &Ajar) {}
fn stop_alarm<S: InOpen>(_: &S) {}

stateforge::state_machine! {
    machine Build {
        initial state Idle;
        parallel state Running {
            region Tests {
                initial state Testing;
                final state Passed;
            } exit report;
            region Docs {
                initial state Writing;
                final state Written;
            }
        } entry announce;
        final state Shipped;
        event start: Idle -> Running;
        event pass: Testing -> Passed;
        event write: Writing -> Written;
        event ship: done(Running) -> Shipped;
    }
}

// Only `done(Running)` leaves `Tests`, in `Passed`.
fn report(_: &Passed) {}
// Entering `Running` enters each region's initial state.
fn announce(_: &Running<Testing, Writing>) {}

fn main() {
    let door = Door::new().open().widen().close();
    assert_eq!(door.state_name(), "closed");
    let build = Build::new().start().pass().write().ship();
    assert_eq!(build.state_name(), "shipped");
}
