// `#[stateforge(allow_unreachable, allow_dead_ends)]` switches both graph checks off.

stateforge::state_machine! {
    #[stateforge(allow_unreachable, allow_dead_ends)]
    machine Task {
        initial state Pending;
        state Stuck;
        final state Done;
        final state Archived;
        event finish: Pending -> Done;
        event jam: Pending -> Stuck;
    }
}

fn main() {
    let stuck = Task::new().jam();
    assert_eq!(stuck.state_name(), "stuck");
    let _ = Task::<Archived>::restore(Archived);
}
