// No transition enters `Queued`, and `new` runs no entry action: `announce`
// would never run.

stateforge::state_machine! {
    machine Job {
        initial state Queued entry announce;
        final state Done;
        event finish: Queued -> Done;
    }
}

fn announce(_: &Queued) {}

fn main() {}
