// `#[stateforge(...)]` with an option that does not exist (`allow_dead_end`, missing its `s`).

stateforge::state_machine! {
    #[stateforge(allow_dead_end)]
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
