//! A page of claimed timers used up in one statement: what each timer
//! becomes, and what a row moved since the claim does to the page.

use sqlx::AssertSqlSafe;

use super::{MACHINE, fresh, insert, pg_url, timers_of, version_of, write};
use crate::db::backend::{Backend, Connection, DueEntry, DueOutcome, NewEntity, Scope};
use crate::db::due::{DueCount, DueCursor};
use crate::db::fingerprint_text::FingerprintText;
use crate::db::ops::Work;
use crate::db::ops::due_page::DuePage;
use crate::db::postgres::PgBackend;
use crate::db::{HistoryQuery, StoreError, StoreOptions, TransitionMeta};
use crate::time::Timestamp;

/// Runs `sql` on the backend's pool, as a writer past the store would.
async fn execute(b: &PgBackend, sql: String) {
    sqlx::query(AssertSqlSafe(sql))
        .execute(b.pool())
        .await
        .unwrap();
}

/// Arms `timers` (`(event, due_at)`) for each entity, in a unit.
async fn arm(b: &PgBackend, timers: &[(&str, &[(&str, i64)])]) {
    let mut c = b.begin(Scope::Unit).await.unwrap();
    for (id, armed) in timers {
        c.reset_timers(MACHINE, id, "closed", armed).await.unwrap();
    }
    c.commit().await.unwrap();
}

