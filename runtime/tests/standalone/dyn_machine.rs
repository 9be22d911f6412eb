//! A machine whose definition is data: loaded from JSON, bound to guards
//! and actions by name, fired by name and by id; every kind of bad data is
//! refused with a typed error, and a refused event changes nothing.

use serde_json::{Value, json};
use stateforge_core::{Definition, Fingerprint, LoadError};
use stateforge_runtime::{DefinitionError, DynError, DynMachine, Registry, check_fingerprint};

/// Use case 1's task machine, with an action on `fail`, as a store would
/// hold it.
fn task_json() -> String {
    let mut spec: Value = serde_json::from_str(&Definition::example().to_json()).unwrap();
    let fail = spec["events"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["name"] == "fail")
        .unwrap();
    for arm in fail["arms"].as_array_mut().unwrap() {
        arm["action"] = json!("count_failure");
    }
    spec.to_string()
}

fn registry() -> Registry<Value> {
    Registry::new()
        .guard("can_retry", |ctx: &Value, _| {
            ctx["failures"].as_u64() < Some(3)
        })
        .action("count_failure", |ctx: &mut Value, args: &Value| {
            if args["reason"].is_null() {
                ctx["touched"] = json!(true); // must not survive the refusal
                return Err("a failure needs a reason".to_owned());
            }
            let n = ctx["failures"].as_u64().unwrap_or(0);
            ctx["failures"] = json!(n + 1);
            ctx["last_reason"] = args["reason"].clone();
            Ok(())
        })
}

fn task() -> DynMachine<Value> {
    DynMachine::from_json_definition(&task_json(), &registry(), json!({"failures": 0})).unwrap()
}

#[test]
fn a_definition_loaded_from_json_runs_to_a_final_state() {
    let mut t = task();
    assert_eq!(t.state_name(), "pending");
    assert_eq!(t.allowed_events(), ["assign"]);
    t.fire("assign", &Value::Null).unwrap();
    t.fire("fail", &json!({"reason": "timeout"})).unwrap();
    assert_eq!(
        *t.context(),
        json!({"failures": 1, "last_reason": "timeout"})
    );
    assert!(t.can_fire("retry", &Value::Null));
    t.fire("retry", &Value::Null).unwrap();
    let def = t.definition().clone();
    for e in ["assign", "start", "complete"] {
        t.fire_id(def.event_id(e).unwrap(), &Value::Null).unwrap();
    }
    assert_eq!(t.state_name(), "completed");
    assert!(t.is_final());
    assert!(t.allowed_events().is_empty());
}

#[test]
fn an_unknown_event_is_refused_by_name() {
    let mut t = task();
    let err = t.fire("archive", &Value::Null).unwrap_err();
    assert_eq!(
        err,
        DynError::UnknownEvent {
            machine: "task".into(),
            event: "archive".into()
        }
    );
    assert!(!t.can_fire("archive", &Value::Null));
    assert_eq!(t.state_name(), "pending");
}

#[test]
fn an_unknown_stored_state_is_refused_and_a_known_one_restored() {
    let bound = registry().bind_json(&task_json()).unwrap();
    let err = DynMachine::restore(bound.clone(), "archived", json!({})).unwrap_err();
    assert_eq!(
        err,
        DynError::UnknownState {
            machine: "task".into(),
            state: "archived".into()
        }
    );
    let t = DynMachine::restore(bound, "failed", json!({"failures": 3})).unwrap();
    assert_eq!(t.state_name(), "failed");
    assert!(
        !t.can_fire("retry", &Value::Null),
        "guard sees the restored context"
    );
}

#[test]
fn a_guard_refusal_leaves_machine_and_context_unchanged() {
    let bound = registry().bind_json(&task_json()).unwrap();
    let mut t = DynMachine::restore(bound, "failed", json!({"failures": 3})).unwrap();
    let err = t.fire("retry", &Value::Null).unwrap_err();
    let DynError::GuardRefused { ref at } = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (at.state_name(), at.event_name(), at.guard()),
        ("failed", "retry", Some("can_retry"))
    );
    assert_eq!(
        err.to_string(),
        "guard `can_retry` refused event `retry` in state `failed`"
    );
    assert_eq!(t.state_name(), "failed");
    assert_eq!(*t.context(), json!({"failures": 3}));
}

