// Three states marked initial: the second and third are each reported.

stateforge::state_machine! {
    machine Task {
        initial state A;
        initial state B;
        initial state C;
        final state Done;
        event finish: A | B | C -> Done;
    }
}

fn main() {}
