//! Names in another case: snake_case, the case a machine and its states are
//! stored under (`InProgress` -> `in_progress`), and UpperCamelCase, the
//! event enum's variants; with the rules stored names obey.

use std::collections::BTreeMap;

use stateforge_core::{MAX_NAME_LEN, MachineSpec};
use syn::Ident;

use crate::ast::{RemovedDecl, StateDecl};
use crate::ctxt::Ctxt;

/// `InProgress` -> `in_progress`, `HTTPError` -> `http_error`.
pub(crate) fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_uppercase();
            if i > 0 && chars[i - 1] != '_' && (prev_lower || (prev_upper && next_lower)) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `mark_done` -> `MarkDone`.
pub(crate) fn upper_camel(name: &str) -> String {
    name.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

// Rule: stored state names (snake_case) are distinct: `InProgress` and
// `In_Progress` would share `in_progress` in the database. And they, and
// the machine's stored name, are valid names: snake_case is longer than the
// name written.
pub(crate) fn check_stored_names(
    cx: &mut Ctxt,
    machine: &Ident,
    states: &[StateDecl],
    removed: &[RemovedDecl],
) {
    let mut seen: BTreeMap<String, &Ident> = BTreeMap::new();
    for s in states {
        let stored = snake(&s.name.to_string());
        check_stored_length(cx, "state", &s.name, &stored);
        if let Some(first) = seen.get(&stored) {
            if *first != &s.name {
                cx.error(
                    s.name.span(),
                    format!(
                        "states `{first}` and `{}` would both be stored as `{stored}`; rename one",
                        s.name
                    ),
                );
            }
        } else {
            seen.insert(stored, &s.name);
        }
    }
    check_stored_length(cx, "machine", machine, &snake(&machine.to_string()));
    // The states migrated from are stored names too: one written in
    // another case than a state (`In_Progress` beside `InProgress`) is
    // that state, as a row names it.
    let pasts = states
        .iter()
        .flat_map(|s| &s.was)
        .chain(removed.iter().map(|r| &r.name));
    for past in pasts {
        let stored = snake(&past.to_string());
        check_stored_length(cx, "state", past, &stored);
        if let Some(state) = seen.get(&stored)
            && *state != past
        {
            cx.error(
                past.span(),
                format!(
                    "`{past}` is stored as `{stored}`, the name of state `{state}`: rows of one are rows of the other"
                ),
            );
        }
    }
}

/// An error on `ident` when its stored form, `stored`, is longer than a
/// stored name may be (the name as written was checked already).
fn check_stored_length(cx: &mut Ctxt, kind: &str, ident: &Ident, stored: &str) {
    let written = ident.to_string();
    if written.len() <= MAX_NAME_LEN && stored.len() > MAX_NAME_LEN {
        cx.error(
            ident.span(),
            format!(
                "{kind} `{written}` is stored as `{stored}`, {} bytes; a stored name has at most {MAX_NAME_LEN}: shorten it",
                stored.len()
            ),
        );
    }
}

/// `spec`, written with the names as declared, under the names it is
/// stored with: the machine's and every state's in snake_case, wherever a
/// state is named. Events keep theirs: an event is stored under its
/// method's name.
pub(crate) fn stored_spec(mut spec: MachineSpec) -> MachineSpec {
    spec.name = snake(&spec.name);
    for state in &mut spec.states {
        state.name = snake(&state.name);
        state.parent = state.parent.as_deref().map(snake);
    }
    for arm in spec.events.iter_mut().flat_map(|e| &mut e.arms) {
        for from in &mut arm.from {
            *from = snake(from);
        }
        arm.to = snake(&arm.to);
    }
    for timer in &mut spec.timers {
        timer.state = snake(&timer.state);
    }
    for migration in &mut spec.migrations {
        migration.from = snake(&migration.from);
        migration.to = snake(&migration.to);
    }
    spec
}
