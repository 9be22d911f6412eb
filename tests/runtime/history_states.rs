//! History states with the runtime: a generated machine remembering
//! states agrees with a `DynMachine` over its definition at every step,
//! and its rows are the ones the dynamic machine reads and writes.

use std::sync::Arc;

use serde_json::Value;
use stateforge::runtime::db::{SqliteStore, TransitionMeta};
use stateforge::runtime::{Bound, DynMachine, Registry};

// `Menu` remembers a state of its own inside `On`, which remembers
// `Menu` itself: a configuration may remember both.
stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Player {
        initial state Off;
        history state On {
            initial state Playing;
            state Paused;
            history state Menu {
                initial state Top;
                state Settings;
            }
        }
        event power: Off -> On, On -> Off;
        event pause: Playing -> Paused;
        event play: Paused | Menu -> Playing;
        event menu: Playing | Paused -> Menu;
        event dive: Top -> Settings;
    }
}

const EVENTS: [PlayerEvent; 5] = [
    PlayerEvent::Power,
    PlayerEvent::Pause,
    PlayerEvent::Play,
    PlayerEvent::Menu,
    PlayerEvent::Dive,
];

fn bound() -> Arc<Bound<Value>> {
    Registry::<Value>::new()
        .bind(AnyPlayer::definition().clone())
        .unwrap()
}

#[test]
fn each_configuration_is_typed_with_what_it_remembers() {
    let off: Player<OffRememberingMenuSettings> = Player::new().power().menu().dive().power();
    assert_eq!(off.state_name(), "off[on.menu,on.menu.settings]");
    let settings: Player<Settings> = off.power();
    let playing: Player<PlayingRememberingSettings> = settings.play();
    assert_eq!(playing.state_name(), "on.playing[on.menu.settings]");
    let _: Player<Settings> = playing.menu();
}

#[test]
fn generated_and_dynamic_machines_agree_on_every_sequence() {
    let bound = bound();
    let mut sequences: Vec<Vec<usize>> = vec![Vec::new()];
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..6 {
        let mut longer = Vec::new();
        for sequence in &sequences {
            for e in 0..EVENTS.len() {
                let mut next = sequence.clone();
                next.push(e);
                longer.push(next);
            }
        }
        for sequence in &longer {
            let mut typed = AnyPlayer::from(Player::new());
            let mut dynamic = DynMachine::new(Arc::clone(&bound), Value::Null);
            for &e in sequence {
                let event = EVENTS[e].clone();
                let name = event.name();
                let typed_ok = typed.fire_in_place(event).is_ok();
                let dyn_ok = dynamic.fire(name, &Value::Null).is_ok();
                assert_eq!(typed_ok, dyn_ok, "{name} after {sequence:?}");
                assert_eq!(typed.state().as_str(), dynamic.state_name());
            }
            seen.insert(typed.state().as_str());
        }
        sequences = longer;
    }
    // Every configuration was reached, the remembering ones included.
    assert_eq!(seen.len(), AnyPlayer::definition().states().len());
    assert!(seen.contains("off[on.menu,on.menu.settings]"));
}

#[test]
fn a_remembering_configuration_round_trips_through_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("player.db")).unwrap();
    let meta = TransitionMeta::new();
    let off = Player::new().power().pause().power();
    store.create("p-1", &AnyPlayer::from(off), &meta).unwrap();
    let loaded = store.load::<AnyPlayer>("p-1").unwrap().machine;
    assert!(matches!(loaded, AnyPlayer::OffRememberingPaused(_)));

    // The row is the one a `DynMachine` over the definition writes: it
    // reads it, and enters the state remembered.
    let bound = bound();
    let dynamic = store.load_dyn(&bound, "p-1").unwrap().machine;
    assert_eq!(dynamic.state_name(), "off[on.paused]");
    let fired = store
        .fire_dyn(&bound, "p-1", "power", &Value::Null, &meta)
        .unwrap();
    assert_eq!(fired.machine.state_name(), "on.paused");
    let typed = store
        .fire::<AnyPlayer>("p-1", PlayerEvent::Power, &meta)
        .unwrap();
    let AnyPlayer::OffRememberingPaused(off) = typed.machine else {
        panic!("expected `off[on.paused]`, got {:?}", typed.machine);
    };
    let _: Player<Paused> = off.power();
}
