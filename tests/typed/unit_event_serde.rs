//! An event enum none of whose events has arguments gets serde impls
//! written by the macro (two functions of core), not derived: they must
//! read and write exactly what serde's derive of the same internally
//! tagged enum does, errors included, on every input below.

#![cfg(feature = "serde")]

use serde::Deserialize;

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    machine Door {
        initial state Closed;
        state Open;
        state Locked;
        event open: Closed -> Open;
        event close: Open -> Closed;
        event lock: Closed -> Locked;
        event unlock: Locked -> Closed;
    }
}

/// What serde's derive made of the macro's event enum before, under the
/// same name (the name is in the errors).
mod derived {
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(tag = "event")]
    pub(crate) enum DoorEvent {
        #[serde(rename = "open")]
        Open,
        #[serde(rename = "close")]
        Close,
        #[serde(rename = "lock")]
        Lock,
        #[serde(rename = "unlock")]
        Unlock,
    }
}
use derived::DoorEvent as Derived;

fn name_of_derived(e: &Derived) -> &'static str {
    match e {
        Derived::Open => "open",
        Derived::Close => "close",
        Derived::Lock => "lock",
        Derived::Unlock => "unlock",
    }
}

/// Every kind of input the derive treats in its own way: the tag first,
/// last, between other fields, twice, missing, misspelt, of the wrong
/// type, by index, in a sequence, and what is no map at all.
const INPUTS: &[&str] = &[
    r#"{"event": "open"}"#,
    r#"{"event": "unlock"}"#,
    r#"{"x": 1, "event": "lock"}"#,
    r#"{"event": "close", "x": [1, {"y": null}], "z": "w"}"#,
    r#"{"x": {"event": "open"}, "event": "close"}"#,
    r#"{}"#,
    r#"{"x": 1}"#,
    r#"{"event": "nope"}"#,
    r#"{"event": "Open"}"#,
    r#"{"event": ""}"#,
    r#"{"event": "open", "event": "close"}"#,
    r#"{"event": 0}"#,
    r#"{"event": 3}"#,
    r#"{"event": 4}"#,
    r#"{"event": -1}"#,
    r#"{"event": null}"#,
    r#"{"event": ["open"]}"#,
    r#"{"Event": "open"}"#,
    r#"["open"]"#,
    r#"["lock", 1, "x"]"#,
    r#"[]"#,
    r#"[7]"#,
    r#""open""#,
    r"1",
    r"null",
    r"true",
    r#"{"event": "open""#,
];

/// The outcome of one input, as text: the event's name, or the error
/// without its position. (The derive reads a sequence whole before it
/// looks at it, so its error for elements after the tag has no position;
/// ours says where they are. The messages are otherwise the same.)
fn outcome<T, E: std::fmt::Display>(r: Result<T, E>, name: impl Fn(&T) -> &'static str) -> String {
    match r {
        Ok(e) => format!("ok {}", name(&e)),
        Err(e) => {
            let text = e.to_string();
            let message = match text.rfind(" at line ") {
                Some(at) if text[at..].contains(" column ") => &text[..at],
                _ => &text,
            };
            format!("error {message}")
        }
    }
}

#[test]
fn reading_json_text_matches_the_derive() {
    for input in INPUTS {
        let ours = outcome(serde_json::from_str::<DoorEvent>(input), DoorEvent::name);
        let derived = outcome(serde_json::from_str::<Derived>(input), name_of_derived);
        assert_eq!(ours, derived, "input {input}");
    }
}

/// Through `serde_json::Value` (the path the stores take), and through
/// serde's buffered content (an untagged enum around the event), each a
/// deserializer of its own.
#[test]
fn reading_values_and_buffered_content_matches_the_derive() {
    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    enum Wrapped<E> {
        Event(E),
    }
    for input in INPUTS {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(input) else {
            continue; // not JSON: covered by the text test
        };
        let ours = outcome(
            serde_json::from_value::<DoorEvent>(value.clone()),
            DoorEvent::name,
        );
        let derived = outcome(
            serde_json::from_value::<Derived>(value.clone()),
            name_of_derived,
        );
        assert_eq!(ours, derived, "input {input} as a value");

        let ours = serde_json::from_value::<Wrapped<DoorEvent>>(value.clone())
            .map(|Wrapped::Event(e)| e.name());
        let derived = serde_json::from_value::<Wrapped<Derived>>(value)
            .map(|Wrapped::Event(e)| name_of_derived(&e));
        assert_eq!(
            ours.as_ref().ok(),
            derived.as_ref().ok(),
            "input {input} in an untagged enum"
        );
    }
}

#[test]
fn writing_matches_the_derive_and_reads_back() {
    let pairs = [
        (DoorEvent::Open, Derived::Open),
        (DoorEvent::Close, Derived::Close),
        (DoorEvent::Lock, Derived::Lock),
        (DoorEvent::Unlock, Derived::Unlock),
    ];
    for (ours, derived) in pairs {
        let text = serde_json::to_string(&ours).unwrap();
        assert_eq!(text, serde_json::to_string(&derived).unwrap());
        assert_eq!(text, format!(r#"{{"event":"{}"}}"#, ours.name()));
        assert_eq!(serde_json::from_str::<DoorEvent>(&text).unwrap(), ours);
        assert_eq!(
            serde_json::to_value(&ours).unwrap(),
            serde_json::to_value(&derived).unwrap()
        );
    }
}

/// Beside other flattened fields, the event leaves them the whole map,
/// tag included, as the derive does.
#[test]
fn a_flattened_event_leaves_the_other_fields_what_the_derive_leaves() {
    #[derive(Debug, Deserialize)]
    struct Envelope<E> {
        #[serde(flatten)]
        event: E,
        #[serde(flatten)]
        rest: serde_json::Map<String, serde_json::Value>,
    }
    for input in [
        r#"{"event": "open", "id": 1}"#,
        r#"{"id": 1, "event": "lock", "by": "ada"}"#,
        r#"{"id": 1}"#,
    ] {
        let ours = serde_json::from_str::<Envelope<DoorEvent>>(input)
            .map(|e| (e.event.name(), e.rest))
            .map_err(|e| e.to_string());
        let derived = serde_json::from_str::<Envelope<Derived>>(input)
            .map(|e| (name_of_derived(&e.event), e.rest))
            .map_err(|e| e.to_string());
        assert_eq!(ours, derived, "input {input}");
    }
}

/// A format whose map keys are not strings (numbers, booleans, null):
/// such keys are passed over, as the derive passes over them.
#[test]
fn keys_that_are_not_strings_are_passed_over_as_by_the_derive() {
    use serde::de::value::MapDeserializer;
    use serde_json::{Value, json};
    let maps: [Vec<(Value, Value)>; 3] = [
        vec![(json!(1), json!("x")), (json!("event"), json!("close"))],
        vec![
            (json!(true), json!(null)),
            (json!(null), json!([1])),
            (json!("event"), json!("unlock")),
        ],
        vec![(json!(2.5), json!({"event": "open"}))],
    ];
    for entries in maps {
        let ours = DoorEvent::deserialize(MapDeserializer::<_, serde_json::Error>::new(
            entries.clone().into_iter(),
        ));
        let derived = Derived::deserialize(MapDeserializer::<_, serde_json::Error>::new(
            entries.clone().into_iter(),
        ));
        assert_eq!(
            outcome(ours, DoorEvent::name),
            outcome(derived, name_of_derived),
            "entries {entries:?}"
        );
    }
}
