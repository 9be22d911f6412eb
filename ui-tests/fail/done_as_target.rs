// `done(...)` written as a transition's target: it only says when a
// transition may leave a parallel state.

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        parallel state Building {
            region Tests { initial state Running; final state Passed; }
            region Docs { initial state Writing; final state Written; }
        }
        final state Released;
        event build: Queued -> done(Building);
    }
}

fn main() {}
