// Empty parentheses after a state say nothing of its past.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Running ();
        event run: Queued -> Running;
    }
}

fn main() {}
