// A machine with no states at all: the first thing missing is an initial state.

stateforge::state_machine! {
    machine Task {}
}

fn main() {}
