// `self` cannot name a state's field.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done { self: u32 }
        event finish(self: u32): Pending -> Done;
    }
}

fn main() {}
