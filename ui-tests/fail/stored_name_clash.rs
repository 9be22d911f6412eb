// `InProgress` and `In_Progress` would share one stored name.

stateforge::state_machine! {
    machine Task {
        initial state InProgress;
        final state In_Progress;
        event finish: InProgress -> In_Progress;
    }
}

fn main() {}
