// A state declared removed while it is still declared.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        state Escalated;
        final state Failed;
        removed state Escalated -> Failed;
        event escalate: Queued -> Escalated;
        event fail: Queued | Escalated -> Failed;
    }
}

fn main() {}
