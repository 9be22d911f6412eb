//! Use case 3: the platform example's machines end where they should, the
//! race on one patch has one winner, the missed heartbeat fires, and one
//! audit trail holds every machine's transitions.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/platform.rs"]
mod example;

use stateforge::runtime::db::{HistoryQuery, blocking::Store};

use crate::{pg_fixture::PgFixture, sqlite};

#[test]
fn the_platform_day_ends_where_the_use_case_says() {
    let dir = tempfile::tempdir().unwrap();
    check_the_example(&sqlite(&dir));
}

#[test]
fn the_example_on_postgres() {
    if let Some(pg) = PgFixture::new("platform") {
        check_the_example(&pg.store);
    }
}

fn check_the_example(store: &Store) {
    let report = example::run(store).unwrap();

    let finals: Vec<(&str, &str)> = report
        .finals
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        finals,
        [
            ("p-1", "applied"),
            ("p-2", "rolled_back"),
            ("p-3", "applied"),
            ("r-1", "succeeded"),
            ("t-a", "done"),
            ("t-b", "failed"),
            ("w-1", "idle"),
            ("w-2", "unhealthy"),
        ]
    );
    assert_eq!(
        report.conflicts, 1,
        "two workers on one patch: exactly one wins"
    );
    let text = report.lines.join("\n");
    assert!(text.contains("t-b: refused: guard `attempts_left` refused event `retry`"));
    assert!(text.contains("workers: 1 missed heartbeat fired"));

    // One audit trail: every record of every machine, in one table.
    assert_eq!(report.audit.get("task"), Some(&15));
    assert_eq!(report.audit.get("patch"), Some(&17));
    assert_eq!(report.audit.get("run"), Some(&3));
    assert_eq!(report.audit.get("worker"), Some(&4));
    let timer = store
        .history(&HistoryQuery::entity("worker", "w-2"))
        .unwrap();
    assert_eq!(timer.last().unwrap().actor.as_deref(), Some("timer"));
    assert_eq!(timer.last().unwrap().event.as_deref(), Some("miss"));

    // The metrics listener saw every transition it was attached to.
    assert_eq!(report.metrics.get("task.start"), Some(&3));
    assert_eq!(report.metrics.get("patch.rolled_back"), Some(&1));
    // The audit trail holds all of it: 8 creations, the 29 transitions the
    // listener counted, the typed save of p-3 and the timer that fired.
    let counted: usize = report.metrics.values().map(|n| *n as usize).sum();
    assert_eq!(counted, 29);
    assert_eq!(report.audit.values().sum::<usize>(), 8 + counted + 1 + 1);
}

/// The example's machines, for their pictures (`pictures.rs`).
pub(crate) fn definitions() -> [&'static stateforge::Definition; 4] {
    [
        example::run::AnyRun::definition(),
        example::task::AnyTask::definition(),
        example::patch::AnyPatch::definition(),
        example::worker::AnyWorker::definition(),
    ]
}
