// The same event declared twice with the same arm.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
