// `if` without a guard.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done if;
    }
}

fn main() {}
