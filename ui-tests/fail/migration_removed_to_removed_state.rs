// The rows of a removed state go to another removed state.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Failed;
        removed state Escalated -> Suspended;
        removed state Suspended -> Failed;
        event fail: Queued -> Failed;
    }
}

fn main() {}
