// One event moving two regions at once, guarded in one of them: the
// regions move in one transition, which has one guard.

fn ready(_: &(), _: &Running) -> bool {
    true
}

stateforge::state_machine! {
    machine Run {
        initial state Queued;
        parallel state Building {
            region Tests { initial state Running; final state Passed; }
            region Docs { initial state Writing; final state Written; }
        }
        final state Released;
        event build: Queued -> Building;
        event finish: Running -> Passed if ready, Writing -> Written;
        event release: done(Building) -> Released;
    }
}

fn main() {}
