//! A machine defined as data refuses an event in each of its ways, and
//! the store reports each as its own variant, with the machine, entity,
//! state and event: a caller (an HTTP handler) tells "not allowed here"
//! from "the rule said no" without reading text. Nothing is written.

use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::StoreError;
use stateforge::runtime::{DynMachine, Registry};

use super::fixture::{Fixture, assert_chain, meta};

pub(crate) fn each_refusal_of_a_dynamic_machine_is_its_own_variant(fx: Fixture) {
    let def = Definition::from_json(
        r#"{"name": "order",
            "states": [{"name": "open", "initial": true}, {"name": "paid"}, {"name": "shipped", "final": true}],
            "events": [
                {"name": "pay", "arms": [{"from": ["open"], "to": "paid", "guard": "has_card"}]},
                {"name": "ship", "arms": [{"from": ["paid"], "to": "shipped", "action": "book_courier"}]}
            ]}"#,
    )
    .unwrap();
    let bound = Registry::<Value>::new()
        .guard("has_card", |order, _| order["card"] == true)
        .action("book_courier", |_, _| Err("no courier today".to_owned()))
        .bind(def)
        .unwrap();
    let store = fx.open();
    for (id, context) in [("o-1", json!({})), ("o-2", json!({"card": true}))] {
        store
            .create_dyn(id, &DynMachine::new(bound.clone(), context), &meta())
            .unwrap();
    }

    let err = store
        .fire_dyn(&bound, "o-1", "ship", &Value::Null, &meta())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::NotAllowed { machine, state, event }
                if (machine.as_str(), state.as_str(), event.as_str())
                    == ("order", "open", "ship")
        ),
        "{err:?}"
    );
    let err = store
        .fire_dyn(&bound, "o-1", "pay", &Value::Null, &meta())
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::GuardRefused { guard, state, .. } if guard == "has_card" && state == "open"),
        "{err:?}"
    );
    let err = store
        .fire_dyn(&bound, "o-1", "refund", &Value::Null, &meta())
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownEvent { machine, event } if machine == "order" && event == "refund"),
        "{err:?}"
    );
    store
        .fire_dyn(&bound, "o-2", "pay", &Value::Null, &meta())
        .unwrap();
    let err = store
        .fire_dyn(&bound, "o-2", "ship", &Value::Null, &meta())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::ActionFailed { action, message, event, .. }
                if action == "book_courier" && message == "no courier today" && event == "ship"
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(assert_chain(&store, "order", "o-1"), 1, "nothing written");
    assert_eq!(assert_chain(&store, "order", "o-2"), 2, "only the payment");
}

/// Guarded alternatives: the store fires the arm the guards choose, and
/// when none says yes refuses naming every guard tried, writing nothing.
pub(crate) fn guarded_alternatives_fire_the_chosen_arm_or_name_every_guard(fx: Fixture) {
    let def = Definition::from_json(
        r#"{"name": "order",
            "states": [{"name": "open", "initial": true}, {"name": "paid"}, {"name": "review"}, {"name": "shipped", "final": true}],
            "events": [
                {"name": "pay", "arms": [
                    {"from": ["open"], "to": "paid", "guard": "has_card"},
                    {"from": ["open"], "to": "review", "guard": "has_voucher"}
                ]},
                {"name": "ship", "arms": [
                    {"from": ["paid", "review"], "to": "shipped", "guard": "in_stock"},
                    {"from": ["paid", "review"], "to": "review"}
                ]}
            ]}"#,
    )
    .unwrap();
    let bound = Registry::<Value>::new()
        .guard("has_card", |order, _| order["card"] == true)
        .guard("has_voucher", |order, _| order["voucher"] == true)
        .guard("in_stock", |_, args| args["stock"] == true)
        .bind(def)
        .unwrap();
    let store = fx.open();
    for (id, context) in [("o-1", json!({})), ("o-2", json!({"voucher": true}))] {
        store
            .create_dyn(id, &DynMachine::new(bound.clone(), context), &meta())
            .unwrap();
    }

    let err = store
        .fire_dyn(&bound, "o-1", "pay", &Value::Null, &meta())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::GuardsRefused { machine, state, event, guards }
                if (machine.as_str(), state.as_str(), event.as_str()) == ("order", "open", "pay")
                    && guards == &["has_card", "has_voucher"]
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "guards `has_card`, `has_voucher` refused event `pay` in state `open`"
    );
    assert_eq!(err.kind(), "guard_refused");
    assert_eq!(assert_chain(&store, "order", "o-1"), 1, "nothing written");

    let paid = store
        .fire_dyn(&bound, "o-2", "pay", &Value::Null, &meta())
        .unwrap();
    assert_eq!(
        paid.machine.state_name(),
        "review",
        "the second alternative"
    );
    let stays = store
        .fire_dyn(&bound, "o-2", "ship", &json!({"stock": false}), &meta())
        .unwrap();
    assert_eq!(stays.machine.state_name(), "review", "the else");
    let shipped = store
        .fire_dyn(&bound, "o-2", "ship", &json!({"stock": true}), &meta())
        .unwrap();
    assert_eq!(shipped.machine.state_name(), "shipped");
    assert_eq!(assert_chain(&store, "order", "o-2"), 4);
}
