// The rows of a removed state go to a state that is not declared.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Failed;
        removed state Escalated -> Faild;
        event fail: Queued -> Failed;
    }
}

fn main() {}
