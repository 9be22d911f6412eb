// `#[stateforge(...)]` options are flags: `allow_unreachable = true` is not accepted.

stateforge::state_machine! {
    #[stateforge(allow_unreachable = true)]
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
