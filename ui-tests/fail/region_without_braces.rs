// A region written like a unit state: a region holds states.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        parallel state Building {
            region Tests;
            region Docs { initial state Writing; final state Written; }
        }
        final state Released;
        event build: Queued -> Building;
        event release: done(Building) -> Released;
    }
}

fn main() {}
