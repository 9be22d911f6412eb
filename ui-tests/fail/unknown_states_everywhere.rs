// Unknown source and target in one arm: both reported.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
        event lost: Nowhere -> Elsewhere;
    }
}

fn main() {}
