// A compound state's exit action takes the data of the state active in it,
// whichever that is: one written for a single child does not compile,
// where another child is left. (Generic over `S: InOpen` it would.)

struct Log(Vec<&'static str>);

stateforge::state_machine! {
    machine Door {
        context: Log;
        initial state Closed;
        state Open {
            initial state Ajar;
            state Wide { width: u32 }
        } exit stop_alarm;
        event open: Closed -> Open;
        event widen(width: u32): Ajar -> Wide;
        event close: Open -> Closed;
    }
}

fn stop_alarm(log: &mut Log, _: &Ajar) {
    log.0.push("quiet");
}

fn main() {}
