// A state named like the trait generated for the states inside another.

stateforge::state_machine! {
    machine Task {
        initial state Active {
            initial state InActive;
            state Working;
        }
        final state Done;
        event start: InActive -> Working;
        event finish: Active -> Done;
    }
}

fn main() {}
