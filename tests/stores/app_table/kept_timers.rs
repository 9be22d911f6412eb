//! A machine with a parallel state, kept in the application's table: a
//! region's timer keeps running, due when it was, while the other region
//! moves, and fires from the configuration it was carried to.

use stateforge::runtime::Timestamp;
use stateforge::runtime::db::{Store, TableMapping, TransitionMeta};

use super::App;

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Build {
        initial state Queued;
        parallel state Running {
            region Compile { initial state Compiling; final state Compiled; }
            region Docs { initial state Writing; final state Written; }
        }
        event start: Queued -> Running;
        event compiled: Compiling -> Compiled after 10s;
        event write: Writing -> Written;
    }
}

pub(super) async fn a_regions_timer_runs_on_while_another_moves(app: &App, store: &Store, p: &str) {
    // A parallel state's configurations carry their regions' states.
    let json = match app {
        App::Sqlite(_) => "TEXT",
        App::Postgres(_) => "JSONB",
    };
    app.exec(&format!(
        "CREATE TABLE {p}builds (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER,
                                 regions {json})"
    ))
    .await;
    let builds = TableMapping::new(&format!("{p}builds")).state_data("regions");
    store.map_table::<AnyBuild>(builds).await.unwrap();
    let meta = TransitionMeta::new();
    store
        .create("b-1", &AnyBuild::from(Build::new()), &meta)
        .await
        .unwrap();
    store
        .fire::<AnyBuild>("b-1", BuildEvent::Start, &meta)
        .await
        .unwrap();
    let timers = format!(
        "SELECT event || ' ' || state || ' ' || CAST(due_at AS TEXT) FROM {p}sf_timers
         WHERE entity_id = 'b-1'"
    );
    let due_at = format!("SELECT due_at FROM {p}sf_timers WHERE entity_id = 'b-1'");
    let due = app.number(&due_at).await;
    assert_eq!(
        app.texts(&timers).await,
        [format!(
            "compiled running.compile.compiling,running.docs.writing {due}"
        )]
    );
    store
        .fire::<AnyBuild>("b-1", BuildEvent::Write, &meta)
        .await
        .unwrap();
    assert_eq!(
        app.texts(&timers).await,
        [format!(
            "compiled running.compile.compiling,running.docs.written {due}"
        )]
    );
    let at_due = Timestamp::from_micros(due);
    assert_eq!(store.fire_due::<AnyBuild>(at_due, 10).await.unwrap(), 1);
    let state = format!("SELECT state FROM {p}builds WHERE id = 'b-1'");
    assert_eq!(
        app.texts(&state).await,
        ["running.compile.compiled,running.docs.written"]
    );
    assert!(app.texts(&timers).await.is_empty());
}
