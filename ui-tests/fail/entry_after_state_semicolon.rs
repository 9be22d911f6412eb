// The entry action written after the state's `;`, as an item of its own.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open;
        entry start_alarm;
        event open: Closed -> Open;
        event close: Open -> Closed;
    }
}

fn start_alarm(_: &Open) {}

fn main() {}
