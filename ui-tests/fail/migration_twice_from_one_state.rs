// Two states claim one former name: its rows would go to both.

stateforge::state_machine! {
    machine Job {
        initial state Queued;
        state Running (was Started);
        state Paused (was Started);
        final state Done;
        event run: Queued -> Running;
        event pause: Running -> Paused;
        event finish: Running | Paused -> Done;
    }
}

fn main() {}
