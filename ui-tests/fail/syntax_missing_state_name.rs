// Syntax: `state` with no name after it.

stateforge::state_machine! {
    machine Task {
        initial state;
        final state Done;
    }
}

fn main() {}
