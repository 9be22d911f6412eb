// An exit action on a region: refused as on any state of a machine with
// parallel states, at the `exit` keyword rather than as a syntax error.

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
        }
        final state Shipped;
        event start: Idle -> Running;
        event pass: Testing -> Passed;
        event write: Writing -> Written;
        event ship: done(Running) -> Shipped;
    }
}

fn report() {}

fn main() {}
