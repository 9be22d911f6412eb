// An action that expects another context type (`&mut String` for a `u32` context).

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done => on_finish;
    }
}

fn on_finish(log: &mut String, _from: &Pending) {
    log.push_str("done");
}

fn main() {}
