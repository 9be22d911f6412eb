// The initial state written in lowercase: states are types.

stateforge::state_machine! {
    machine Task {
        initial state pending;
        final state Done;
        event finish: pending -> Done;
    }
}

fn main() {}
