// A doc comment on `context`: document the context type where it is declared.

stateforge::state_machine! {
    machine Task {
        /// The count.
        context: u32;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
