// `crate` cannot name an event's argument.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish(crate: u32): Pending -> Done;
    }
}

fn main() {}
