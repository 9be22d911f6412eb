//! Definitions read from JSON files.

use std::path::Path;

use stateforge_core::{Definition, LoadError, MachineSpec};

use crate::Failure;

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))
}

/// A checked definition, or a one-line failure listing its problems.
pub(crate) fn load(path: &Path) -> Result<Definition, Failure> {
    Definition::from_json(&read(path)?).map_err(|e| match e {
        LoadError::Json(e) => {
            Failure::usage(format!("{}: not a machine definition: {e}", path.display()))
        }
        LoadError::Invalid(e) => Failure::refused(format!(
            "{}: {}",
            path.display(),
            e.to_string().replace('\n', " ")
        )),
    })
}

/// `stateforge validate`: every problem, one per line, and exit 1 if any.
pub(crate) fn validate(path: &Path, json: bool) -> Result<(), Failure> {
    let text = read(path)?;
    let spec: MachineSpec = serde_json::from_str(&text).map_err(|e| {
        Failure::usage(format!("{}: not a machine definition: {e}", path.display()))
    })?;
    let name = spec.name.clone();
    let problems = stateforge_core::validate(&spec);
    if json {
        let list: Vec<_> = problems
            .iter()
            .map(|p| {
                serde_json::json!({
                    "message": p.to_string(),
                    "at": p.site().map(|s| s.to_string()),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({ "machine": name, "valid": problems.is_empty(), "problems": list })
        );
    } else if problems.is_empty() {
        println!("{}: machine `{name}` is valid", path.display());
    } else {
        for p in &problems {
            match p.site() {
                Some(site) => println!("{}: {site}: {p}", path.display()),
                None => println!("{}: {p}", path.display()),
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::refused(format!(
            "machine `{name}` has {} problem{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        )))
    }
}
