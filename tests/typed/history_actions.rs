//! History states with entry and exit actions, in generated code: a
//! configuration remembering a state is a type of its own, and entering
//! the history state again runs the entry actions of the state it was
//! left in, not of its initial one.

type Log = Vec<String>;

stateforge::state_machine! {
    #[derive(Debug, PartialEq)]
    machine Radio {
        context: Vec<String>;
        initial state Off entry enter_off exit leave_off;
        history state On {
            initial state Playing entry enter_playing exit leave_playing;
            state Paused entry enter_paused exit leave_paused;
        } entry enter_on exit leave_on;
        event power: Off -> On, On -> Off;
        event pause: Playing -> Paused;
        event play: Paused -> Playing;
    }
}

fn note(log: &mut Log, name: &str) {
    log.push(name.to_owned());
}
// `Off`'s actions take `Off`: every configuration in `Off` holds it,
// whatever it remembers.
fn enter_off(log: &mut Log, _: &Off) {
    note(log, "enter_off");
}
fn leave_off(log: &mut Log, _: &Off) {
    note(log, "leave_off");
}
fn enter_on<S: InOn>(log: &mut Log, _: &S) {
    note(log, "enter_on");
}
fn leave_on<S: InOn>(log: &mut Log, _: &S) {
    note(log, "leave_on");
}
fn enter_playing(log: &mut Log, _: &Playing) {
    note(log, "enter_playing");
}
fn leave_playing(log: &mut Log, _: &Playing) {
    note(log, "leave_playing");
}
fn enter_paused(log: &mut Log, _: &Paused) {
    note(log, "enter_paused");
}
fn leave_paused(log: &mut Log, _: &Paused) {
    note(log, "leave_paused");
}

fn taken(log: &mut Log) -> Vec<String> {
    std::mem::take(log)
}

#[test]
fn entering_a_history_state_again_runs_the_remembered_states_entry() {
    let on = Radio::new(Vec::new()).power();
    let mut paused: Radio<Paused> = on.pause();
    assert_eq!(
        taken(paused.context_mut()),
        [
            "leave_off",
            "enter_on",
            "enter_playing",
            "leave_playing",
            "enter_paused"
        ]
    );
    let mut off: Radio<OffRememberingPaused> = paused.power();
    assert_eq!(
        taken(off.context_mut()),
        ["leave_paused", "leave_on", "enter_off"]
    );
    let mut again: Radio<Paused> = off.power();
    assert_eq!(
        taken(again.context_mut()),
        ["leave_off", "enter_on", "enter_paused"]
    );
}

#[test]
fn the_any_enum_runs_the_same_actions_by_value_and_in_place() {
    use RadioEvent::{Pause, Play, Power};
    let script = || [Power, Pause, Power, Power, Play, Power];
    let mut by_value = AnyRadio::from(Radio::new(Vec::new()));
    for event in script() {
        by_value = by_value.fire(event).unwrap();
    }
    let mut in_place = AnyRadio::from(Radio::new(Vec::new()));
    for event in script() {
        in_place.fire_in_place(event).unwrap();
    }
    assert_eq!(by_value, in_place);
    // Left in its initial state the second time: `On` remembers nothing.
    assert!(matches!(by_value, AnyRadio::Off(_)), "{by_value:?}");
    let expected = [
        "leave_off",
        "enter_on",
        "enter_playing",
        "leave_playing",
        "enter_paused",
        "leave_paused",
        "leave_on",
        "enter_off",
        "leave_off",
        "enter_on",
        "enter_paused",
        "leave_paused",
        "enter_playing",
        "leave_playing",
        "leave_on",
        "enter_off",
    ];
    assert_eq!(by_value.context(), &expected);
}
