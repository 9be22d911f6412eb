// Two states are marked `initial`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        initial state Queued;
        final state Done;
        event finish: Pending | Queued -> Done;
    }
}

fn main() {}
