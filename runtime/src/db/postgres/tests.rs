//! The backend against a real server: run when `STATEFORGE_PG_URL` is
//! set (skipped otherwise, unless `STATEFORGE_REQUIRE_PG=1`). Each test
//! has its own table prefix and drops its tables at the end.

mod due_page;
mod pool;
#[cfg(feature = "postgres-tls")]
mod tls;
mod units;

use std::time::Duration;

use super::PgBackend;
use crate::db::backend::{Backend, Claimed, ClaimedEntity, Connection, NewEntity, Scope, Write};
use crate::db::due::DueCursor;
use crate::db::schema::TablePrefix;
use crate::db::shared::Keep;
use crate::db::{DefinitionKind, HistoryQuery, StoreError, StoreOptions, TransitionMeta};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

const MACHINE: &str = "door";

/// The server's URL, or `None` (the test then returns) when none is set.
pub(super) fn pg_url() -> Option<String> {
    match std::env::var("STATEFORGE_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("STATEFORGE_REQUIRE_PG").as_deref() != Ok("1"),
                "STATEFORGE_REQUIRE_PG=1 but STATEFORGE_PG_URL is not set"
            );
            println!("skipped: STATEFORGE_PG_URL not set");
            // The harness captures `println!`; the terminal hears it once.
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "note: the sqlx backend's tests pass without running: STATEFORGE_PG_URL is not set"
                );
            });
            None
        }
    }
}

/// A backend on tables of `prefix` alone, emptied first (a failed run may
/// have left them).
pub(super) async fn fresh(url: &str, prefix: &str, options: &StoreOptions) -> PgBackend {
    let prefix = TablePrefix::new(prefix).unwrap();
    let old = PgBackend::connect(url, &prefix, options).await.unwrap();
    old.drop_tables().await.unwrap();
    old.close().await;
    PgBackend::connect(url, &prefix, options).await.unwrap()
}

/// Inserts entity `id` at version 1 in `state`, in a unit of its own.
pub(super) async fn insert(b: &PgBackend, id: &str, state: &str, session: Option<&str>) {
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let inserted = c
        .insert_entity(&NewEntity {
            machine: MACHINE,
            entity_id: id,
            state,
            data: r#"{"n":1}"#,
            fingerprint: "00",
            session,
            now: Timestamp::from_micros(10),
        })
        .await
        .unwrap();
    assert!(inserted);
    c.commit().await.unwrap();
}

/// A transition of entity `id` from `from` to `to` at `expected_version`.
pub(super) fn write<'a>(
    id: &'a str,
    expected_version: u64,
    sources: &'a [&'a str],
    to: &'a str,
    meta: &'a TransitionMeta,
    timers: Option<&'a [(&'a str, i64)]>,
) -> Write<'a> {
    Write {
        machine: MACHINE,
        entity_id: id,
        expected_version,
        sources,
        from: sources.first().copied().unwrap_or(""),
        session: None,
        event: "go",
        to,
        data: r#"{"n":2}"#,
        fingerprint: "00",
        meta,
        now: Timestamp::from_micros(20),
        timers,
        kept_timers: &[],
    }
}

/// The entity's version and state, read outside any unit.
pub(super) async fn version_of(b: &PgBackend, id: &str) -> Option<(u64, String)> {
    let mut c = b.begin(Scope::Single).await.unwrap();
    let row = c.row(MACHINE, id, false).await.unwrap();
    row.map(|r| r.unwrap()).map(|r| (r.version, r.state))
}

