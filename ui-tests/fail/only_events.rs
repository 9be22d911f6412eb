// Events over states that were never declared: no initial state, and each state unknown.

stateforge::state_machine! {
    machine Task {
        event finish: Pending -> Done;
    }
}

fn main() {}
