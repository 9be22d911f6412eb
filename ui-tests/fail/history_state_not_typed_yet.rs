// A valid machine with a history state: core runs it as a `DynMachine`,
// but the typed API does not generate it yet, and says so.

stateforge::state_machine! {
    machine Player {
        initial state Off;
        history state On {
            initial state Playing;
            state Paused;
        }
        event power: Off -> On, On -> Off;
        event pause: Playing -> Paused;
        event play: Paused -> Playing;
    }
}

fn main() {}