/// The entity's timers, `(event, state, due_at)`, by due time.
pub(super) async fn timers_of(b: &PgBackend, id: &str) -> Vec<(String, String, i64)> {
    let sql = format!(
        "SELECT event, state, due_at FROM {} WHERE machine = $1 AND entity_id = $2 ORDER BY due_at",
        b.shared.tables.timers
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(MACHINE)
        .bind(id)
        .fetch_all(b.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_row_is_created_read_listed_and_a_bad_one_is_its_error() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_rows_", &StoreOptions::new()).await;
    insert(&b, "d1", "closed", Some("s-1")).await;
    insert(&b, "d2", "open", None).await;
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let again = NewEntity {
        machine: MACHINE,
        entity_id: "d1",
        state: "open",
        data: "{}",
        fingerprint: "00",
        session: None,
        now: Timestamp::from_micros(11),
    };
    assert!(!c.insert_entity(&again).await.unwrap(), "d1 exists");
    let row = c.row(MACHINE, "d1", true).await.unwrap().unwrap().unwrap();
    assert_eq!(
        (row.state.as_str(), row.version, row.session.as_deref()),
        ("closed", 1, Some("s-1"))
    );
    // The data as the column holds it: the typed path reads it straight.
    assert_eq!(row.data, r#"{"n":1}"#);
    // A listing's row: the data as a value, the timestamps.
    let listed = c.entities(MACHINE, Some("closed")).await.unwrap();
    let listed = listed[0].as_ref().unwrap();
    assert_eq!(listed.data, serde_json::json!({"n": 1}));
    assert_eq!(listed.created_at, Timestamp::from_micros(10));
    assert!(c.row(MACHINE, "nope", false).await.unwrap().is_none());
    c.commit().await.unwrap();

    // A row written past the store reads as its error, and does not hide
    // the others from a listing.
    let bad = format!(
        "UPDATE {} SET version = 0 WHERE entity_id = 'd2'",
        b.shared.tables.entities
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(bad))
        .execute(b.pool())
        .await
        .unwrap();
    let mut c = b.begin(Scope::Single).await.unwrap();
    let read = c.row(MACHINE, "d2", false).await.unwrap().unwrap();
    assert!(
        matches!(read, Err(StoreError::BadRow { ref entity_id, .. }) if entity_id == "d2"),
        "{read:?}"
    );
    let all = c.entities(MACHINE, None).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all[0].is_ok() && all[1].is_err(), "{all:?}");
    let open = c.entities(MACHINE, Some("closed")).await.unwrap();
    assert_eq!(open.len(), 1);
    c.commit().await.unwrap();
    b.drop_tables().await.unwrap();
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_checks_version_state_and_session_and_records_history() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_write_", &StoreOptions::new()).await;
    insert(&b, "d", "closed", Some("s-1")).await;
    let in_session = TransitionMeta::new().actor("ada").session("s-1");
    let mut c = b.begin(Scope::Single).await.unwrap();
    // Another session's entity does not move, nor one in another state.
    let other = TransitionMeta::new().session("s-2");
    assert_eq!(
        c.write(&write("d", 1, &["closed"], "open", &other, None))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        c.write(&write("d", 1, &["open"], "closed", &in_session, None))
            .await
            .unwrap(),
        None
    );
    // The version read moves it, and records its history with the row's
    // session.
    let moved = c
        .write(&write("d", 1, &["closed"], "open", &in_session, None))
        .await
        .unwrap();
    assert_eq!(moved, Some(2));
    // A stale version writes nothing; 0 and the last version never match.
    for stale in [1, 0, u64::MAX] {
        let w = write("d", stale, &["open"], "closed", &in_session, None);
        assert_eq!(c.write(&w).await.unwrap(), None, "version {stale}");
    }
    // Crossing sessions moves it without its session.
    let cross = TransitionMeta::new().cross_session();
    assert_eq!(
        c.write(&write("d", 2, &["open"], "closed", &cross, None))
            .await
            .unwrap(),
        Some(3)
    );
    c.insert_history(&HistoryRecord::created(
        MACHINE,
        "d",
        "closed",
        Timestamp::from_micros(5),
    ))
    .await
    .unwrap();
    c.commit().await.unwrap();
    assert_eq!(version_of(&b, "d").await, Some((3, "closed".to_owned())));

    let mut c = b.begin(Scope::Single).await.unwrap();
    let history = c
        .history(&HistoryQuery::entity(MACHINE, "d"))
        .await
        .unwrap();
    let seen: Vec<_> = history
        .iter()
        .map(|r| {
            (
                r.from.as_deref(),
                r.to.as_str(),
                r.version,
                r.session.as_deref(),
                r.actor.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (Some("closed"), "open", 2, Some("s-1"), Some("ada")),
            (Some("open"), "closed", 3, Some("s-1"), None),
            (None, "closed", 1, None, None),
        ]
    );
    assert_eq!(history[0].event.as_deref(), Some("go"));
    let newest = c
        .history(&HistoryQuery::entity(MACHINE, "d").newest_first().limit(1))
        .await
        .unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].version, 1);
    c.commit().await.unwrap();
    b.drop_tables().await.unwrap();
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_replaces_the_timers_and_due_ones_are_claimed_and_deleted() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_timers_", &StoreOptions::new()).await;
    insert(&b, "d", "closed", None).await;
    insert(&b, "e", "closed", None).await;
    let meta = TransitionMeta::new();
    let mut c = b.begin(Scope::Unit).await.unwrap();
    c.reset_timers(MACHINE, "d", "closed", &[("t1", 100), ("t2", 50)])
        .await
        .unwrap();
    c.reset_timers(MACHINE, "e", "closed", &[("t1", 70)])
        .await
        .unwrap();
    c.commit().await.unwrap();
    assert_eq!(
        timers_of(&b, "d").await,
        [
            ("t2".to_owned(), "closed".to_owned(), 50),
            ("t1".to_owned(), "closed".to_owned(), 100)
        ]
    );

    // A write with timers replaces them; one without leaves them.
    let mut c = b.begin(Scope::Single).await.unwrap();
    let w = write("d", 1, &["closed"], "open", &meta, Some(&[("t3", 30)]));
    assert_eq!(c.write(&w).await.unwrap(), Some(2));
    assert_eq!(
        timers_of(&b, "d").await,
        [("t3".to_owned(), "open".to_owned(), 30)]
    );
    // A write that does not match leaves them too.
    let stale = write("d", 1, &["closed"], "open", &meta, Some(&[]));
    assert_eq!(c.write(&stale).await.unwrap(), None);
    assert_eq!(timers_of(&b, "d").await.len(), 1);
    let plain = write("d", 2, &["open"], "closed", &meta, None);
    assert_eq!(c.write(&plain).await.unwrap(), Some(3));
    assert_eq!(timers_of(&b, "d").await.len(), 1);
    assert_eq!(
        c.next_due(MACHINE, Timestamp::from_micros(i64::MIN))
            .await
            .unwrap(),
        Some(30)
    );
    assert_eq!(
        c.next_due("other", Timestamp::from_micros(i64::MIN))
            .await
            .unwrap(),
        None
    );
    c.commit().await.unwrap();

    // Claimed in (due_at, id) order, each with its entity's row.
    let now = Timestamp::from_micros(60);
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let claimed = c
        .claim_due(MACHINE, now, DueCursor::START, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1, "only d's t3 is due at 60");
    let (timer, row) = &claimed[0];
    assert_eq!(
        (timer.entity_id.as_str(), timer.event.as_str()),
        ("d", "t3")
    );
    let ClaimedEntity::Row(Ok(row)) = row else {
        panic!("d's row is claimed with its timer: {row:?}")
    };
    assert_eq!(row.version, 3);
    let later = Timestamp::from_micros(1_000);
    let page = c
        .claim_due(MACHINE, later, DueCursor::after(timer), 10)
        .await
        .unwrap();
    assert_eq!(page.len(), 1, "e's t1, after the cursor");
    assert!(c.delete_timer(timer.id).await.unwrap());
    assert!(!c.delete_timer(timer.id).await.unwrap());

    // Another unit skips what this one holds.
    let mut other = b.begin(Scope::Unit).await.unwrap();
    let skipped = other
        .claim_due(MACHINE, later, DueCursor::START, 10)
        .await
        .unwrap();
    assert!(skipped.is_empty(), "held timers are skipped");
    drop(other);
    c.commit().await.unwrap();
    assert!(timers_of(&b, "d").await.is_empty());
    b.drop_tables().await.unwrap();
    b.close().await;
}

/// A claim tells a timer whose entity is gone (to be used up) from one
/// whose entity another unit holds (left for later), and counts both in
/// its page.
#[tokio::test(flavor = "multi_thread")]
async fn a_claim_tells_gone_entities_from_held_ones() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_orphans_", &StoreOptions::new()).await;
    insert(&b, "d", "closed", None).await;
    insert(&b, "e", "closed", None).await;
    let mut c = b.begin(Scope::Unit).await.unwrap();
    c.reset_timers(MACHINE, "d", "closed", &[("t1", 10)])
        .await
        .unwrap();
    c.reset_timers(
        MACHINE,
        "gone",
        "closed",
        &[("t1", 10), ("t2", 20), ("t3", 900)],
    )
    .await
    .unwrap();
    c.reset_timers(MACHINE, "e", "closed", &[("t1", 30)])
        .await
        .unwrap();
    c.commit().await.unwrap();
    let mut holder = b.begin(Scope::Unit).await.unwrap();
    assert_eq!(holder.lock_entities(MACHINE, &["e"]).await.unwrap(), None);
    let now = Timestamp::from_micros(100);
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let kinds = |claimed: &[Claimed]| -> Vec<(String, &'static str)> {
        claimed
            .iter()
            .map(|(timer, entity)| {
                let kind = match entity {
                    ClaimedEntity::Row(Ok(_)) => "row",
                    ClaimedEntity::Row(Err(_)) => "bad row",
                    ClaimedEntity::Gone => "gone",
                    ClaimedEntity::Held => "held",
                };
                (timer.entity_id.clone(), kind)
            })
            .collect()
    };
    let first = c
        .claim_due(MACHINE, now, DueCursor::START, 1)
        .await
        .unwrap();
    assert_eq!(kinds(&first), [("d".to_owned(), "row")]);
    let rest = c
        .claim_due(MACHINE, now, DueCursor::after(&first[0].0), 10)
        .await
        .unwrap();
    assert_eq!(
        kinds(&rest),
        [
            ("gone".to_owned(), "gone"),
            ("gone".to_owned(), "gone"),
            ("e".to_owned(), "held")
        ]
    );
    // Ended here rather than dropped: a dropped unit's rollback runs
    // after it, and its locks could still be held by the next claim.
    c.commit().await.unwrap();
    holder.commit().await.unwrap();
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let all = c
        .claim_due(MACHINE, now, DueCursor::START, 10)
        .await
        .unwrap();
    assert_eq!(kinds(&all)[3], ("e".to_owned(), "row"), "e is free again");
    c.commit().await.unwrap();
    assert_eq!(
        timers_of(&b, "gone").await.len(),
        3,
        "a claim deletes nothing"
    );
    b.drop_tables().await.unwrap();
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn definitions_are_kept_and_listed() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_defs_", &StoreOptions::new()).await;
    let def = stateforge_core::Definition::example();
    let mut c = b.begin(Scope::Single).await.unwrap();
    assert_eq!(c.kept_definition(def.name()).await.unwrap(), None);
    for keep in [Keep::Once, Keep::Once, Keep::AsLatest] {
        c.keep_definition(&def, DefinitionKind::Dynamic, Timestamp::now(), keep)
            .await
            .unwrap();
    }
    let (json, kind) = c.kept_definition(def.name()).await.unwrap().unwrap();
    assert_eq!(json, def.to_json());
    assert_eq!(kind, DefinitionKind::Dynamic.as_str());
    assert_eq!(c.machines().await.unwrap(), [def.name().to_owned()]);
    c.commit().await.unwrap();
    b.drop_tables().await.unwrap();
    b.close().await;
}

