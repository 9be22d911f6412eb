// An exit action runs for every event leaving the state: it takes the
// context and the state, not an event's arguments.

stateforge::state_machine! {
    pub machine Door {
        context: u32;
        initial state Closed;
        state Open { since: u64 } exit stop_alarm;
        event open(since: u64): Closed -> Open;
        event close(by: String): Open -> Closed;
    }
}

fn stop_alarm(closed: &mut u32, _open: &Open, _by: &String) {
    *closed += 1;
}

fn main() {}
