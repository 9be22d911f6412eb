// A state declared twice, once `final`: one declaration per state.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Done;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
