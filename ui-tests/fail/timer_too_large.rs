// A timer delay that does not fit in a u64 of milliseconds.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done after 99999999999999999h;
    }
}

fn main() {}
