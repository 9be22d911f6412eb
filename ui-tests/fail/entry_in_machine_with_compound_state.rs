// Entry and exit actions in a machine with a compound state: the typed
// calls are not generated for configurations yet, so the macro refuses
// them on any state of such a machine, compound or not.

stateforge::state_machine! {
    machine Door {
        initial state Closed exit lock_check;
        state Open {
            initial state Ajar entry start_alarm;
            state Wide;
        } exit stop_alarm;
        event open: Closed -> Open;
        event widen: Ajar -> Wide;
        event close: Open -> Closed;
    }
}

fn lock_check(_: &Closed) {}
fn start_alarm(_: &Ajar) {}
fn stop_alarm(_: &Wide) {}

fn main() {}
