// A state cannot have been itself.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Running (was Running);
        event run: Queued -> Running;
    }
}

fn main() {}
