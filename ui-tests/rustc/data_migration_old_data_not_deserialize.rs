// The argument of a data migration is the old data, read from the row:
// its type must deserialize.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Failed (with failure_from_v1) { code: u16 }
        event fail(code: u16): Queued -> Failed;
    }
}

struct FailedV1 {
    code: u16,
}

fn failure_from_v1(old: FailedV1) -> Failed {
    Failed { code: old.code }
}

fn main() {}
