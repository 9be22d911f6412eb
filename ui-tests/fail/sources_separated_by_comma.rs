// Two sources separated by `,`, which separates arms; sources take `|`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Assigned;
        final state Done;
        event assign: Pending -> Assigned;
        event finish: Pending, Assigned -> Done;
    }
}

fn main() {}
