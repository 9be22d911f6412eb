// `context` misspelled.

stateforge::state_machine! {
    machine Task {
        contxt: u32;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
