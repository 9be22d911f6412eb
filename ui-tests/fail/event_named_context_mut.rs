// An event named `context_mut` would collide with the generated method of that name.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event context_mut: Pending -> Done;
    }
}

fn main() {}
