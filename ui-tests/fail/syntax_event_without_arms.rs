// Syntax: an event with no transition after its `:`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: ;
    }
}

fn main() {}
