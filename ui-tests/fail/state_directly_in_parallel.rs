// A state written directly in a parallel state instead of in a region.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        parallel state Building {
            region Tests { initial state Running; final state Passed; }
            state Docs;
        }
        final state Released;
        event build: Queued -> Building;
        event pass: Running -> Passed;
        event release: done(Building) -> Released;
    }
}

fn main() {}
