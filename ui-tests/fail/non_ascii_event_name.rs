// An event name outside ASCII: Rust accepts it, a stored name may not.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finir_là: Pending -> Done;
    }
}

fn main() {}
