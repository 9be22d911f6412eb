//! `docs/definition.schema.json` against the reader: every definition
//! the repository holds, writes or documents fits the schema, and the
//! documents the reader refuses for their shape the schema refuses too.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use stateforge_core::{
    ArmSpec, Checks, Definition, EventSpec, LoadError, MachineSpec, MigrationSpec, StateSpec,
    TimerSpec,
};

use crate::json_format::fixture;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&fixture("docs/definition.schema.json")).unwrap();
    jsonschema::draft202012::meta::validate(&schema).expect("a valid 2020-12 schema");
    jsonschema::draft202012::new(&schema).expect("a schema that compiles")
}

/// Why `instance` does not fit, or `None` if it does.
fn misfit(schema: &jsonschema::Validator, instance: &Value) -> Option<String> {
    let errors: Vec<String> = schema
        .iter_errors(instance)
        .map(|e| format!("{e} (at `{}`)", e.instance_path()))
        .collect();
    (!errors.is_empty()).then(|| errors.join("; "))
}

/// The JSON objects written as raw strings (`r#"{ ... }"#`) in a Rust
/// file that look like definitions: the examples' and tests' own.
fn definitions_in_source(path: &str) -> Vec<String> {
    let source = fixture(path);
    source
        .split("r#\"")
        .skip(1)
        .filter_map(|rest| rest.split_once("\"#").map(|(text, _)| text))
        .filter(|text| text.starts_with('{') && text.contains("\"states\""))
        .map(str::to_owned)
        .collect()
}

/// A machine with a compound state with history and a parallel state.
fn nested() -> Definition {
    Definition::new(
        MachineSpec::new("run")
            .state(
                StateSpec::compound("active")
                    .with_history()
                    .marked_initial(),
            )
            .state(StateSpec::initial("setup").child_of("active"))
            .state(StateSpec::parallel("building").child_of("active"))
            .state(StateSpec::compound("tests").child_of("building"))
            .state(StateSpec::initial("running").child_of("tests"))
            .state(StateSpec::final_state("passed").child_of("tests"))
            .state(StateSpec::final_state("released"))
            .event(EventSpec::new("build").arm(ArmSpec::new(["setup"], "building")))
            .event(EventSpec::new("pass").arm(ArmSpec::new(["running"], "passed")))
            .event(EventSpec::new("release").arm(ArmSpec::new(["done(building)"], "released"))),
    )
    .unwrap()
}

/// A spec with every optional field set, as `to_json` writes it, and a
/// guarded alternative with its else.
fn every_field() -> Definition {
    Definition::new(
        MachineSpec::new("breaker")
            .state(StateSpec::initial("closed"))
            .state(
                StateSpec::new("open")
                    .entry("page_on_call")
                    .exit("log_closing"),
            )
            .state(StateSpec::final_state("retired"))
            .event(
                EventSpec::new("trip")
                    .arm(
                        ArmSpec::new(["closed"], "open")
                            .guard("too_many::failures")
                            .action("alert"),
                    )
                    .arm(ArmSpec::new(["closed"], "closed")),
            )
            .event(EventSpec::new("reset").arm(ArmSpec::new(["open"], "closed")))
            .event(EventSpec::new("retire").arm(ArmSpec::new(["open", "closed"], "retired")))
            .timer(TimerSpec::new("open", "reset", u64::MAX))
            .checks(Checks {
                unreachable: false,
                dead_ends: true,
            })
            .migration(MigrationSpec::renamed("half_open", "open").with("reopened"))
            .migration(MigrationSpec::removed("broken", "retired")),
    )
    .unwrap()
}

#[test]
fn every_definition_of_the_repository_fits_the_schema() {
    let schema = schema();
    let mut texts: Vec<(String, String)> = Vec::new();
    let fixtures = root().join("cli/tests/fixtures");
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            texts.push((path.display().to_string(), text));
        }
    }
    assert!(texts.len() >= 2, "the CLI's fixtures moved");
    for file in [
        "examples/dynamic_definition.rs",
        "tests/typed/generated_definition.rs",
        "cli/tests/cli/sqlite_database.rs",
        "runtime/tests/standalone/hierarchy_actions.rs",
    ] {
        let found = definitions_in_source(file);
        assert!(!found.is_empty(), "no definition found in {file}");
        texts.extend(found.into_iter().map(|t| (file.to_owned(), t)));
    }
    let dsl = fixture("docs/dsl.md");
    let documented: Vec<String> = dsl
        .split("```json\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(text, _)| text.to_owned()))
        .collect();
    assert!(!documented.is_empty(), "docs/dsl.md shows no definition");
    for text in documented {
        // What the documentation shows is a definition that loads.
        if let Err(e) = Definition::from_json(&text) {
            panic!("docs/dsl.md: {e}\n{text}");
        }
        texts.push(("docs/dsl.md".into(), text));
    }
    texts.push((
        "Definition::example".into(),
        Definition::example().to_json(),
    ));
    texts.push(("every field".into(), every_field().to_json()));
    texts.push(("compound and parallel".into(), nested().to_json()));
    texts.push((
        "tests/support/release.json".into(),
        fixture("tests/support/release.json"),
    ));
    for (origin, text) in &texts {
        // Each is read by stateforge (valid or not by its rules)...
        let read = MachineSpec::from_json(text);
        assert!(read.is_ok(), "{origin}: {:?}", read.err());
        // ...and fits the schema.
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(misfit(&schema, &value), None, "{origin}:\n{text}");
    }
}

