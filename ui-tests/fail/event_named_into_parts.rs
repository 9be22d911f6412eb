// An event named `into_parts` would collide with the generated method of that name.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event into_parts: Pending -> Done;
    }
}

fn main() {}
