// `history` on a state that holds no states.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        history state Working;
        final state Done;
        event start: Open -> Working;
        event finish: Working -> Done;
    }
}

fn main() {}
