// A misspelt type (`Wrker`) in a state field and an event argument: rustc should report each use once, at the user's token.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Running { worker: Wrker }
        final state Done;
        event start(worker: Wrker): Pending -> Running;
        event finish: Running -> Done;
    }
}

fn main() {}
