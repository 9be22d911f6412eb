// An event argument without its type.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish(reason): Pending -> Done;
    }
}

fn main() {}
