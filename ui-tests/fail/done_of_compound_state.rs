// `done(...)` of a state that is not parallel.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        state Active {
            initial state Working;
            final state Reviewed;
        }
        final state Done;
        event start: Open -> Active;
        event review: Working -> Reviewed;
        event finish: done(Active) -> Done;
    }
}

fn main() {}
