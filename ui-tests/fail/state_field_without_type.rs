// A state field without its type: `{ agent }`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done { agent }
        event finish(agent: String): Pending -> Done;
    }
}

fn main() {}