/// A statement that fails in a unit ends its transaction: its commit
/// says so instead of committing what came before.
#[tokio::test(flavor = "multi_thread")]
async fn a_unit_whose_statement_failed_is_rolled_back() {
    let Some(url) = pg_url() else { return };
    let b = fresh(&url, "sqlx_aborted_", &StoreOptions::new()).await;
    insert(&b, "d", "closed", None).await;
    let meta = TransitionMeta::new();
    let mut c = b.begin(Scope::Unit).await.unwrap();
    let w = write("d", 1, &["closed"], "open", &meta, None);
    assert_eq!(c.write(&w).await.unwrap(), Some(2));
    // Not UTF-8's NUL: PostgreSQL refuses it.
    let failed = c.row(MACHINE, "bad\0id", false).await;
    assert!(matches!(failed, Err(StoreError::Sql { .. })), "{failed:?}");
    let committed = c.commit().await;
    assert!(
        matches!(committed, Err(StoreError::Database(ref m)) if m.contains("rolled back")),
        "{committed:?}"
    );
    assert_eq!(version_of(&b, "d").await, Some((1, "closed".to_owned())));
    b.drop_tables().await.unwrap();
    b.close().await;
}

/// How long a test waits for something that should not take long.
pub(super) const PATIENCE: Duration = Duration::from_secs(20);
