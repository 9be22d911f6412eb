//! The property the `definition_json` fuzz target checks, shared with the
//! test that replays its corpus
//! (`runtime/tests/standalone/definition_json_corpus.rs`): the fuzz
//! crate includes this file by `#[path]`.

use serde_json::Value;
use stateforge_core::Definition;
use stateforge_runtime::{DynMachine, Registry};

/// How many times each event is fired, so that cycles are walked and
/// states reached only after a few steps are left again.
const ROUNDS: usize = 3;

/// Reads `data` as a JSON definition, the way a stored or operator-written
/// one is loaded. Anything refused must be refused with a message; a
/// definition that loads must survive a JSON round trip unchanged, draw as
/// Mermaid and DOT with one line per arrow, and run: every event fired a
/// few times, with guards and actions that say yes and no, moves the
/// machine exactly along the definition's arms or leaves it where it was.
///
/// Bytes that are not UTF-8 cannot be a JSON text: they pass.
///
/// # Errors
///
/// Which part of the property broke.
pub(crate) fn definition_json(data: &[u8]) -> Result<(), String> {
    let Ok(json) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let def = match Definition::from_json(json) {
        Ok(def) => def,
        Err(e) if e.to_string().trim().is_empty() => {
            return Err(format!("refused without a message: {e:?}"));
        }
        Err(_) => return Ok(()),
    };

    // Stored definitions are compared by fingerprint: writing and reading
    // one back must not change it.
    let back = Definition::from_json(&def.to_json())
        .map_err(|e| format!("its own JSON does not load: {e}\n{}", def.to_json()))?;
    if back != def || back.fingerprint() != def.fingerprint() {
        return Err(format!("changed by a JSON round trip:\n{}", def.to_json()));
    }

    // Names are checked to be identifier-like, which is why the diagrams
    // escape nothing: a name with a newline would add a line, one with a
    // quote would end a DOT string early.
    let finals = def.states().filter(|&s| def.is_final(s)).count();
    let arrows = def.transitions().len();
    let names = def
        .states()
        .map(|s| def.state_name(s))
        .chain(def.events().map(|e| def.event_name(e)))
        .chain(def.transitions().iter().flat_map(|t| {
            t.guard
                .as_deref()
                .into_iter()
                .chain(t.actions().map(|a| a.name))
        }));
    for name in names {
        if name.is_empty() || name.contains(|c: char| c == '"' || c == '\\' || c.is_whitespace()) {
            return Err(format!("name {name:?} would need escaping in a diagram"));
        }
    }
    let mermaid = def.to_mermaid();
    if mermaid.lines().count() != 2 + arrows + finals {
        return Err(format!("Mermaid has stray lines:\n{mermaid}"));
    }
    let dot = def.to_dot();
    if dot.lines().count() != 6 + arrows + finals || !dot.ends_with("}\n") {
        return Err(format!("DOT has stray lines:\n{dot}"));
    }

    // Every guard and action the definition names: `false` arguments make
    // guards refuse and actions fail, so both outcomes run.
    let mut registry = Registry::<Value>::new();
    for t in def.transitions() {
        if let Some(guard) = t.guard.as_deref() {
            registry = registry.guard(guard, |_, args| args != &Value::Bool(false));
        }
        // The arm's own action and the states' entry and exit actions.
        for action in t.actions() {
            registry = registry.action(action.name, |ctx, args| {
                if args == &Value::Bool(false) {
                    return Err("refused".to_owned());
                }
                *ctx = Value::from(ctx.as_u64().unwrap_or(0) + 1);
                Ok(())
            });
        }
    }
    let bound = registry
        .bind(def.clone())
        .map_err(|e| format!("a registry with every name still misses some: {e}"))?;
    let mut machine = DynMachine::new(bound, Value::from(0));
    for _ in 0..ROUNDS {
        for event in def.events() {
            for args in [Value::Bool(true), Value::Bool(false), Value::Null] {
                let name = def.event_name(event);
                let before = machine.state();
                let steps = machine.context().clone();
                let fired = machine.fire(name, &args);
                // The first alternative whose guard says yes is taken; its
                // actions (its own, the states' exit and entry) then decide
                // whether the event fires.
                let says_yes = args != Value::Bool(false);
                let taken = def
                    .alternatives(before, event)
                    .iter()
                    .find(|t| t.guard.is_none() || says_yes);
                let expected = match taken {
                    Some(t) if !t.has_actions() || says_yes => Some(t.to),
                    _ => None,
                };
                if fired.is_ok() != expected.is_some() {
                    return Err(format!(
                        "`{name}` from `{}` gave {fired:?}, its arms {:?}",
                        def.state_name(before),
                        def.alternatives(before, event)
                    ));
                }
                let expected = expected.unwrap_or(before);
                if machine.state() != expected {
                    return Err(format!(
                        "`{name}` from `{}` ({fired:?}) ended in `{}`",
                        def.state_name(before),
                        machine.state_name()
                    ));
                }
                if fired.is_err() && machine.context() != &steps {
                    return Err(format!("a refused `{name}` changed the context"));
                }
                // Each action taken counts once: every one ran, in one go.
                let ran = taken.map_or(0, |t| t.actions().count() as u64);
                if fired.is_ok()
                    && machine.context().as_u64() != Some(steps.as_u64().unwrap_or(0) + ran)
                {
                    return Err(format!(
                        "`{name}` from `{}` ran {:?} actions, not {ran}",
                        def.state_name(before),
                        machine
                            .context()
                            .as_u64()
                            .zip(steps.as_u64())
                            .map(|(a, b)| a - b)
                    ));
                }
            }
        }
    }
    Ok(())
}
