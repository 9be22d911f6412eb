// An event named `definition` would collide with the generated method of that name.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event definition: Pending -> Done;
    }
}

fn main() {}
