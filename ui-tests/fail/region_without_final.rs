// A region that never completes: `done(Building)` could never fire.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        parallel state Building {
            region Tests { initial state Running; state Passed; }
            region Docs { initial state Writing; final state Written; }
        }
        final state Released;
        event build: Queued -> Building;
        event pass: Running -> Passed;
        event write: Writing -> Written;
        event release: done(Building) -> Released;
    }
}

fn main() {}
