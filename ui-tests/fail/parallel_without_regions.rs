// A parallel state with nothing to run in parallel.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        parallel state Building;
        final state Released;
        event build: Queued -> Building;
        event release: Building -> Released;
    }
}

fn main() {}
