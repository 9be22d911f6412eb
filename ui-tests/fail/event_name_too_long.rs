// An event name longer than the 64 bytes a stored name may have.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish_finish_finish_finish_finish_finish_finish_finish_finish_finish_now: Pending -> Done;
    }
}

fn main() {}
