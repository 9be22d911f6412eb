// An event named like the generated constructor (`new`).

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event new: Pending -> Done;
    }
}

fn main() {}
