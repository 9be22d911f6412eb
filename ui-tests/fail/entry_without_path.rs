// `entry` without the action's function.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open entry;
        event open: Closed -> Open;
        event close: Open -> Closed;
    }
}

fn main() {}
