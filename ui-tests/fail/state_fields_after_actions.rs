// A state's fields written after its actions.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open entry start_alarm { since: u64 }
        event open(since: u64): Closed -> Open;
        event close: Open -> Closed;
    }
}

fn start_alarm(_: &Open) {}

fn main() {}
