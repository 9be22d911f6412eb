// `initial` written twice on one state.

stateforge::state_machine! {
    machine Task {
        initial initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
