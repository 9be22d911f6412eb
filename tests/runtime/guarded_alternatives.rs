//! Guarded alternatives in the runtime: a `DynMachine` over a JSON
//! definition tries them in order, names every guard that refused and
//! the action that failed; listeners are shown the alternative guards
//! choose; replay and the store accept each alternative's target.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::{SqliteStore, StoreError, TransitionMeta};
use stateforge::runtime::{
    DynError, DynMachine, HistoryRecord, Listeners, Registry, Timestamp, replay,
};

/// A breaker counting failures in its context: `failure` trips it past
/// the threshold, else keeps it closed; `probe` out of `half_open` has
/// two guards and no else.
const BREAKER: &str = r#"{
  "name": "breaker",
  "states": [
    {"name": "closed", "initial": true},
    {"name": "open"},
    {"name": "half_open"}
  ],
  "events": [
    {"name": "failure", "arms": [
      {"from": ["closed"], "to": "open", "guard": "over_threshold", "action": "alert"},
      {"from": ["closed"], "to": "closed", "action": "count"}
    ]},
    {"name": "reset", "arms": [{"from": ["open"], "to": "half_open"}]},
    {"name": "probe", "arms": [
      {"from": ["half_open"], "to": "closed", "guard": "healthy"},
      {"from": ["half_open"], "to": "open", "guard": "failing"}
    ]}
  ]
}"#;

fn registry() -> Registry<Value> {
    Registry::<Value>::new()
        .guard("over_threshold", |ctx: &Value, _| {
            ctx["failures"].as_u64() >= Some(2)
        })
        .guard("healthy", |_, args: &Value| args["ok"] == true)
        .guard("failing", |_, args: &Value| args["ok"] == false)
        .action("alert", |ctx: &mut Value, _| {
            if ctx["alerts_down"] == true {
                return Err("pager down".to_owned());
            }
            ctx["alerted"] = json!(true);
            Ok(())
        })
        .action("count", |ctx: &mut Value, _| {
            let n = ctx["failures"].as_u64().unwrap_or(0);
            ctx["failures"] = json!(n + 1);
            Ok(())
        })
}

fn breaker() -> DynMachine<Value> {
    DynMachine::new(
        registry().bind_json(BREAKER).unwrap(),
        json!({"failures": 0}),
    )
}

#[test]
fn the_else_runs_until_the_guard_says_yes() {
    let mut m = breaker();
    let null = Value::Null;
    m.fire("failure", &null).unwrap();
    m.fire("failure", &null).unwrap();
    assert_eq!(
        (m.state_name(), &m.context()["failures"]),
        ("closed", &json!(2))
    );
    m.fire("failure", &null).unwrap();
    assert_eq!(m.state_name(), "open");
    assert_eq!(m.context()["alerted"], true);
    assert_eq!(m.context()["failures"], 2, "the else's action did not run");
}

#[test]
fn every_guard_that_refused_is_named() {
    let bound = registry().bind_json(BREAKER).unwrap();
    let mut m = DynMachine::restore(bound, "half_open", json!({})).unwrap();
    assert!(!m.can_fire("probe", &json!({})));
    let e = m.fire("probe", &json!({})).unwrap_err();
    let DynError::GuardRefused { at } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(at.guards_tried(), ["healthy", "failing"]);
    assert_eq!(at.guard(), Some("failing"));
    assert_eq!(
        e.to_string(),
        "guards `healthy`, `failing` refused event `probe` in state `half_open`"
    );
    assert_eq!(m.state_name(), "half_open");
    assert!(m.can_fire("probe", &json!({"ok": false})));
    m.fire("probe", &json!({"ok": false})).unwrap();
    assert_eq!(m.state_name(), "open");
}

#[test]
fn a_failed_action_names_its_own_alternative_and_changes_nothing() {
    let mut m = DynMachine::new(
        registry().bind_json(BREAKER).unwrap(),
        json!({"failures": 5, "alerts_down": true}),
    );
    let e = m.fire("failure", &Value::Null).unwrap_err();
    let DynError::ActionFailed { at, message } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        (at.action(), message.as_str()),
        (Some("alert"), "pager down")
    );
    assert_eq!(
        at.arm().map(|t| at.definition().state_name(t.to)),
        Some("open")
    );
    assert_eq!(
        (m.state_name(), &m.context()["failures"]),
        ("closed", &json!(5))
    );
}

#[test]
fn before_listeners_see_the_alternative_the_guards_choose() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut listeners = Listeners::<DynMachine<Value>>::new();
    let log = Arc::clone(&seen);
    listeners.before("log", move |t, _| {
        log.lock().unwrap().push(format!("{} -> {}", t.from, t.to));
        Ok(())
    });
    let mut m = breaker();
    for _ in 0..3 {
        listeners
            .fire_dyn(&mut m, "failure", &Value::Null, None)
            .unwrap();
    }
    assert_eq!(
        *seen.lock().unwrap(),
        ["closed -> closed", "closed -> closed", "closed -> open"]
    );
}

#[test]
fn replay_accepts_each_alternative_and_nothing_else() {
    let def = Definition::from_json(BREAKER).unwrap();
    let now = Timestamp::now();
    let created = HistoryRecord::created("breaker", "b-1", "closed", now);
    let stayed = created.next("failure", "closed", now);
    let tripped = stayed.next("failure", "open", now);
    let chain = [created.clone(), stayed, tripped];
    assert_eq!(replay(&def, &chain).unwrap(), ("open".to_owned(), 3));
    let nowhere = created.next("failure", "half_open", now);
    assert!(replay(&def, &[created, nowhere]).is_err());
}

#[test]
fn the_store_fires_alternatives_and_reports_every_guard() {
    let store = SqliteStore::open_in_memory().unwrap();
    let bound = registry().bind_json(BREAKER).unwrap();
    let meta = TransitionMeta::new();
    store.save_definition(bound.definition()).unwrap();
    let m = DynMachine::new(Arc::clone(&bound), json!({"failures": 1}));
    store.create_dyn("b-1", &m, &meta).unwrap();
    let once = store
        .fire_dyn(&bound, "b-1", "failure", &Value::Null, &meta)
        .unwrap();
    assert_eq!(once.machine.state_name(), "closed");
    let twice = store
        .fire_dyn(&bound, "b-1", "failure", &Value::Null, &meta)
        .unwrap();
    assert_eq!(twice.machine.state_name(), "open");
    store
        .fire_dyn(&bound, "b-1", "reset", &Value::Null, &meta)
        .unwrap();
    let err = store
        .fire_dyn(&bound, "b-1", "probe", &json!({}), &meta)
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::GuardsRefused { guards, .. } if guards == &["healthy", "failing"]),
        "{err:?}"
    );
    assert_eq!(err.kind(), "guard_refused");
    assert_eq!(
        store.load_dyn(&bound, "b-1").unwrap().machine.state_name(),
        "half_open"
    );
}
