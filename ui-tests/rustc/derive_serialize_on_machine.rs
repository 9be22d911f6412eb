// serde's derives on the machine: stateforge writes those impls itself (with
// its `serde` feature), so the macro refuses them.

stateforge::state_machine! {
    #[derive(serde::Serialize)]
    pub machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
