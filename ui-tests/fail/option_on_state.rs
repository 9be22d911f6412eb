// `#[stateforge(...)]` on a state: options belong to the machine.

stateforge::state_machine! {
    machine Task {
        #[stateforge(allow_unreachable)]
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
