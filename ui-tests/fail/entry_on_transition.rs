// An entry action written on a transition: it belongs to the state.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open;
        event open: Closed -> Open entry start_alarm;
        event close: Open -> Closed;
    }
}

fn start_alarm(_: &Open) {}

fn main() {}
