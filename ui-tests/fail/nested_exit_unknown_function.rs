// An exit action of a state in a region that names no function: rustc's
// error on the path, once, whatever the configurations it is left from.

stateforge::state_machine! {
    machine Build {
        context: Vec<String>;
        initial state Idle;
        parallel state Running {
            region Tests {
                initial state Testing exit stop_tests;
                final state Passed;
            }
            region Docs {
                initial state Writing;
                final state Written;
            }
        }
        final state Cancelled;
        event start: Idle -> Running;
        event pass: Testing -> Passed;
        event write: Writing -> Written;
        event cancel: Running -> Cancelled;
    }
}

fn main() {}
