// `context` is declared twice.

stateforge::state_machine! {
    machine Task {
        context: u32;
        context: String;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
