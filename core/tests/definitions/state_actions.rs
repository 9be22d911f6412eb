//! States' entry and exit actions in the model: the order a transition
//! runs them in, the rules on them, their JSON form and fingerprint, and
//! how a change of them counts between versions of a machine.

use stateforge_core::{
    ActionKind, ArmSpec, Change, Definition, EventSpec, MachineSpec, NameKind, Problem, Site,
    StateSpec, compare,
};

/// A breaker whose `open` state arms an alarm on entry and disarms it on
/// exit, `closed` logs its exit, and `open` can be re-opened (a
/// self-transition).
fn breaker() -> MachineSpec {
    MachineSpec::new("breaker")
        .state(StateSpec::initial("closed").exit("log_closed_exit"))
        .state(
            StateSpec::new("open")
                .entry("arm_alarm")
                .exit("disarm_alarm"),
        )
        .state(StateSpec::final_state("retired").entry("archive"))
        .event(EventSpec::new("trip").arm(ArmSpec::new(["closed"], "open").action("count_trip")))
        .event(EventSpec::new("retrip").arm(ArmSpec::new(["open"], "open").action("count_trip")))
        .event(EventSpec::new("reset").arm(ArmSpec::new(["open"], "closed")))
        .event(EventSpec::new("retire").arm(ArmSpec::new(["open", "closed"], "retired")))
}

fn order(def: &Definition, from: &str, event: &str) -> Vec<(ActionKind, String)> {
    let t = def
        .transition(def.state_id(from).unwrap(), def.event_id(event).unwrap())
        .unwrap();
    t.actions().map(|s| (s.kind, s.name.to_owned())).collect()
}

#[test]
fn a_transition_runs_exit_then_arm_action_then_entry() {
    let def = Definition::new(breaker()).unwrap();
    use ActionKind::{Arm, Entry, Exit};
    let own = |k, n: &str| (k, n.to_owned());
    assert_eq!(
        order(&def, "closed", "trip"),
        [
            own(Exit, "log_closed_exit"),
            own(Arm, "count_trip"),
            own(Entry, "arm_alarm")
        ]
    );
    // Leaving and entering the same state runs both of its actions.
    assert_eq!(
        order(&def, "open", "retrip"),
        [
            own(Exit, "disarm_alarm"),
            own(Arm, "count_trip"),
            own(Entry, "arm_alarm")
        ]
    );
    // Without an arm action, and into a state without an entry action.
    assert_eq!(order(&def, "open", "reset"), [own(Exit, "disarm_alarm")]);
    assert_eq!(
        order(&def, "closed", "retire"),
        [own(Exit, "log_closed_exit"), own(Entry, "archive")]
    );
    assert!(def.transitions().iter().all(|t| t.has_actions()));
}

