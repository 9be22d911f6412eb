// The function a `with` names makes the data of the state it migrates
// to: this one returns a `String`.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        final state Failed (with failure_from_v1) { code: u16 }
        event fail(code: u16): Queued -> Failed;
    }
}

#[derive(serde::Deserialize)]
struct FailedV1 {
    reason: String,
}

fn failure_from_v1(old: FailedV1) -> String {
    old.reason
}

fn main() {}
