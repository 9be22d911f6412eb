// An event named `context` would collide with the generated method of that name.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event context: Pending -> Done;
    }
}

fn main() {}
