// A timer fires the event, whose guards then choose: one `after` per state and event.

stateforge::state_machine! {
    machine Breaker {
        initial state Closed;
        state Open;
        event failure: Closed -> Open;
        event reset: Open -> Closed if healthy after 30s, Open -> Open after 1min;
    }
}

fn healthy(_: &Open) -> bool {
    true
}

fn main() {}
