// Timers in each unit: `500ms`, `30s`, `5min`, `2h`.

stateforge::state_machine! {
    machine Session {
        initial state Connecting;
        state Active;
        state Idle;
        state Suspended;
        final state Closed;

        event connect: Connecting -> Active;
        event retry: Connecting -> Connecting after 500ms;
        event idle: Active -> Idle after 30s;
        event suspend: Idle -> Suspended after 5min;
        event wake: Idle | Suspended -> Active;
        event close: Suspended -> Closed after 2h;
    }
}

fn main() {
    let s = Session::new().retry().connect().idle().suspend().wake();
    assert_eq!(s.state_name(), "active");
    let _ = AnySession::definition();
}
