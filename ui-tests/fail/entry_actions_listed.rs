// Two entry actions listed with `,`: a state has one, which calls the others.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open entry start_alarm, log_open;
        event open: Closed -> Open;
        event close: Open -> Closed;
    }
}

fn start_alarm(_: &Open) {}
fn log_open(_: &Open) {}

fn main() {}
