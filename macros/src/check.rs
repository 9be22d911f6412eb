//! Turns a parsed declaration into a checked [`Model`], or into every error
//! it has, each spanned at the offending token.
//!
//! The rules a machine obeys as a graph (unknown and duplicate names, one
//! initial state, nothing out of a final state, reachability, dead ends)
//! live in `stateforge_core::validate` and run here on the declaration as
//! written; this module adds only the rules of Rust code generation.

use std::collections::BTreeMap;

use proc_macro2::Span;
use stateforge_core::{
    ArmSpec, Checks, Definition, EventSpec, MAX_NAME_LEN, MachineSpec, Problem, Site, StateSpec,
    TimerSpec, validate,
};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitInt, Path};

use crate::ast::{EventDecl, Input, Item, MachineDecl, StateDecl};
use crate::ctxt::Ctxt;
use crate::model::{Event, FieldSource, Model, State, Transition};

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

/// Checks `input`; on failure returns all errors, combined.
pub(crate) fn check(input: Input) -> syn::Result<Model> {
    let Input { krate, machine } = input;
    let mut cx = Ctxt::default();
    let MachineDecl {
        attrs,
        vis,
        machine_token,
        name,
        items,
    } = machine;

    let (docs, attrs, checks) = split_machine_attrs(&mut cx, attrs);
    let mut context = None;
    let mut states: Vec<StateDecl> = Vec::new();
    let mut events: Vec<EventDecl> = Vec::new();
    for item in items {
        match item {
            Item::Context(c) => {
                if context.is_some() {
                    cx.error(
                        c.keyword.span(),
                        "`context` is declared twice; a machine has one context type",
                    );
                }
                context = Some(c.ty);
            }
            Item::State(s) => states.push(s),
            Item::Event(e) => events.push(e),
        }
    }

    check_name_case(&mut cx, &name, &states, &events);
    check_fields_unique(&mut cx, &states, &events);
    let spec = check_graph(&mut cx, &name, &machine_token, &states, &events, checks);
    check_delays(&mut cx, &events);
    check_stored_names(&mut cx, &name, &states);
    let transitions = resolve_transitions(&mut cx, &states, &events);
    cx.finish()?;

    let state_enum = format_ident(&name, "", "State");
    let event_enum = format_ident(&name, "", "Event");
    let any = format_ident(&name, "Any", "");
    // The rules ran on the names as written, to name what the user wrote;
    // the definition emitted is that spec under its stored names (checked
    // distinct and short enough by `check_stored_names`), validated again
    // so that the one the generated code builds at run time cannot be
    // refused there.
    let stored = stored_spec(spec);
    let stored_names: Vec<String> = stored.states.iter().map(|s| s.name.clone()).collect();
    let definition = Definition::new(stored)
        .map_err(|e| syn::Error::new(machine_token.span(), e.to_string()))?;
    let initial = states.iter().position(|s| s.initial.is_some()).unwrap_or(0);
    let states = states
        .into_iter()
        .zip(stored_names)
        .map(|(s, stored)| State {
            is_final: s.final_.is_some(),
            ident: s.name,
            attrs: s.attrs,
            fields: s.fields,
            stored,
        })
        .collect();
    let events = events
        .into_iter()
        .zip(transitions)
        .map(|(e, transitions)| Event {
            variant: Ident::new(&upper_camel(&e.name.to_string()), e.name.span()),
            ident: e.name,
            attrs: e.attrs,
            args: e.args,
            transitions,
        })
        .collect();
    Ok(Model {
        krate,
        vis,
        state_enum,
        event_enum,
        any,
        name,
        docs,
        attrs,
        context,
        states,
        events,
        initial,
        definition,
    })
}

fn format_ident(base: &Ident, prefix: &str, suffix: &str) -> Ident {
    Ident::new(&format!("{prefix}{base}{suffix}"), base.span())
}

/// Splits the machine's attributes into doc comments, attributes for the
/// generated types, and the `#[stateforge(...)]` options.
fn split_machine_attrs(
    cx: &mut Ctxt,
    attrs: Vec<Attribute>,
) -> (Vec<Attribute>, Vec<Attribute>, Checks) {
    let mut docs = Vec::new();
    let mut rest = Vec::new();
    let mut checks = Checks::default();
    for attr in attrs {
        if attr.path().is_ident("doc") {
            docs.push(attr);
        } else if attr.path().is_ident("stateforge") {
            let parsed = attr.parse_nested_meta(|meta| {
                let option = ["allow_unreachable", "allow_dead_ends"]
                    .into_iter()
                    .find(|o| meta.path.is_ident(o));
                if let Some(option) = option
                    && (meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren))
                {
                    return Err(meta.error(format!(
                        "`{option}` takes no value; write `#[stateforge({option})]`"
                    )));
                }
                if meta.path.is_ident("allow_unreachable") {
                    checks.unreachable = false;
                    Ok(())
                } else if meta.path.is_ident("allow_dead_ends") {
                    checks.dead_ends = false;
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown stateforge option; expected `allow_unreachable` or `allow_dead_ends`",
                    ))
                }
            });
            if let Err(e) = parsed {
                cx.error(e.span(), e);
            }
        } else {
            rest.push(attr);
        }
    }
    (docs, rest, checks)
}

