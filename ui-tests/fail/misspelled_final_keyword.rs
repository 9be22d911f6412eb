// `final` misspelled.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        finl state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
