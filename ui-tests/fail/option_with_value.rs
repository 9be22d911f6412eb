// An option given a value: options are flags.

stateforge::state_machine! {
    #[stateforge(allow_unreachable = true)]
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
