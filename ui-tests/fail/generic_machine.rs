// A machine with type parameters: not supported.

stateforge::state_machine! {
    machine Task<T> {
        context: T;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
