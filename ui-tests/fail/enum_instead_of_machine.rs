// `enum` where `machine` belongs.

stateforge::state_machine! {
    enum Task {
        initial state Pending;
    }
}

fn main() {}
