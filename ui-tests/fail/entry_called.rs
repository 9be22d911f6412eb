// An entry action written as a call, `start_alarm()`: name the function only.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open entry start_alarm();
        event open: Closed -> Open;
        event close: Open -> Closed;
    }
}

fn start_alarm(_: &Open) {}

fn main() {}
