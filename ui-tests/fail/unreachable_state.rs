// `Archived` has no transition into it, so it can never be reached.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        final state Archived;
        event finish: Pending -> Done;
    }
}

fn main() {}
