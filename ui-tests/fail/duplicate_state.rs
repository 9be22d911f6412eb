// The same state is declared twice.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        state Pending;
        event finish: Pending -> Done;
    }
}

fn main() {}