// Rule: states are types (UpperCamelCase), events are methods (snake_case),
// and neither takes a name the generated code uses.
fn check_name_case(cx: &mut Ctxt, machine: &Ident, states: &[StateDecl], events: &[EventDecl]) {
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
fn check_fields_unique(cx: &mut Ctxt, states: &[StateDecl], events: &[EventDecl]) {
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

/// Runs the shared graph rules of `stateforge_core` on the declaration as
/// written and maps each problem back to its token. Returns the spec it
/// validated, which lowering renames into the emitted definition.
fn check_graph(
    cx: &mut Ctxt,
    name: &Ident,
    machine_token: &Ident,
    states: &[StateDecl],
    events: &[EventDecl],
    checks: Checks,
) -> MachineSpec {
    let (spec, timer_spans) = written_spec(name, states, events, checks);
    for problem in validate(&spec) {
        // `check_name_case` has said what is wrong with a raw identifier.
        if let Problem::InvalidName { name, .. } = &problem
            && name.starts_with("r#")
        {
            continue;
        }
        let span = match problem.site() {
            None => machine_token.span(),
            Some(site) => site_span(site, name, states, events, &timer_spans),
        };
        cx.error(span, macro_message(&problem));
    }
    spec
}

/// The declaration as a spec, names as written, and the span of each
/// timer's `after` delay, in the spec's timer order.
fn written_spec(
    name: &Ident,
    states: &[StateDecl],
    events: &[EventDecl],
    checks: Checks,
) -> (MachineSpec, Vec<Span>) {
    let mut timer_spans = Vec::new();
    let mut spec = MachineSpec::new(name.to_string()).checks(checks);
    for s in states {
        spec = spec.state(StateSpec {
            name: s.name.to_string(),
            initial: s.initial.is_some(),
            is_final: s.final_.is_some(),
        });
    }
    for e in events {
        let mut event = EventSpec::new(e.name.to_string());
        for arm in &e.arms {
            event = event.arm(ArmSpec {
                from: arm.sources.iter().map(Ident::to_string).collect(),
                to: arm.target.to_string(),
                guard: arm.guard.as_ref().map(path_name),
                action: arm.action.as_ref().map(path_name),
            });
            if let Some(after) = &arm.after {
                // The graph rules never read a delay; one the delay rule
                // refuses still makes a timer, whose state and event are
                // checked like any other.
                let after_ms = delay_ms(after).unwrap_or(0);
                for source in &arm.sources {
                    spec = spec.timer(TimerSpec::new(
                        source.to_string(),
                        e.name.to_string(),
                        after_ms,
                    ));
                    timer_spans.push(after.span());
                }
            }
        }
        spec = spec.event(event);
    }
    (spec, timer_spans)
}

fn site_span(
    site: Site,
    name: &Ident,
    states: &[StateDecl],
    events: &[EventDecl],
    timer_spans: &[Span],
) -> Span {
    let arm = |e: usize, a: usize| &events[e].arms[a];
    match site {
        Site::Machine => name.span(),
        Site::State(i) => states[i].name.span(),
        Site::Event(i) => events[i].name.span(),
        Site::ArmSource {
            event,
            arm: a,
            source,
        } => arm(event, a).sources[source].span(),
        Site::ArmTarget { event, arm: a } => arm(event, a).target.span(),
        Site::ArmGuard { event, arm: a } => arm(event, a).guard.span(),
        Site::ArmAction { event, arm: a } => arm(event, a).action.span(),
        Site::TimerState(i) | Site::TimerEvent(i) => {
            timer_spans.get(i).copied().unwrap_or_else(|| name.span())
        }
    }
}

/// The core message, with the fix phrased in the macro's own syntax.
fn macro_message(problem: &Problem) -> String {
    match problem {
        Problem::UnknownState { name, .. } => {
            format!("unknown state `{name}`; declare it with `state {name};` or correct the name")
        }
        Problem::NoInitialState => {
            "no initial state; mark one state `initial`, as in `initial state Pending;`".to_owned()
        }
        Problem::SeveralInitialStates { first, name, .. } => format!(
            "state `{name}` is marked `initial` but `{first}` is initial already; keep `initial` on one state"
        ),
        Problem::DuplicateEvent { name, .. } => format!(
            "event `{name}` is declared twice; list all its transitions in one declaration: `event {name}: A -> B, C -> D;`"
        ),
        Problem::FromFinalState { event, state, .. } => format!(
            "event `{event}` leaves `{state}`, which is declared `final`; remove `final` from `state {state}` or remove `{state}` from this transition"
        ),
        Problem::UnreachableState { state, .. } => format!(
            "state `{state}` is unreachable from the initial state; add a transition into it, or allow this with `#[stateforge(allow_unreachable)]` on the machine"
        ),
        Problem::DeadEnd { state, .. } => format!(
            "state `{state}` is not final and has no way out; mark it `final state {state}`, add a transition out of it, or allow this with `#[stateforge(allow_dead_ends)]` on the machine"
        ),
        other => other.to_string(),
    }
}

/// A guard or action as a name: its path's identifiers joined by `::`,
/// without generic arguments (`Rules::can_retry` for `Rules::can_retry::<u8>`).
pub(crate) fn path_name(path: &Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

// Rule: a timer delay is a whole number with unit `ms`, `s`, `min` or `h`.
fn check_delays(cx: &mut Ctxt, events: &[EventDecl]) {
    for arm in events.iter().flat_map(|e| &e.arms) {
        if let Some(lit) = &arm.after
            && let Err(message) = delay_ms(lit)
        {
            cx.error(lit.span(), message);
        }
    }
}

/// The delay `lit` stands for, in milliseconds, or what is wrong with it.
fn delay_ms(lit: &LitInt) -> Result<u64, String> {
    let factor = match lit.suffix() {
        "ms" => 1,
        "s" => 1_000,
        "min" => 60_000,
        "h" => 3_600_000,
        "" => {
            return Err(format!(
                "timer delay `{lit}` needs a unit; write it as `500ms`, `30s`, `5min` or `2h`"
            ));
        }
        unit => {
            return Err(format!(
                "unknown unit `{unit}` in timer delay `{lit}`; use `ms`, `s`, `min` or `h`, as in `30s`"
            ));
        }
    };
    lit.base10_parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| format!("timer delay `{lit}` is too large"))
}

// Rule: stored state names (snake_case) are distinct: `InProgress` and
// `In_Progress` would share `in_progress` in the database. And they, and
// the machine's stored name, are valid names: snake_case is longer than the
// name written.
fn check_stored_names(cx: &mut Ctxt, machine: &Ident, states: &[StateDecl]) {
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

/// Resolves each (event, source) pair and where the target's fields come
/// from. Rule: each field of the target state is an argument of the event
/// or a field of the source state, by name.
fn resolve_transitions(
    cx: &mut Ctxt,
    states: &[StateDecl],
    events: &[EventDecl],
) -> Vec<Vec<Transition>> {
    let index: BTreeMap<String, usize> = states
        .iter()
        .enumerate()
        .rev() // the first declaration wins, as in core
        .map(|(i, s)| (s.name.to_string(), i))
        .collect();
    events
        .iter()
        .map(|e| {
            let mut out = Vec::new();
            for arm in &e.arms {
                let Some(&target) = index.get(&arm.target.to_string()) else {
                    continue; // reported by the core rules
                };
                for source_ident in &arm.sources {
                    let Some(&source) = index.get(&source_ident.to_string()) else {
                        continue;
                    };
                    let mut fields = Vec::new();
                    for field in &states[target].fields {
                        if let Some(i) = e.args.iter().position(|a| a.name == field.name) {
                            fields.push(FieldSource::Arg(i));
                        } else if let Some(i) =
                            states[source].fields.iter().position(|f| f.name == field.name)
                        {
                            fields.push(FieldSource::Source(i));
                        } else {
                            let ty = &field.ty;
                            cx.error(
                                arm.target.span(),
                                format!(
                                    "state `{}` needs field `{}`, which neither event `{}` nor state `{}` provides; add it to the event's arguments: `event {}({}: {}): ...`",
                                    arm.target,
                                    field.name,
                                    e.name,
                                    source_ident,
                                    e.name,
                                    field.name,
                                    quote::quote!(#ty).to_string().replace(' ', "")
                                ),
                            );
                        }
                    }
                    out.push(Transition {
                        source,
                        target,
                        guard: arm.guard.clone(),
                        action: arm.action.clone(),
                        fields,
                    });
                }
            }
            out
        })
        .collect()
}

/// `spec`, written with the names as declared, under the names it is
/// stored with: the machine's and every state's in snake_case, wherever a
/// state is named. Events keep theirs: an event is stored under its
/// method's name.
fn stored_spec(mut spec: MachineSpec) -> MachineSpec {
    spec.name = snake(&spec.name);
    for state in &mut spec.states {
        state.name = snake(&state.name);
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
    spec
}

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
