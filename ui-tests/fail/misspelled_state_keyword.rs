// `state` misspelled.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        stat Assigned;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
