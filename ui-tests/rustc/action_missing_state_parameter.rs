// An action takes the source state too: `(context, &Failed)`.

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

fn count(retries: &mut u32) {
    *retries += 1;
}

fn main() {}
