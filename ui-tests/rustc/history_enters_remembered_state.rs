// A player switched off while paused remembers it: switching it on again
// enters `Paused`, not `On`'s initial state `Playing`.

stateforge::state_machine! {
    pub machine Player {
        initial state Off;
        history state On {
            initial state Playing;
            state Paused;
        }
        event power: Off -> On, On -> Off;
        event pause: Playing -> Paused;
        event play: Paused -> Playing;
    }
}

fn main() {
    let _playing: Player<Playing> = Player::new().power().pause().power().power();
}
