// A region marked `initial`: every region of a parallel state is entered
// at once, so none is the initial one.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        parallel state Building {
            initial region Tests { initial state Running; final state Passed; }
            region Docs { initial state Writing; final state Written; }
        }
        final state Released;
        event build: Queued -> Building;
        event release: done(Building) -> Released;
    }
}

fn main() {}
