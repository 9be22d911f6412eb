// `initial` misspelled.

stateforge::state_machine! {
    machine Task {
        inital state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
