// A data migration is named, not called.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Failed (with failed_from_v1(old)) { code: u16 }
        event fail(code: u16): Queued -> Failed;
    }
}

fn main() {}
