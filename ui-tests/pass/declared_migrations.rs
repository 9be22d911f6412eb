// Every form of declared migration, with functions of the right types.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        state Running (was InProgress | Started) { worker: String }
        final state Failed (with failure_from_v1) { code: u16 }
        final state Done;
        /// Escalation became a failure.
        removed state Escalated -> Failed with escalation_as_failure;
        removed state Paused -> Queued;
        event start(worker: String): Queued -> Running;
        event fail(code: u16): Running -> Failed;
        event finish: Running -> Done;
    }
}

#[derive(serde::Deserialize)]
struct FailedV1 {}

fn failure_from_v1(_: FailedV1) -> Failed {
    Failed { code: 500 }
}

fn escalation_as_failure(_: ()) -> Failed {
    Failed { code: 503 }
}

fn main() {
    assert_eq!(AnyJob::definition().spec().migrations.len(), 5);
}
