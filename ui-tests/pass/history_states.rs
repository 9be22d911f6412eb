// History states under `deny(warnings)` and `deny(missing_docs)`, beside
// user types shadowing the prelude: the structs of the configurations
// remembering a state are documented, and entering the history state
// again has a type known at compile time.
#![deny(warnings)]
#![deny(missing_docs)]
//! A media player.

/// Shadows `core::result::Result`.
pub struct Result;
/// Shadows `core::option::Option`.
pub struct Option;

stateforge::state_machine! {
    /// A player that resumes where it was switched off.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Player {
        context: u32;
        /// Switched off.
        initial state Off { track: u32 }
        /// Switched on, resumed in the state it was left in.
        history state On {
            /// Playing a track.
            initial state Playing { track: u32 }
            /// Paused on a track.
            state Paused { track: u32 }
        }
        /// Switches it on or off.
        event power: Off -> On if charged, On -> Off;
        /// Pauses the track.
        event pause: Playing -> Paused;
        /// Plays the track again.
        event play: Paused -> Playing;
    }
}

/// Written for `Off`: every configuration in `Off` passes its data.
fn charged(battery: &u32, off: &Off) -> bool {
    *battery > 0 && off.track > 0
}

fn main() {
    let off: Player<OffRememberingPaused> =
        Player::new(1, Off { track: 4 }).power().unwrap().pause().power();
    assert_eq!(off.state().track, 4);
    let paused: Player<Paused> = off.power().unwrap();
    let _: Player<Playing> = paused.play();
    let any = AnyPlayer::from(Player::new(1, Off { track: 4 }).power().unwrap().pause().power());
    assert_eq!(any.state(), PlayerState::OffRememberingPaused);
}
