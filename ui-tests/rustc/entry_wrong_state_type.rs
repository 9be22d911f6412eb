// The entry action takes the state left instead of the state entered: the
// error lands on the action's path.

stateforge::state_machine! {
    pub machine Door {
        context: u32;
        initial state Closed;
        state Open entry start_alarm;
        event open: Closed -> Open;
        event close: Open -> Closed;
    }
}

fn start_alarm(opened: &mut u32, _from: &Closed) {
    *opened += 1;
}

fn main() {}
