// An event with two arguments of the same name.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish(a: u32, a: u32): Pending -> Done;
    }
}

fn main() {}
