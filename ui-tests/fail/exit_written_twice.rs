// Two exit actions on one state: a state has one.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open exit stop_alarm exit log_close;
        event open: Closed -> Open;
        event close: Open -> Closed;
    }
}

fn stop_alarm(_: &Open) {}
fn log_close(_: &Open) {}

fn main() {}
