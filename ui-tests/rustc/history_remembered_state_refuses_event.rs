// Switched off while paused, the player only switches on; switched on
// again, it is in the state it remembered, `Paused`, where `pause` does
// not fire.

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
    let _ = Player::new().power().pause().power().play();
    let _ = Player::new().power().pause().power().power().pause();
}
