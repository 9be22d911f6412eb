// The entry action of a state inside a compound state takes that state's
// data, as in a flat machine: one written for its sibling is rustc's
// error on the action's path.

struct Log(Vec<&'static str>);

stateforge::state_machine! {
    machine Door {
        context: Log;
        initial state Closed;
        state Open {
            initial state Ajar entry start_alarm;
            state Wide { width: u32 }
        }
        event open: Closed -> Open;
        event widen(width: u32): Ajar -> Wide;
        event close: Open -> Closed;
    }
}

fn start_alarm(log: &mut Log, _: &Wide) {
    log.0.push("alarm");
}

fn main() {}
