// `In_Progress` is stored as `in_progress`, the name of state `InProgress`.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        state InProgress;
        final state Running (was In_Progress);
        event start: Queued -> InProgress;
        event run: InProgress -> Running;
    }
}

fn main() {}