#[cfg(feature = "serde")]
#[test]
fn machines_without_state_actions_keep_their_json_and_fingerprint() {
    let def = Definition::example();
    let json = def.to_json();
    assert!(!json.contains("entry") && !json.contains("exit"), "{json}");
    assert!(json.contains(r#""format": 1"#));
    // The fingerprint of the task machine as every release wrote it.
    let same = Definition::from_json(&json).unwrap();
    assert_eq!(same.fingerprint(), def.fingerprint());
    assert!(
        def.transitions()
            .iter()
            .all(|t| t.exits.is_empty() && t.entries.is_empty())
    );
}

#[cfg(feature = "serde")]
#[test]
fn state_actions_are_written_in_format_3_and_read_back() {
    let def = Definition::new(breaker()).unwrap();
    let json = def.to_json();
    assert!(json.contains(r#""format": 3"#), "{json}");
    assert!(json.contains(r#""entry": "arm_alarm""#), "{json}");
    assert!(json.contains(r#""exit": "disarm_alarm""#), "{json}");
    let back = Definition::from_json(&json).unwrap();
    assert_eq!(back, def);
    assert_eq!(back.fingerprint(), def.fingerprint());
    // An older format cannot hold them: its readers refuse the fields.
    let older = json.replacen(r#""format": 3"#, r#""format": 2"#, 1);
    let err = Definition::from_json(&older).unwrap_err().to_string();
    assert!(err.contains("need format 3"), "{err}");
    let unmarked = json.replacen(r#""format": 3,"#, "", 1);
    assert!(Definition::from_json(&unmarked).is_err());
}

#[test]
fn an_entry_or_exit_action_changes_the_fingerprint() {
    let plain = Definition::new(breaker()).unwrap().fingerprint();
    let mut spec = breaker();
    spec.states[1].entry = Some("ring_bell".into());
    assert_ne!(Definition::new(spec.clone()).unwrap().fingerprint(), plain);
    // Moving an action from entry to exit is another machine too.
    spec.states[1].entry = Some("disarm_alarm".into());
    spec.states[1].exit = Some("arm_alarm".into());
    assert_ne!(Definition::new(spec).unwrap().fingerprint(), plain);
}

#[test]
fn an_exit_action_of_a_state_never_left_is_refused() {
    let mut spec = breaker();
    spec.states[2].exit = Some("unarchive".into());
    let err = Definition::new(spec).unwrap_err();
    assert_eq!(
        err.problems(),
        [Problem::StateActionNeverRuns {
            state: "retired".into(),
            kind: ActionKind::Exit,
            action: "unarchive".into(),
            site: Site::StateExit(2),
        }]
    );
    assert_eq!(
        err.problems()[0].to_string(),
        "exit action `unarchive` of state `retired` would never run: no transition leaves `retired`; remove it"
    );
}

#[test]
fn an_entry_action_of_a_state_never_entered_is_refused() {
    let spec = MachineSpec::new("job")
        .state(StateSpec::initial("queued").entry("announce"))
        .state(StateSpec::final_state("done"))
        .event(EventSpec::new("finish").arm(ArmSpec::new(["queued"], "done")));
    let err = Definition::new(spec).unwrap_err();
    assert!(
        matches!(
            err.problems(),
            [Problem::StateActionNeverRuns {
                kind: ActionKind::Entry,
                site: Site::StateEntry(0),
                ..
            }]
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("a new machine starts there without running it"),
        "{err}"
    );
}

#[test]
fn a_misspelt_state_in_an_arm_does_not_bury_itself_under_action_problems() {
    let mut spec = breaker();
    spec.events[2].arms[0].from = vec!["opne".into()];
    spec.events[3].arms[0].from = vec!["opne".into(), "closed".into()];
    let err = Definition::new(spec).unwrap_err();
    assert!(
        err.problems()
            .iter()
            .all(|p| matches!(p, Problem::UnknownState { .. })),
        "{err}"
    );
}

#[test]
fn an_entry_or_exit_action_is_named_as_an_arm_action_is() {
    let mut spec = breaker();
    spec.states[0].exit = Some("log closed".into());
    spec.states[1].entry = Some("m::".into());
    let err = Definition::new(spec).unwrap_err();
    let sites: Vec<_> = err
        .problems()
        .iter()
        .map(|p| match p {
            Problem::InvalidName {
                kind: NameKind::Action,
                site,
                ..
            } => *site,
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(sites, [Site::StateExit(0), Site::StateEntry(1)]);
    assert_eq!(Site::StateEntry(1).to_string(), "states[1].entry");
}

#[test]
fn a_changed_state_action_is_behaviour_and_rows_carry_over() {
    let v1 = Definition::new(breaker()).unwrap();
    let mut spec = breaker();
    spec.states[1].exit = None;
    spec.states[0].entry = Some("greet".into());
    let v2 = Definition::new(spec).unwrap();
    let plan = compare(&v1, &v2);
    assert!(plan.is_compatible());
    assert_eq!(
        plan.changes(),
        [
            Change::StateActionsChanged("closed".into()),
            Change::StateActionsChanged("open".into())
        ]
    );
    assert_eq!(
        plan.changes()[0].to_string(),
        "the entry or exit action of state `closed` changed"
    );
}
