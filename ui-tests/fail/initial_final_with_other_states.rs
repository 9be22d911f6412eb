// An initial state marked final has no way out: every other state is unreachable.

stateforge::state_machine! {
    machine Task {
        initial final state Only;
        state Other;
        event go: Other -> Only;
    }
}

fn main() {}
