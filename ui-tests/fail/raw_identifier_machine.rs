// A raw identifier as the machine's name: stored and shown as written, so refused.

stateforge::state_machine! {
    machine r#Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
