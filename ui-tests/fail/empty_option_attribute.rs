// `#[stateforge]` with no option list.

stateforge::state_machine! {
    #[stateforge]
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
