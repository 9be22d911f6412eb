// An event named `state_name` would collide with the generated method of that name.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event state_name: Pending -> Done;
    }
}

fn main() {}
