// `event` misspelled.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        evnt finish: Pending -> Done;
    }
}

fn main() {}
