// A state's field has no `Serialize`: writing a machine in that state as
// JSON fails, naming the field's type.

stateforge::state_machine! {
    pub machine Task {
        initial state Pending;
        final state Done { receipt: Receipt }
        event finish(receipt: Receipt): Pending -> Done;
    }
}

pub struct Receipt;

fn main() {
    let done = Task::new().finish(Receipt);
    let _ = serde_json::to_string(&done);
}
