// The action named in the declaration does not exist (`hooks::on_fail` where the module has `on_failure`).

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        final state Failed;
        event fail: Pending -> Failed => hooks::on_fail;
    }
}

mod hooks {
    #[allow(dead_code)]
    pub fn on_failure(count: &mut u32, _from: &super::Pending) {
        *count += 1;
    }
}

fn main() {}
