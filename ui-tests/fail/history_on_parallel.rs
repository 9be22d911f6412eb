// `history` on a parallel state: all its regions are active at once.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        history parallel state Building {
            region Tests { initial state Running; final state Passed; }
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
