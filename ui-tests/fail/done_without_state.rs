// `done()` without the parallel state it waits for.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        parallel state Building {
            region Tests { initial state Running; final state Passed; }
            region Docs { initial state Writing; final state Written; }
        }
        final state Released;
        event build: Queued -> Building;
        event release: done() -> Released;
    }
}

fn main() {}