/// The fuzzer's corpus holds documents of every shape: each one the
/// reader takes as a JSON object fits the schema.
#[test]
fn every_corpus_document_the_reader_takes_fits_the_schema() {
    let schema = schema();
    let mut taken = 0;
    for dir in [
        "fuzz/corpus/definition_json",
        "fuzz/regressions/definition_json",
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            // serde also reads a struct from an array of its fields in
            // order; the format is the object form, which the schema describes.
            let is_object = text.trim_start().starts_with('{');
            if !is_object || MachineSpec::from_json(&text).is_err() {
                continue;
            }
            taken += 1;
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(misfit(&schema, &value), None, "{}", path.display());
        }
    }
    assert!(taken > 0, "no corpus document was read");
}

/// Documents of the wrong shape: the reader refuses each as JSON, and the
/// schema refuses each too.
#[test]
fn the_schema_refuses_what_the_reader_refuses_for_its_shape() {
    let schema = schema();
    let good = serde_json::to_value(every_field()).unwrap();
    let with = |pointer: &str, value: Value| {
        let mut doc = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent).unwrap()[key] = value;
        doc
    };
    let without = |pointer: &str| {
        let mut doc = good.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        doc.pointer_mut(parent)
            .unwrap()
            .as_object_mut()
            .unwrap()
            .remove(key);
        doc
    };
    let wrong = [
        // Unknown fields, at every level.
        with("/owner", json!("ops")),
        with("/states/0/colour", json!("red")),
        with("/events/0/priority", json!(1)),
        with("/events/0/arms/0/weight", json!(2)),
        with("/timers/0/jitter_ms", json!(5)),
        with("/checks/cycles", json!(true)),
        with("/states/0/kind", json!("orthogonal")),
        with("/states/0/parent", json!(["active"])),
        with("/states/0/history", json!("yes")),
        with("/migrations/0/colour", json!("red")),
        // Migrations need format 2, entry and exit actions format 3.
        with("/format", json!(1)),
        with("/format", json!(2)),
        without("/format"),
        without("/migrations/0/to"),
        // Wrong types.
        with("/name", json!(7)),
        with("/states", json!({"name": "closed"})),
        with("/states/0/initial", json!("yes")),
        with("/states/0/final", json!(1)),
        with("/events/0/arms/0/from", json!("closed")),
        with("/events/0/arms/0/to", json!(["open"])),
        with("/events/0/arms/0/guard", json!(false)),
        with("/states/1/entry", json!(false)),
        with("/states/1/exit", json!(["log_closing"])),
        with("/timers/0/after_ms", json!(-1)),
        with("/timers/0/after_ms", json!("30s")),
        with("/checks/unreachable", json!("no")),
        with("/format", json!("1")),
        // Missing required fields.
        without("/name"),
        without("/states"),
        without("/events"),
        without("/states/0/name"),
        without("/events/0/arms"),
        without("/events/0/arms/0/to"),
        without("/timers/0/after_ms"),
        // A format this build does not read.
        with("/format", json!(4)),
    ];
    for doc in &wrong {
        let text = doc.to_string();
        let err = MachineSpec::from_json(&text).expect_err(&text);
        assert!(
            matches!(err, LoadError::Json(_) | LoadError::NewerFormat { .. }),
            "{err}"
        );
        assert!(misfit(&schema, doc).is_some(), "the schema takes {text}");
    }
    // The changes are of a document both accept.
    assert!(MachineSpec::from_json(&good.to_string()).is_ok());
    assert_eq!(misfit(&schema, &good), None);
    // Compound and parallel states need format 3 too, in both.
    let nested = serde_json::to_value(nested()).unwrap();
    assert_eq!(misfit(&schema, &nested), None);
    for format in [json!(1), json!(2)] {
        let mut older = nested.clone();
        older["format"] = format;
        let text = older.to_string();
        let err = MachineSpec::from_json(&text).expect_err(&text);
        assert!(err.to_string().contains("need format 3"), "{err}");
        assert!(misfit(&schema, &older).is_some(), "the schema takes {text}");
    }
}
