// A machine name longer than the 64 bytes a stored name may have.

stateforge::state_machine! {
    machine TaskTaskTaskTaskTaskTaskTaskTaskTaskTaskTaskTaskTaskTaskTaskTaskTask {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