#[test]
fn an_action_error_leaves_machine_and_context_unchanged() {
    let mut t = task();
    t.fire("assign", &Value::Null).unwrap();
    let before = t.context().clone();
    let err = t.fire("fail", &Value::Null).unwrap_err();
    let DynError::ActionFailed {
        ref at,
        ref message,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (at.state_name(), at.event_name(), at.action()),
        ("assigned", "fail", Some("count_failure"))
    );
    assert_eq!(message, "a failure needs a reason");
    assert_eq!(
        err.to_string(),
        "action `count_failure` of event `fail` in state `assigned` failed: a failure needs a reason"
    );
    assert_eq!(t.state_name(), "assigned");
    assert_eq!(
        *t.context(),
        before,
        "the action's partial change is discarded"
    );
}

#[test]
fn a_not_allowed_event_names_state_and_event() {
    let mut t = task();
    let err = t.fire("complete", &Value::Null).unwrap_err();
    assert_eq!(
        err.to_string(),
        "event `complete` is not allowed in state `pending`"
    );
    assert_eq!(t.state_name(), "pending");
}

#[test]
fn binding_lists_every_missing_guard_and_action() {
    let err = Registry::<Value>::new()
        .bind_json(&task_json())
        .unwrap_err();
    let DefinitionError::Missing(missing) = err else {
        panic!("expected missing behaviour, got {err:?}");
    };
    assert_eq!(missing.machine, "task");
    assert_eq!(missing.guards, ["can_retry"]);
    assert_eq!(
        missing.actions,
        ["count_failure"],
        "named once though two arms use it"
    );
}

#[test]
fn an_invalid_definition_lists_every_problem() {
    let json = r#"{"name": "broken",
        "states": [{"name": "a", "initial": true}, {"name": "b"}, {"name": "a"}],
        "events": [{"name": "go", "arms": [{"from": ["a"], "to": "nowhere"}]}]}"#;
    let err = DynMachine::from_json_definition(json, &Registry::<()>::new(), ()).unwrap_err();
    let DefinitionError::Load(LoadError::Invalid(invalid)) = err else {
        panic!("expected an invalid definition, got {err:?}");
    };
    assert!(invalid.problems().len() >= 2, "{:?}", invalid.problems());
    let text = invalid.to_string();
    assert!(text.contains("nowhere"), "{text}");
    assert!(text.contains('a'), "{text}");
}

#[test]
fn text_that_is_not_a_definition_is_refused() {
    let err = DynMachine::from_json_definition("[1, 2]", &Registry::<()>::new(), ()).unwrap_err();
    assert!(
        matches!(err, DefinitionError::Load(LoadError::Json(_))),
        "{err:?}"
    );
}

#[test]
fn a_fingerprint_mismatch_is_refused() {
    let def = Definition::example();
    check_fingerprint(def.name(), def.fingerprint(), def.fingerprint()).unwrap();
    let changed = Definition::from_json(&task_json()).unwrap();
    assert_ne!(changed.fingerprint(), def.fingerprint());
    let err = check_fingerprint("task", def.fingerprint(), changed.fingerprint()).unwrap_err();
    assert_eq!(err.expected, def.fingerprint());
    assert_eq!(err.found, changed.fingerprint());
    assert!(check_fingerprint("task", Fingerprint(1), Fingerprint(2)).is_err());
}

#[test]
fn a_typed_context_works_like_json() {
    #[derive(Clone, Debug, PartialEq)]
    struct Attempts(u32);
    let bound = Registry::<Attempts>::new()
        .guard("can_retry", |a, args| {
            a.0 < args["limit"].as_u64().unwrap_or(3) as u32
        })
        .bind(Definition::example())
        .unwrap();
    let mut t = DynMachine::restore(bound, "failed", Attempts(2)).unwrap();
    assert!(t.fire("retry", &json!({"limit": 2})).is_err());
    t.fire("retry", &json!({"limit": 5})).unwrap();
    assert_eq!(t.into_parts(), ("pending".to_owned(), Attempts(2)));
}

