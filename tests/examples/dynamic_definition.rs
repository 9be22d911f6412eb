//! The dynamic_definition example: a definition kept in the store, a
//! broken one refused with every problem, expenses run by name.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/dynamic_definition.rs"]
mod example;

use stateforge::runtime::db::{HistoryQuery, blocking::Store};

use crate::{pg_fixture::PgFixture, sqlite};

#[test]
fn the_example_keeps_draws_and_runs_the_definition() {
    let dir = tempfile::tempdir().unwrap();
    check_the_example(&sqlite(&dir));
}

#[test]
fn the_example_on_postgres() {
    if let Some(pg) = PgFixture::new("dynamic_definition") {
        check_the_example(&pg.store);
    }
}

fn check_the_example(store: &Store) {
    let report = example::run(store).unwrap();

    assert_eq!(report.problems.len(), 3, "{:?}", report.problems);
    assert!(report.problems[0].contains("unknown state `drafts`"));
    assert!(report.problems[1].contains("event `reopen` leaves final state `approved`"));
    assert!(report.problems[2].contains("state `archived` is unreachable"));

    assert!(
        report
            .diagram
            .contains("submitted --> approved: approve [within_budget]")
    );
    let text = report.lines.join("\n");
    assert!(text.contains(
        "lacks: guard `within_budget`, action `record_approver`, action `record_reason`"
    ));
    assert!(text.contains("e-2: refused: guard `within_budget` refused event `approve`"));
    assert!(text.contains("e-2: refused: action `record_reason` of event `reject` failed"));
    assert!(
        text.contains("e-3: refused: guard `has_receipt` refused event `submit` in state `draft`")
    );

    let finals: Vec<(&str, &str)> = report
        .finals
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        finals,
        [
            ("e-1", "approved"),
            ("e-2", "rejected"),
            ("e-3", "withdrawn")
        ]
    );
    // Refusals wrote nothing: e-2 has its creation, submit and reject only.
    assert_eq!(
        store
            .history(&HistoryQuery::entity("expense", "e-2"))
            .unwrap()
            .len(),
        3
    );
    let approved = store
        .history(&HistoryQuery::entity("expense", "e-1"))
        .unwrap();
    assert_eq!(approved[2].actor.as_deref(), Some("cfo"));
    // The kept definition is the one loaded back.
    assert_eq!(
        store.definition("expense").unwrap(),
        stateforge::Definition::from_json(example::EXPENSE).unwrap()
    );
}

/// The example's machine, for its picture (`pictures.rs`).
pub(crate) fn definition() -> stateforge::Definition {
    stateforge::Definition::from_json(example::EXPENSE).unwrap()
}
