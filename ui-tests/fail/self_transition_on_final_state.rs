// A final state that loops on itself still has an event leaving it.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
        event touch: Done -> Done;
    }
}

fn main() {}
