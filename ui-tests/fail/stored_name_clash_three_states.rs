// Three states that snake_case folds to one stored name: each clash is reported.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state HttpError;
        state HTTPError;
        final state HttpERROR;
        event a: Pending -> HttpError;
        event b: Pending -> HTTPError;
        event c: HttpError | HTTPError -> HttpERROR;
    }
}

fn main() {}
