// `context;` without a type.

stateforge::state_machine! {
    machine Task {
        context;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
