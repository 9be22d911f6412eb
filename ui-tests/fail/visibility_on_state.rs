// A visibility on a state: every generated item takes the machine's.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        pub final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
