//! Rules on the names of a declaration that Rust code generation imposes:
//! their case, raw identifiers, names the generated code takes, and
//! duplicate fields.

use std::collections::BTreeMap;

use syn::Ident;

use crate::ast::{EventDecl, StateDecl};
use crate::case::{snake, upper_camel};
use crate::ctxt::Ctxt;

/// Method names every typed machine has: an event may not take one.
const RESERVED_METHODS: &[&str] = &[
    "new",
    "restore",
    "context",
    "context_mut",
    "state",
    "into_parts",
    "definition",
    "state_name",
];

// Rule: states are types (UpperCamelCase), events are methods (snake_case),
// and neither takes a name the generated code uses.
pub(super) fn check_name_case(
    cx: &mut Ctxt,
    machine: &Ident,
    states: &[StateDecl],
    events: &[EventDecl],
) {
    let generated = [
        format!("{machine}"),
        format!("{machine}State"),
        format!("{machine}Event"),
        format!("Any{machine}"),
    ];
    let machine_name = machine.to_string();
    if machine_name.starts_with("r#") {
        cx.error(machine.span(), raw_message("machine", &machine_name));
    } else if !machine_name.starts_with(|c: char| c.is_ascii_uppercase()) {
        cx.error(
            machine.span(),
            format!(
                "machine `{machine_name}` must start with an uppercase letter: it names a type; write `{}`",
                upper_camel(&machine_name)
            ),
        );
    }
    for s in states {
        let name = s.name.to_string();
        if name.starts_with("r#") {
            cx.error(s.name.span(), raw_message("state", &name));
            continue;
        }
        if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            cx.error(
                s.name.span(),
                format!(
                    "state `{name}` must start with an uppercase letter: states are types; write `{}`",
                    upper_camel(&name)
                ),
            );
        }
        if generated.contains(&name) {
            cx.error(
                s.name.span(),
                format!(
                    "state `{name}` collides with the generated type `{name}`; rename the state"
                ),
            );
        }
    }
    for e in events {
        let name = e.name.to_string();
        if name.starts_with("r#") {
            cx.error(e.name.span(), raw_message("event", &name));
            continue;
        }
        if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            cx.error(
                e.name.span(),
                format!(
                    "event `{name}` must start with a lowercase letter: events are methods; write `{}`",
                    snake(&name)
                ),
            );
        }
        if RESERVED_METHODS.contains(&name.as_str()) {
            cx.error(
                e.name.span(),
                format!(
                    "event `{name}` collides with the generated method `{machine}::{name}`; rename the event"
                ),
            );
        }
    }
}

fn raw_message(what: &str, name: &str) -> String {
    format!(
        "raw identifiers are not supported as {what} names: the name is stored and shown as written; rename `{name}`"
    )
}

// Rule: field names are unique within a state, and argument names within
// an event.
pub(super) fn check_fields_unique(cx: &mut Ctxt, states: &[StateDecl], events: &[EventDecl]) {
    let lists = states
        .iter()
        .map(|s| ("state", &s.name, &s.fields))
        .chain(events.iter().map(|e| ("event", &e.name, &e.args)));
    for (what, owner, fields) in lists {
        let mut seen = BTreeMap::new();
        for f in fields {
            if seen.insert(f.name.to_string(), ()).is_some() {
                cx.error(
                    f.name.span(),
                    format!(
                        "{what} `{owner}` has two fields named `{}`; rename one",
                        f.name
                    ),
                );
            }
        }
    }
}
