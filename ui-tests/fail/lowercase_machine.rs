// A machine name in lowercase (`machine task`): should be rejected like a lowercase state, not accepted with warnings.

stateforge::state_machine! {
    machine task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
