// Syntax: an event declaration without its closing `;`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done
        event cancel: Pending -> Done;
    }
}

fn main() {}
