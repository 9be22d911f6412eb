// A closure as a guard: a guard is a function's path.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done if |_, _| true;
    }
}

fn main() {}
