// A state name outside ASCII: Rust accepts it, a stored name may not.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Terminé;
        event finish: Pending -> Terminé;
    }
}

fn main() {}
