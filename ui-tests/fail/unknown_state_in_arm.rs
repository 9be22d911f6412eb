// Unknown states as an arm source (`Runing`) and target (`Dne`): one error for each, nothing more.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Running;
        final state Done;
        event start: Pending -> Running;
        event finish: Running -> Done;
        event oops: Runing -> Dne;
    }
}

fn main() {}
