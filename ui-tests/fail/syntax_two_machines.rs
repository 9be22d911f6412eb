// Syntax: a second machine in the same invocation.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
    machine Other {}
}

fn main() {}
