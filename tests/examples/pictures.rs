//! The pictures of the examples' machines in `docs/pictures/`, drawn by
//! `Definition::to_svg` from the examples' own definitions: a picture
//! that no longer matches its machine fails here. Redraw them with
//!
//! ```sh
//! STATEFORGE_BLESS=1 cargo test --test examples pictures
//! ```

use std::path::PathBuf;

use stateforge::Definition;

/// Each picture's file name, and the machine it draws.
fn pictures() -> Vec<(&'static str, Definition)> {
    use crate::workflow as wf;
    use crate::{
        circuit_breaker, dynamic_definition, orchestrator, orders, platform, task_lifecycle,
    };
    vec![
        ("task_lifecycle", task_lifecycle::definition().clone()),
        ("dynamic_definition", dynamic_definition::definition()),
        ("workflow", wf::definitions().0.clone()),
        ("workflow_step", wf::definitions().1.clone()),
        ("circuit_breaker", circuit_breaker::definition().clone()),
        ("platform_run", platform::definitions()[0].clone()),
        ("platform_task", platform::definitions()[1].clone()),
        ("platform_patch", platform::definitions()[2].clone()),
        ("platform_worker", platform::definitions()[3].clone()),
        ("orchestrator", orchestrator::definition().clone()),
        ("orders", orders::definition().clone()),
    ]
}

#[test]
fn the_pictures_in_docs_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/pictures");
    let bless = std::env::var_os("STATEFORGE_BLESS").is_some();
    let mut stale = Vec::new();
    for (name, def) in pictures() {
        let path = dir.join(format!("{name}.svg"));
        let drawn = def.to_svg();
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &drawn).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(drawn.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing pictures (redraw with `STATEFORGE_BLESS=1 cargo test --test examples pictures`): {stale:?}"
    );
}
