// An event without the `:` before its arms.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish Pending -> Done;
    }
}

fn main() {}