#[test]
fn every_event_name_resolves_among_many_similar_ones() {
    // Names sharing length, first and last byte stress the bind-time hash.
    let names: Vec<String> = (0..40)
        .map(|i| format!("e{i:02}x"))
        .chain(
            [
                "a",
                "ab",
                "ba",
                "retry_after_x",
                "retry_befor_x",
                "escalate_to_a_human_x",
                "escalate_to_b_human_x",
            ]
            .map(String::from),
        )
        .collect();
    let events: Vec<Value> = names
        .iter()
        .map(|n| json!({"name": n, "arms": [{"from": ["s"], "to": "s"}]}))
        .collect();
    let json =
        json!({"name": "many", "states": [{"name": "s", "initial": true}], "events": events});
    let bound = Registry::<()>::new().bind_json(&json.to_string()).unwrap();
    for n in &names {
        assert_eq!(bound.event_id(n), bound.definition().event_id(n), "{n}");
        assert!(bound.event_id(n).is_some(), "{n}");
    }
    for unknown in [
        "",
        "e00y",
        "e40x",
        "abc",
        "b",
        "E00x",
        "retry_aftex_x",
        "escalate_to_c_human_x",
    ] {
        assert_eq!(bound.event_id(unknown), None, "{unknown}");
    }
    let mut m = DynMachine::new(bound, ());
    m.fire("e17x", &Value::Null).unwrap();
}

/// Refusals from two loads of one machine compare by the state and event
/// they name, even when the second load declares its events in another
/// order (the same fingerprint, other ids).
#[test]
fn refusals_of_two_loads_compare_by_what_they_name() {
    let json = task_json();
    let mut reordered: Value = serde_json::from_str(&json).unwrap();
    reordered["events"].as_array_mut().unwrap().reverse();
    let refused = |json: &str, event: &str| {
        let bound = registry().bind_json(json).unwrap();
        DynMachine::new(bound, json!({}))
            .fire(event, &Value::Null)
            .unwrap_err()
    };
    let reordered = reordered.to_string();
    assert_eq!(refused(&json, "complete"), refused(&json, "complete"));
    assert_eq!(refused(&json, "complete"), refused(&reordered, "complete"));
    assert_ne!(refused(&json, "complete"), refused(&reordered, "start"));
    assert_ne!(refused(&json, "complete"), refused(&json, "start"));
}

#[test]
fn a_refusal_names_its_state_and_event_from_the_shared_definition() {
    let bound = registry().bind_json(&task_json()).unwrap();
    let mut t = DynMachine::new(bound.clone(), json!({}));
    let complete = t.definition().event_id("complete").unwrap();
    let err = t.fire_id(complete, &Value::Null).unwrap_err();
    let at = err.refused_at().expect("a known event");
    assert_eq!((at.state_name(), at.event_name()), ("pending", "complete"));
    assert!(at.arm().is_none());
    assert!(std::ptr::eq(at.definition(), bound.definition()));
    // The same refusal, by name, is equal; the error outlives the machine.
    assert_eq!(t.fire("complete", &Value::Null).unwrap_err(), err);
    drop(t);
    assert_eq!(
        err.to_string(),
        "event `complete` is not allowed in state `pending`"
    );
    fn boxed(e: DynError) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        Box::new(e)
    }
    assert_eq!(
        boxed(err).to_string(),
        "event `complete` is not allowed in state `pending`"
    );
}

#[test]
fn an_event_id_out_of_range_is_an_unknown_event() {
    let mut t = task();
    let foreign = stateforge_core::EventId::__from_index(99);
    let err = t.fire_id(foreign, &Value::Null).unwrap_err();
    assert_eq!(
        err,
        DynError::UnknownEvent {
            machine: "task".into(),
            event: "#99".into()
        }
    );
    assert_eq!(t.state_name(), "pending");
}
