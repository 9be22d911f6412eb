//! History states: a compound state marked `history` is entered again in
//! the state it was left in. Each configuration remembering a state is a
//! type of its own (`OffRememberingPaused`), so the state entered again
//! is known at compile time, and it is stored under core's name for it.

use stateforge::Machine;

stateforge::state_machine! {
    #[derive(Debug, PartialEq)]
    machine Player {
        context: bool;
        initial state Off { volume: u8 }
        history state On {
            initial state Playing { volume: u8 }
            state Paused { volume: u8 }
        }
        event power: Off -> On if plugged, On -> Off;
        event pause: Playing -> Paused;
        event play: Paused -> Playing;
        event louder(volume: u8): Playing -> Playing;
    }
}

// Written for `Off`: it takes the state of every configuration in
// `Off`, whatever that configuration remembers.
fn plugged(plugged: &bool, off: &Off) -> bool {
    *plugged && off.volume < 100
}

fn player() -> Player<Off> {
    Player::new(true, Off { volume: 3 })
}

#[test]
fn entering_it_the_first_time_enters_its_initial_state() {
    let playing: Player<Playing> = player().power().unwrap();
    assert_eq!(playing.state_name(), "on.playing");
    assert_eq!(playing.state().volume, 3);
}

#[test]
fn entering_it_again_enters_the_state_it_was_left_in() {
    let off: Player<OffRememberingPaused> = player().power().unwrap().pause().power();
    assert_eq!(off.state_name(), "off[on.paused]");
    // The configuration's data is `Off`'s, reached through it.
    assert_eq!(off.state().volume, 3);
    assert_eq!(off.state().state, Off { volume: 3 });
    let paused: Player<Paused> = off.power().unwrap();
    assert_eq!(paused.state_name(), "on.paused");
    assert_eq!(paused.state().volume, 3);
}

#[test]
fn left_in_its_initial_state_it_remembers_nothing() {
    let off: Player<Off> = player().power().unwrap().louder(7).power();
    assert_eq!(off.state_name(), "off");
    let playing: Player<Playing> = off.power().unwrap();
    assert_eq!(playing.state().volume, 7);
}

#[test]
fn the_memory_changes_with_the_state_left() {
    let off = player().power().unwrap().pause().power();
    let off: Player<Off> = off.power().unwrap().play().power();
    assert_eq!(off.state_name(), "off");
    let _: Player<Playing> = off.power().unwrap();
}

#[test]
fn a_guard_written_for_the_leaf_refuses_in_every_memory() {
    let off = player().power().unwrap().pause().power();
    let (context, state) = off.into_parts();
    assert!(context);
    let unplugged = Player::<OffRememberingPaused>::restore(false, state);
    let refused = unplugged.power().unwrap_err();
    assert_eq!(refused.machine.state_name(), "off[on.paused]");
}

#[test]
fn the_any_enum_has_a_variant_per_memory() {
    let any = AnyPlayer::from(player())
        .fire(PlayerEvent::Power)
        .unwrap()
        .fire(PlayerEvent::Pause)
        .unwrap()
        .fire(PlayerEvent::Power)
        .unwrap();
    assert_eq!(any.state(), PlayerState::OffRememberingPaused);
    assert_eq!(any.state().as_str(), "off[on.paused]");
    assert_eq!(
        <AnyPlayer as Machine>::definition().state_name(any.state_id()),
        "off[on.paused]"
    );
    assert_eq!(any.allowed_events(), ["power"]);
    let mut any = any;
    any.fire_in_place(PlayerEvent::Power).unwrap();
    let AnyPlayer::Paused(paused) = any else {
        panic!("expected `Paused`, got {any:?}");
    };
    assert_eq!(paused.state().volume, 3);
}

#[cfg(feature = "serde")]
#[test]
fn a_remembering_configuration_serializes_under_its_name() {
    let off = player().power().unwrap().pause().power();
    let json = serde_json::to_value(&off).unwrap();
    assert_eq!(json["state"], "off[on.paused]");
    // The data is `Off`'s, as a row of a `DynMachine` holds it.
    assert_eq!(json["data"], serde_json::json!({"volume": 3}));
    let back: AnyPlayer = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, AnyPlayer::from(off));
    let typed: Player<OffRememberingPaused> = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(typed.state().volume, 3);
    // Another configuration of `Off` is another type: its row does not
    // load as this one.
    assert!(serde_json::from_value::<Player<Off>>(json).is_err());
}
