// Syntax: the `machine` keyword is missing before the machine's name.

stateforge::state_machine! {
    pub Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
