// The entry action does not exist: rustc's "cannot find", on its path.

stateforge::state_machine! {
    pub machine Door {
        context: u32;
        initial state Closed;
        state Open entry start_alarm;
        event open: Closed -> Open;
        event close: Open -> Closed;
    }
}

fn main() {}
