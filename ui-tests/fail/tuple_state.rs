// A state with tuple fields: fields are named.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done(String);
        event finish: Pending -> Done;
    }
}

fn main() {}