/// The entity's history records, `(from, to, event, actor, version)`.
async fn moves(b: &PgBackend, id: &str) -> Vec<(Option<String>, String, String, String, u64)> {
    let mut c = b.begin(Scope::Read).await.unwrap();
    let records = c.history(&HistoryQuery::entity(MACHINE, id)).await.unwrap();
    records
        .into_iter()
        .map(|r| {
            let event = r.event.unwrap_or_default();
            let actor = r.actor.unwrap_or_default();
            (r.from, r.to, event, actor, r.version)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_fires_uses_up_and_passes_over_the_timers_already_gone() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_due_page_", &StoreOptions::new()).await;
    for id in ["d", "e", "f"] {
        insert(&b, id, "closed", None).await;
    }
    arm(
        &b,
        &[
            ("d", &[("t1", 10), ("t2", 500)]),
            ("e", &[("t1", 20)]),
            ("f", &[("t1", 30), ("t2", 600)]),
        ],
    )
    .await;
    let meta = TransitionMeta::new().actor("timer").cross_session();
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let now = Timestamp::from_micros(100);
    let claimed = c
        .claim_due(MACHINE, now, DueCursor::START, 10)
        .await
        .unwrap();
    let ids: Vec<i64> = claimed.iter().map(|(t, _)| t.id).collect();
    assert_eq!(ids.len(), 3, "the t1 of d, e and f");
    // e's timer is used up in the unit before the page is: it is gone.
    assert!(c.delete_timer(ids[1]).await.unwrap());
    let page = [
        DueEntry {
            timer_id: ids[0],
            entity_id: "d",
            fire: Some(write(
                "d",
                1,
                &["closed"],
                "open",
                &meta,
                Some(&[("t3", 900)]),
            )),
        },
        DueEntry {
            timer_id: ids[1],
            entity_id: "e",
            fire: Some(write("e", 1, &["closed"], "open", &meta, Some(&[]))),
        },
        DueEntry {
            timer_id: ids[2],
            entity_id: "f",
            fire: None,
        },
    ];
    assert_eq!(
        c.fire_due_page(MACHINE, &page).await.unwrap(),
        [DueOutcome::Fired(2), DueOutcome::Gone, DueOutcome::UsedUp]
    );
    c.commit().await.unwrap();

    assert_eq!(version_of(&b, "d").await, Some((2, "open".to_owned())));
    assert_eq!(
        version_of(&b, "e").await,
        Some((1, "closed".to_owned())),
        "a timer already gone fires nothing"
    );
    assert_eq!(version_of(&b, "f").await, Some((1, "closed".to_owned())));
    // d's timers are those of the state it entered; f lost only the
    // timer used up.
    assert_eq!(
        timers_of(&b, "d").await,
        [("t3".to_owned(), "open".to_owned(), 900)]
    );
    assert!(timers_of(&b, "e").await.is_empty());
    assert_eq!(
        timers_of(&b, "f").await,
        [("t2".to_owned(), "closed".to_owned(), 600)]
    );
    assert_eq!(
        moves(&b, "d").await,
        [(
            Some("closed".to_owned()),
            "open".to_owned(),
            "go".to_owned(),
            "timer".to_owned(),
            2
        )]
    );
    assert!(moves(&b, "e").await.is_empty());
    assert!(moves(&b, "f").await.is_empty());
    b.drop_tables().await.unwrap();
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_entry_whose_row_moved_writes_nothing_and_keeps_its_timer() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_due_moved_", &StoreOptions::new()).await;
    for id in ["d", "e", "f"] {
        insert(&b, id, "closed", None).await;
    }
    arm(
        &b,
        &[
            ("d", &[("t1", 10)]),
            ("e", &[("t1", 20)]),
            ("f", &[("t1", 30)]),
        ],
    )
    .await;
    // d moves past the store after its row was read for the page.
    let entities = &b.shared.tables.entities;
    execute(
        &b,
        format!("UPDATE {entities} SET version = 2 WHERE entity_id = 'd'"),
    )
    .await;
    let meta = TransitionMeta::new().actor("timer").cross_session();
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let claimed = c
        .claim_due(MACHINE, Timestamp::from_micros(100), DueCursor::START, 10)
        .await
        .unwrap();
    let ids: Vec<i64> = claimed.iter().map(|(t, _)| t.id).collect();
    let page = [
        DueEntry {
            timer_id: ids[1],
            entity_id: "e",
            fire: Some(write("e", 1, &["closed"], "open", &meta, Some(&[]))),
        },
        DueEntry {
            timer_id: ids[0],
            entity_id: "d",
            fire: Some(write("d", 1, &["closed"], "open", &meta, Some(&[]))),
        },
    ];
    assert_eq!(
        c.fire_due_page(MACHINE, &page).await.unwrap(),
        [DueOutcome::Fired(2), DueOutcome::NotWritten]
    );
    // A state the event does not lead from matches no more than an old
    // version does.
    let wrong_state = [DueEntry {
        timer_id: ids[2],
        entity_id: "f",
        fire: Some(write("f", 1, &["open"], "closed", &meta, Some(&[]))),
    }];
    assert_eq!(
        c.fire_due_page(MACHINE, &wrong_state).await.unwrap(),
        [DueOutcome::NotWritten]
    );
    // Committed here to show what the statement wrote (the store's work
    // does not commit after `NotWritten`): none of the moved row's
    // transition, and its timer stays.
    c.commit().await.unwrap();
    assert_eq!(version_of(&b, "e").await, Some((2, "open".to_owned())));
    assert!(timers_of(&b, "e").await.is_empty());
    assert_eq!(moves(&b, "e").await.len(), 1);
    for id in ["d", "f"] {
        let version = if id == "d" { 2 } else { 1 };
        assert_eq!(
            version_of(&b, id).await,
            Some((version, "closed".to_owned()))
        );
        assert_eq!(timers_of(&b, id).await.len(), 1, "{id}'s timer stays");
        assert!(moves(&b, id).await.is_empty(), "{id}");
    }
    b.drop_tables().await.unwrap();
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_with_a_row_moved_since_its_claim_fails_and_is_rolled_back() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_due_conflict_", &StoreOptions::new()).await;
    let def = stateforge_core::Definition::from_json(
        r#"{"name": "door",
            "states": [{"name": "closed", "initial": true}, {"name": "open", "final": true}],
            "events": [{"name": "go", "arms": [{"from": ["closed"], "to": "open"}]}],
            "timers": [{"state": "closed", "event": "go", "after_ms": 10}]}"#,
    )
    .unwrap();
    let fingerprint = FingerprintText::new(def.fingerprint());
    let mut c = b.begin(Scope::Unit).await.unwrap();
    for (id, due_at) in [("d", 10), ("e", 20)] {
        let entity = NewEntity {
            machine: MACHINE,
            entity_id: id,
            state: "closed",
            data: "null",
            fingerprint: fingerprint.as_str(),
            session: None,
            now: Timestamp::from_micros(1),
        };
        assert!(c.insert_entity(&entity).await.unwrap());
        c.reset_timers(MACHINE, id, "closed", &[("go", due_at)])
            .await
            .unwrap();
    }
    c.commit().await.unwrap();
    let entities = &b.shared.tables.entities;
    execute(
        &b,
        format!("UPDATE {entities} SET version = 2 WHERE entity_id = 'd'"),
    )
    .await;

    let mut work = Work::new(b.begin(Scope::Unit).await.unwrap());
    let claimed = work
        .conn
        .claim_due(MACHINE, Timestamp::from_micros(100), DueCursor::START, 10)
        .await
        .unwrap();
    // Both decided from version 1: d's row has moved since.
    let mut page = DuePage::default();
    for (timer, _) in claimed {
        page.fire(timer, 1, None, "open".to_owned(), "null".to_owned());
    }
    let mut count = DueCount::default();
    let failed = work.fire_due_page(&def, &mut page, &mut count).await;
    assert!(
        matches!(
            failed,
            Err(StoreError::Conflict {
                expected: 1,
                current: 2,
                ..
            })
        ),
        "{failed:?}"
    );
    assert!(work.commit().await.is_err(), "the work does not commit");
    // Nothing of the page is written: both timers stay, e did not move.
    assert_eq!(version_of(&b, "d").await, Some((2, "closed".to_owned())));
    assert_eq!(version_of(&b, "e").await, Some((1, "closed".to_owned())));
    for id in ["d", "e"] {
        assert_eq!(timers_of(&b, id).await.len(), 1, "{id}'s timer stays");
        assert!(moves(&b, id).await.is_empty(), "{id}");
    }
    b.drop_tables().await.unwrap();
    b.close().await;
}
