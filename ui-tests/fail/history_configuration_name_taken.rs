// `Off` remembering `Paused` is typed `OffRememberingPaused`, a name the
// machine already gives a state.

stateforge::state_machine! {
    machine Player {
        initial state Off;
        history state On {
            initial state Playing;
            state Paused;
        }
        state OffRememberingPaused;
        event power: Off -> On, On -> Off;
        event pause: Playing -> Paused;
        event play: Paused -> Playing;
        event skip: Off -> OffRememberingPaused;
        event back: OffRememberingPaused -> Off;
    }
}

fn main() {}
