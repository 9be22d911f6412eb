// `final` written twice on one state.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
