// A removed state must say where its rows go.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Failed;
        removed state Escalated;
        event fail: Queued -> Failed;
    }
}

fn main() {}
