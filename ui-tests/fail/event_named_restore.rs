// An event named `restore` would collide with the generated method of that name.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event restore: Pending -> Done;
    }
}

fn main() {}
