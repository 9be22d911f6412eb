// Self-transitions, and one event leading from different sources to different targets.

stateforge::state_machine! {
    machine Player {
        context: u32;
        initial state Stopped;
        state Playing;
        state Paused;
        final state Ejected;

        event tick: Playing -> Playing => count;
        event toggle: Stopped -> Playing, Playing -> Paused, Paused -> Playing;
        event stop: Playing | Paused -> Stopped;
        event eject: Stopped -> Ejected;
    }
}

fn count(ticks: &mut u32, _from: &Playing) {
    *ticks += 1;
}

fn main() {
    let p = Player::new(0).toggle().tick().tick();
    assert_eq!(*p.context(), 2);
    let p = p.toggle();
    assert_eq!(p.state_name(), "paused");
    let p = p.toggle().stop();
    assert_eq!(p.state_name(), "stopped");
    let any = AnyPlayer::from(p.eject());
    assert!(any.is_final());
}
