// `context: u32` without its `;`.

stateforge::state_machine! {
    machine Task {
        context: u32
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
