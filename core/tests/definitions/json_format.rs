//! The `format` field of the JSON form: definitions written before it
//! existed keep loading with the fingerprint their rows were checked
//! against, and a newer format is refused by name.

use stateforge_core::{Definition, LoadError, MachineSpec};

/// The repository's definition files, by path from the workspace root.
pub(crate) fn fixture(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Inserts `"format": 1` (or another value) as the document's first field.
fn with_format(json: &str, format: &str) -> String {
    let open = json.find('{').expect("a JSON object");
    format!(
        "{}{{\"format\": {format}, {}",
        &json[..open],
        &json[open + 1..]
    )
}

/// Fingerprints of the fixtures, as stores recorded them before the
/// `format` field existed: rows are checked against these.
const PINNED: [(&str, &str); 1] = [("cli/tests/fixtures/task.json", "775490a3217102da")];

#[test]
fn a_definition_without_format_reads_as_format_1_with_its_old_fingerprint() {
    for (path, fingerprint) in PINNED {
        let json = fixture(path);
        assert!(!json.contains("\"format\""), "{path} predates the field");
        let def = Definition::from_json(&json).unwrap();
        assert_eq!(def.fingerprint().to_string(), fingerprint, "{path}");
        let explicit = Definition::from_json(&with_format(&json, "1")).unwrap();
        assert_eq!(explicit, def, "{path}");
        assert_eq!(explicit.fingerprint(), def.fingerprint(), "{path}");
    }
}

#[test]
fn the_broken_fixture_still_reads_and_is_refused_for_its_problems() {
    let err = Definition::from_json(&fixture("cli/tests/fixtures/broken.json")).unwrap_err();
    let LoadError::Invalid(invalid) = err else {
        panic!("refused for another reason: {err}");
    };
    assert_eq!(invalid.problems().len(), 3);
}

#[test]
fn to_json_writes_format_1_first_and_reads_back_unchanged() {
    let def = Definition::example();
    let json = def.to_json();
    let first_field = json.trim_start_matches(['{', '\n', ' ']);
    assert!(first_field.starts_with("\"format\": 1,"), "{json}");
    let back = Definition::from_json(&json).unwrap();
    assert_eq!(back, def);
    assert_eq!(back.fingerprint(), def.fingerprint());
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The oldest format that holds it: a definition without migrations
    // still reads in a build of format 1.
    assert_eq!(value["format"], 1);
    // serde's own entry points write the same form as `to_json`.
    assert_eq!(serde_json::to_value(&def).unwrap(), value);
    assert_eq!(serde_json::to_value(def.spec()).unwrap(), value);
}

#[test]
fn a_newer_format_is_refused_naming_both_formats() {
    let task = fixture("cli/tests/fixtures/task.json");
    let newer = [
        with_format(&task, "4"),
        // Fields of the newer format, before and after `format`.
        with_format(&task, "4").replace("\"name\": \"task\"", "\"name\": \"task\", \"owner\": 3"),
        task.replacen('{', "{\"versions\": [], ", 1).replacen(
            "\"name\": \"task\"",
            "\"name\": \"task\", \"format\": 12",
            1,
        ),
    ];
    for json in &newer {
        let err = Definition::from_json(json).unwrap_err();
        let LoadError::NewerFormat { format, newest } = err else {
            panic!("not refused as newer: {err}\n{json}");
        };
        assert_eq!(newest, 3);
        assert!(format == 4 || format == 12, "{format}");
        assert_eq!(
            err.to_string(),
            format!(
                "this definition is format {format}; this stateforge reads format 3 at most: upgrade stateforge"
            )
        );
        assert!(matches!(
            MachineSpec::from_json(json),
            Err(LoadError::NewerFormat { .. })
        ));
    }
    // Through serde alone the reason is kept in the message.
    let err = serde_json::from_str::<Definition>(&newer[0]).unwrap_err();
    assert!(
        err.to_string().contains("this definition is format 4"),
        "{err}"
    );
}

#[test]
fn a_format_that_is_no_number_of_a_format_is_not_json_of_a_definition() {
    let task = fixture("cli/tests/fixtures/task.json");
    for format in ["0", "\"1\"", "1.5", "-1", "null", "true"] {
        let err = Definition::from_json(&with_format(&task, format)).unwrap_err();
        assert!(matches!(err, LoadError::Json(_)), "{format}: {err}");
    }
}

#[test]
fn unknown_fields_of_format_1_are_still_refused() {
    let task = fixture("cli/tests/fixtures/task.json");
    for json in [
        with_format(&task, "1").replace("\"name\": \"task\"", "\"name\": \"task\", \"owner\": 3"),
        task.replace("\"name\": \"task\"", "\"name\": \"task\", \"owner\": 3"),
        task.replace(
            "\"initial\": true",
            "\"initial\": true, \"colour\": \"red\"",
        ),
        task.replace(
            "\"guard\": \"can_retry\"",
            "\"guard\": \"can_retry\", \"weight\": 2",
        ),
    ] {
        let err = Definition::from_json(&json).unwrap_err();
        let LoadError::Json(e) = &err else {
            panic!("not refused as JSON: {err}");
        };
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}
