//! `diagram --format svg`: the picture parses as XML and draws the
//! machine whole (one node per state, one arrow per arm); `--entity`
//! marks the state the entity is in; timers show their delay in every
//! format.

use stateforge::Definition;

use crate::definition_files::fixture;
use crate::sqlite_database::database;
use crate::{out, stateforge};

/// A breaker whose `reset` fires 200 ms after entering `open`.
const BREAKER: &str = r#"{
    "name": "breaker",
    "states": [{"name": "closed", "initial": true}, {"name": "open"}],
    "events": [
        {"name": "trip", "arms": [{"from": ["closed"], "to": "open"}]},
        {"name": "reset", "arms": [{"from": ["open"], "to": "closed"}]}
    ],
    "timers": [{"state": "open", "event": "reset", "after_ms": 200}]
}"#;

/// What a picture draws: each state group's classes and name, and the
/// labels of its arms' arrows.
struct Picture {
    states: Vec<(String, String)>,
    arms: usize,
    labels: Vec<String>,
}

fn picture(svg: &str) -> Picture {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let classes = |n: &roxmltree::Node<'_, '_>| n.attribute("class").unwrap_or("").to_owned();
    let states = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && classes(n).split(' ').any(|c| c == "state"))
        .map(|g| {
            let name = g
                .children()
                .find(|c| c.has_tag_name("text"))
                .and_then(|t| t.text())
                .unwrap_or_default();
            (classes(&g), name.to_owned())
        })
        .collect();
    let arms = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && classes(n) == "arm")
        .count();
    let labels = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && classes(n) == "label")
        .map(|t| t.text().unwrap_or_default().to_owned())
        .collect();
    Picture {
        states,
        arms,
        labels,
    }
}

#[test]
fn svg_draws_one_node_per_state_and_one_arrow_per_arm() {
    let (code, svg, stderr) = out(&stateforge(&[
        "diagram",
        "--format",
        "svg",
        &fixture("task.json"),
    ]));
    assert_eq!(code, 0, "{stderr}");
    let def =
        Definition::from_json(&std::fs::read_to_string(fixture("task.json")).unwrap()).unwrap();
    let p = picture(&svg);
    let mut names: Vec<_> = p.states.iter().map(|(_, name)| name.as_str()).collect();
    names.sort_unstable();
    let mut expected: Vec<_> = def.states().map(|s| def.state_name(s)).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
    assert_eq!(p.arms, def.transitions().len());
    assert_eq!(p.labels.len(), def.transitions().len());
    assert!(
        p.labels.iter().any(|l| l == "retry [can_retry]"),
        "{:?}",
        p.labels
    );
    assert!(p.states.iter().all(|(class, _)| !class.contains("current")));
    let finals: Vec<_> = p
        .states
        .iter()
        .filter(|(class, _)| class.contains("final"))
        .map(|(_, name)| name.as_str())
        .collect();
    assert_eq!(finals, ["completed", "escalated"]);
}

#[test]
fn entity_marks_the_state_it_is_in() {
    let (_dir, db) = database();
    let args = |format: &'static str, entity: &'static str| {
        let db = db.clone();
        move || {
            out(&stateforge(&[
                "diagram",
                "--db",
                &db,
                "--machine",
                "task",
                "--entity",
                entity,
                "--format",
                format,
            ]))
        }
    };
    let (code, svg, stderr) = args("svg", "t-2")();
    assert_eq!(code, 0, "{stderr}");
    let p = picture(&svg);
    let current: Vec<_> = p
        .states
        .iter()
        .filter(|(class, _)| class.split(' ').any(|c| c == "current"))
        .collect();
    assert_eq!(current.len(), 1, "{svg}");
    assert_eq!(current[0].1, "assigned");
    assert!(svg.contains("fill=\"#ffd966\""));

    let (code, mermaid, _) = args("mermaid", "t-1")();
    assert_eq!(code, 0);
    assert!(
        mermaid.ends_with("    class pending current\n"),
        "{mermaid}"
    );
    let (code, dot, _) = args("dot", "t-1")();
    assert_eq!(code, 0);
    assert!(
        dot.ends_with("    \"pending\" [style=filled, fillcolor=\"#ffd966\", penwidth=2];\n}\n"),
        "{dot}"
    );

    let (code, _, stderr) = args("svg", "nobody")();
    assert_eq!(code, 1);
    assert!(stderr.contains("no task `nobody`"), "{stderr}");
    // A row that does not read is named, not drawn.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE sf_entities SET state = 'nowhere' WHERE entity_id = 't-1'",
            [],
        )
        .unwrap();
    let (code, svg, stderr) = args("svg", "t-1")();
    assert_eq!(code, 1, "{svg}");
    assert!(stderr.contains("task `t-1`"), "{stderr}");
    // --entity reads a store: with a file it is bad usage.
    let (code, _, _) = out(&stateforge(&[
        "diagram",
        &fixture("task.json"),
        "--entity",
        "t-1",
    ]));
    assert_eq!(code, 2);
}

#[test]
fn timers_show_their_delay_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("breaker.json");
    std::fs::write(&file, BREAKER).unwrap();
    let file = file.to_str().unwrap();
    let draw = |format| {
        let (code, text, stderr) = out(&stateforge(&["diagram", "--format", format, file]));
        assert_eq!(code, 0, "{stderr}");
        text
    };
    assert!(draw("mermaid").contains("    open --> closed: reset (after 200ms)\n"));
    assert!(draw("dot").contains("\"open\" -> \"closed\" [label=\"reset (after 200ms)\"];"));
    let p = picture(&draw("svg"));
    assert_eq!(p.labels, ["trip", "reset (after 200ms)"]);
}
