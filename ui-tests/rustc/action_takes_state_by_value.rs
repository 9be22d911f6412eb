// An action borrows the source state: `&Failed`, not `Failed`.

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        state Failed;
        final state Done;
        event finish: Pending -> Done;
        event fail(reason: String): Pending -> Failed;
        event retry: Failed -> Pending => count;
    }
}

fn count(retries: &mut u32, _from: Failed) {
    *retries += 1;
}

fn main() {}
