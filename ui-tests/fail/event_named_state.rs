// An event named like a generated method (`state`).

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event state: Pending -> Done;
    }
}

fn main() {}
