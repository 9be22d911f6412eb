// A region in an ordinary compound state: regions belong to parallel states.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        state Building {
            region Tests { initial state Running; final state Passed; }
        }
        final state Released;
        event build: Queued -> Building;
        event pass: Running -> Passed;
        event release: Building -> Released;
    }
}

fn main() {}
