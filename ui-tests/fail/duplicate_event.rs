// The same event is declared twice instead of once with two arms.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Running;
        final state Done;
        event step: Pending -> Running;
        event step: Running -> Done;
    }
}

fn main() {}
