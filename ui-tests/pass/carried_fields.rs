// A field carried from the source state to the target, next to one given as an event argument.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        state Running { worker: String }
        state Blocked { worker: String, reason: String }
        final state Done { worker: String }

        event run(worker: String): Queued -> Running;
        event block(reason: String): Running -> Blocked;
        event unblock: Blocked -> Running;
        event finish: Running -> Done;
    }
}

fn main() {
    let job = Job::new().run("ada".to_owned()).block("disk".to_owned());
    assert_eq!(job.state().worker, "ada");
    assert_eq!(job.state().reason, "disk");
    let done = job.unblock().finish();
    assert_eq!(done.state().worker, "ada");
}
