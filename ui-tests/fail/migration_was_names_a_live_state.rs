// A rename whose former name is still a state: `InProgress` cannot be
// `Running`'s old name while it is declared.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        state InProgress;
        state Running (was InProgress);
        final state Done;
        event start: Queued -> InProgress;
        event run: InProgress -> Running;
        event finish: Running -> Done;
    }
}

fn main() {}
