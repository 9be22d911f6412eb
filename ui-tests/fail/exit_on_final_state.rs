// A final state is never left: its exit action would never run.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Done exit archive;
        event finish: Queued -> Done;
    }
}

fn archive(_: &Done) {}

fn main() {}
