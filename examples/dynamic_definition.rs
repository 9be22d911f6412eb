//! A machine whose definition is data: an operator writes it as JSON, the
//! store keeps it, and the application loads, checks, draws and runs it.
//! A broken definition is refused with every problem it has.
//!
//! ```sh
//! cargo run --example dynamic_definition
//! ```

use serde_json::{Value, json};
use stateforge::Definition;
use stateforge::runtime::db::{HistoryQuery, StoreError, TransitionMeta, blocking::Store};
use stateforge::runtime::{DynMachine, Registry};

/// An expense approval, as an operator wrote it.
pub const EXPENSE: &str = r#"{
    "name": "expense",
    "states": [
        {"name": "draft", "initial": true},
        {"name": "submitted"},
        {"name": "approved", "final": true},
        {"name": "rejected"},
        {"name": "withdrawn", "final": true}
    ],
    "events": [
        {"name": "submit", "arms": [{"from": ["draft", "rejected"], "to": "submitted", "guard": "has_receipt"}]},
        {"name": "approve", "arms": [{"from": ["submitted"], "to": "approved", "guard": "within_budget", "action": "record_approver"}]},
        {"name": "reject", "arms": [{"from": ["submitted"], "to": "rejected", "action": "record_reason"}]},
        {"name": "withdraw", "arms": [{"from": ["draft", "rejected"], "to": "withdrawn"}]}
    ]
}"#;

/// The same, edited carelessly: a misspelt state, a transition out of a
/// final state, and a state nothing reaches.
pub const BROKEN: &str = r#"{
    "name": "expense",
    "states": [
        {"name": "draft", "initial": true},
        {"name": "submitted"},
        {"name": "approved", "final": true},
        {"name": "archived", "final": true}
    ],
    "events": [
        {"name": "submit", "arms": [{"from": ["drafts"], "to": "submitted"}]},
        {"name": "approve", "arms": [{"from": ["submitted"], "to": "approved"}]},
        {"name": "reopen", "arms": [{"from": ["approved"], "to": "draft"}]}
    ]
}"#;

/// The guards and actions the definition names, written by the application.
pub fn registry() -> Registry<Value> {
    Registry::new()
        .guard("has_receipt", |ctx: &Value, _| ctx["receipt"].is_string())
        .guard("within_budget", |ctx: &Value, _| {
            ctx["amount"].as_u64().unwrap_or(u64::MAX) <= ctx["budget"].as_u64().unwrap_or(0)
        })
        .action("record_approver", |ctx: &mut Value, args: &Value| {
            ctx["approved_by"] = args["by"].clone();
            Ok(())
        })
        .action(
            "record_reason",
            |ctx: &mut Value, args: &Value| match args["reason"].as_str() {
                Some(reason) => {
                    ctx["rejection"] = reason.into();
                    Ok(())
                }
                None => Err("a rejection needs a reason".to_owned()),
            },
        )
}

/// What a run did, for its test.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per step, as printed.
    pub lines: Vec<String>,
    /// The problems of the broken definition.
    pub problems: Vec<String>,
    /// The kept definition's diagram.
    pub diagram: String,
    /// Final state per expense.
    pub finals: Vec<(String, String)>,
}

impl Report {
    fn say(&mut self, line: String) {
        println!("{line}");
        self.lines.push(line);
    }
}

/// Keeps the definition, refuses the broken one, and runs expenses.
///
/// # Errors
///
/// The store's failures; refusals are part of the run.
pub fn run(store: &Store) -> Result<Report, Box<dyn std::error::Error>> {
    let mut report = Report::default();

    // The broken edit never reaches the store.
    match Definition::from_json(BROKEN) {
        Ok(_) => report.say("the broken definition was accepted (it should not be)".to_owned()),
        Err(e) => {
            report.say("refused the edited definition:".to_owned());
            if let stateforge::runtime::core::LoadError::Invalid(invalid) = &e {
                for p in invalid.problems() {
                    report.problems.push(p.to_string());
                    report.say(format!("  - {p}"));
                }
            }
        }
    }

    // The good one is checked, kept, and loaded back by name.
    store.save_definition(&Definition::from_json(EXPENSE)?)?;
    let definition = store.definition("expense")?;
    report.say(format!(
        "kept definition `{}` ({} states, fingerprint {})",
        definition.name(),
        definition.states().len(),
        definition.fingerprint()
    ));
    report.diagram = definition.to_mermaid();
    println!("\n{}", report.diagram);

    // A registry that lacks a guard is refused before anything runs.
    let partial = Registry::<Value>::new().guard("has_receipt", |_, _| true);
    if let Err(missing) = partial.bind(definition.clone()) {
        report.say(format!("refused to run: {missing}"));
    }

    let bound = registry().bind(definition)?;
    let meta = |actor: &str| TransitionMeta::new().actor(actor);
    let expenses = [
        (
            "e-1",
            json!({"amount": 120, "budget": 500, "receipt": "r-1.pdf"}),
        ),
        (
            "e-2",
            json!({"amount": 900, "budget": 500, "receipt": "r-2.pdf"}),
        ),
        ("e-3", json!({"amount": 40, "budget": 500})),
    ];
    for (id, context) in expenses {
        store.create_dyn(id, &DynMachine::new(bound.clone(), context), &meta("clerk"))?;
    }
    let steps: [(&str, &str, Value, &str); 8] = [
        ("e-1", "submit", Value::Null, "clerk"),
        ("e-1", "approve", json!({"by": "cfo"}), "cfo"),
        ("e-2", "submit", Value::Null, "clerk"),
        ("e-2", "approve", json!({"by": "cfo"}), "cfo"),
        ("e-2", "reject", json!({}), "cfo"),
        ("e-2", "reject", json!({"reason": "over budget"}), "cfo"),
        ("e-3", "submit", Value::Null, "clerk"),
        ("e-3", "withdraw", Value::Null, "clerk"),
    ];
    for (id, event, args, actor) in steps {
        match store.fire_dyn(&bound, id, event, &args, &meta(actor)) {
            Ok(moved) => report.say(format!("{id}: {event} -> {}", moved.machine.state_name())),
            Err(
                why @ (StoreError::NotAllowed { .. }
                | StoreError::GuardRefused { .. }
                | StoreError::ActionFailed { .. }),
            ) => report.say(format!("{id}: refused: {why}")),
            Err(other) => return Err(other.into()),
        }
    }
    for id in ["e-1", "e-2", "e-3"] {
        let loaded = store.load_dyn(&bound, id)?;
        let records = store.history(&HistoryQuery::entity("expense", id))?.len();
        report.say(format!(
            "{id}: {} after {records} history records, context {}",
            loaded.machine.state_name(),
            loaded.machine.context()
        ));
        report
            .finals
            .push((id.to_owned(), loaded.machine.state_name().to_owned()));
    }
    Ok(report)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = "dynamic_definition.db";
    if std::env::var_os("STATEFORGE_PG_URL").is_none() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
    let store = Store::from_env(path)?;
    println!("store: {}\n", store.backend());
    run(&store)?;
    Ok(())
}
