//! A page of claimed timers used up in one statement: the timers'
//! deletes, their entities' versioned updates, the history records and
//! the timers of the states entered, for the whole page, sent as arrays.

use std::collections::HashMap;

use super::conn::{PgConnection, query};
use super::rows::column;
use crate::db::StoreError;
use crate::db::backend::{DueEntry, DueOutcome, fire_due_one_by_one};
use crate::db::schema::Tables;
use crate::db::shared::{check_movable, to_i64};

impl PgConnection<'_> {
    /// See [`Connection::fire_due_page`](crate::db::backend::Connection::fire_due_page):
    /// one statement for the page, atomic alone. A machine kept in the
    /// application's table, or a page with a transition that keeps
    /// timers running, goes a timer at a time.
    pub(super) async fn fire_due_entries(
        &mut self,
        machine: &str,
        due: &[DueEntry<'_>],
    ) -> Result<Vec<DueOutcome>, StoreError> {
        // A transition keeping timers of states that stay active copies
        // them (`write_keeping`), which the page's statement does not.
        let keeping = due
            .iter()
            .filter_map(|d| d.fire.as_ref())
            .any(|w| !w.kept_timers.is_empty());
        if self.shared.mapped(machine).is_some() || keeping {
            return fire_due_one_by_one(self, due).await;
        }
        // The caller refuses a transition from a version no write may
        // match (`Work::refuse_due`) before it reaches a page.
        debug_assert!(
            due.iter()
                .filter_map(|d| d.fire.as_ref())
                .all(|w| w.expected_version != 0
                    && check_movable(w.machine, w.entity_id, w.expected_version).is_ok()),
            "a page's transitions start from versions a write may match"
        );
        debug_assert!(
            due.iter().enumerate().all(|(i, d)| d.fire.is_none()
                || due.iter().skip(i + 1).all(|o| o.entity_id != d.entity_id)),
            "an entity whose timer fires has no other entry on the page"
        );
        let arrays = PageArrays::of(due);
        let q = query(&self.shared.sql.fire_due_page)
            .bind(machine)
            .bind(arrays.timer_ids)
            .bind(arrays.entity_ids)
            .bind(arrays.expected)
            .bind(arrays.states)
            .bind(arrays.data)
            .bind(arrays.fingerprints)
            .bind(arrays.events)
            .bind(arrays.at)
            .bind(arrays.reasons)
            .bind(arrays.actors)
            .bind(arrays.metadata)
            .bind(arrays.sessions)
            .bind(arrays.cross_session)
            .bind(arrays.timed)
            .bind(arrays.from_states)
            .bind(arrays.timer_ords)
            .bind(arrays.timer_events)
            .bind(arrays.timer_due);
        let rows = self.write_all(q).await?;
        // Each of the page's timers still there, with the version its
        // transition wrote, if it wrote one.
        let mut live: HashMap<i64, Option<i64>> = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = column(row, 0).map_err(StoreError::Database)?;
            let version: Option<i64> = column(row, 1).map_err(StoreError::Database)?;
            live.insert(id, version);
        }
        let mut outcomes = Vec::with_capacity(due.len());
        for entry in due {
            let outcome = match (live.get(&entry.timer_id), &entry.fire) {
                (None, _) => DueOutcome::Gone,
                (Some(_), None) => DueOutcome::UsedUp,
                (Some(Some(version)), Some(_)) => {
                    DueOutcome::Fired(u64::try_from(*version).map_err(|_| {
                        StoreError::Database(format!("a transition wrote version {version}"))
                    })?)
                }
                (Some(None), Some(_)) => DueOutcome::NotWritten,
            };
            outcomes.push(outcome);
            if outcome == DueOutcome::NotWritten {
                break;
            }
        }
        Ok(outcomes)
    }
}

/// A page's entries as the statement's parameters: one element an entry
/// (`NULL`s where a timer fires nothing), then the source states and the
/// timers entered, each after the 1-based position of its entry.
struct PageArrays<'a> {
    timer_ids: Vec<i64>,
    entity_ids: Vec<&'a str>,
    expected: Vec<Option<i64>>,
    states: Vec<Option<&'a str>>,
    data: Vec<Option<&'a str>>,
    fingerprints: Vec<Option<&'a str>>,
    events: Vec<Option<&'a str>>,
    at: Vec<Option<i64>>,
    reasons: Vec<Option<&'a str>>,
    actors: Vec<Option<&'a str>>,
    metadata: Vec<Option<String>>,
    sessions: Vec<Option<&'a str>>,
    cross_session: Vec<bool>,
    timed: Vec<bool>,
    from_states: Vec<Option<&'a str>>,
    timer_ords: Vec<i64>,
    timer_events: Vec<&'a str>,
    timer_due: Vec<i64>,
}

impl<'a> PageArrays<'a> {
    fn of(due: &'a [DueEntry<'a>]) -> PageArrays<'a> {
        let n = due.len();
        let mut a = PageArrays {
            timer_ids: Vec::with_capacity(n),
            entity_ids: Vec::with_capacity(n),
            expected: Vec::with_capacity(n),
            states: Vec::with_capacity(n),
            data: Vec::with_capacity(n),
            fingerprints: Vec::with_capacity(n),
            events: Vec::with_capacity(n),
            at: Vec::with_capacity(n),
            reasons: Vec::with_capacity(n),
            actors: Vec::with_capacity(n),
            metadata: Vec::with_capacity(n),
            sessions: Vec::with_capacity(n),
            cross_session: Vec::with_capacity(n),
            timed: Vec::with_capacity(n),
            from_states: Vec::with_capacity(n),
            timer_ords: Vec::new(),
            timer_events: Vec::new(),
            timer_due: Vec::new(),
        };
        for (i, entry) in due.iter().enumerate() {
            let ord = i64::try_from(i + 1).unwrap_or(i64::MAX);
            a.timer_ids.push(entry.timer_id);
            a.entity_ids.push(entry.entity_id);
            let w = entry.fire.as_ref();
            a.expected.push(w.map(|w| to_i64(w.expected_version)));
            a.states.push(w.map(|w| w.to));
            a.data.push(w.map(|w| w.data));
            a.fingerprints.push(w.map(|w| w.fingerprint));
            a.events.push(w.map(|w| w.event));
            a.at.push(w.map(|w| w.now.as_micros()));
            a.reasons.push(w.and_then(|w| w.meta.reason.as_deref()));
            a.actors.push(w.and_then(|w| w.meta.actor.as_deref()));
            a.metadata.push(w.map(|w| w.meta.metadata.to_string()));
            a.sessions.push(w.and_then(|w| w.meta.session.as_deref()));
            a.cross_session
                .push(w.is_some_and(|w| w.meta.cross_session));
            a.timed.push(w.is_some_and(|w| w.timers.is_some()));
            a.from_states.push(w.map(|w| w.from));
            let Some(w) = w else { continue };
            for &(event, due_at) in w.timers.unwrap_or_default() {
                a.timer_ords.push(ord);
                a.timer_events.push(event);
                a.timer_due.push(due_at);
            }
        }
        a
    }
}

/// The page's statement. Its parts see the tables as they were before it
/// (one snapshot), so each is written to touch rows no other part does:
///
/// - `page`: the entries, numbered in order (`ord`);
/// - `live`: the page's timers still there (the claim locked them; one a
///   transition of its entity replaced since is gone);
/// - `updated`: the versioned update of each entity whose timer is live,
///   with the conditions of [`write`](super::sql): the version read, the
///   session, and the state, here the one the transition was decided
///   from (a timer fires only from the state it was armed in, which the
///   claim read the row in: the version unchanged, the row is still
///   there), which is also the state the history records as left;
///   returning the new version;
/// - `used`: the deletes of the live timers that fire nothing, and of
///   those whose transition was written (a timer whose entity did not
///   match stays, for the caller's rollback to keep);
/// - `recorded`: the history records, in the page's order;
/// - the timers of the states entered ([`timer_reset`]).
///
/// Returns each live timer's id and the version its transition wrote
/// (`NULL` if it wrote none).
///
/// Parameters: `$1` machine; one element an entry: `$2` timer ids, `$3`
/// entity ids, `$4` expected versions (`NULL` fires nothing), `$5` states
/// entered, `$6` data, `$7` fingerprints, `$8` events, `$9` times, `$10`
/// reasons, `$11` actors, `$12` metadata, `$13` sessions, `$14` cross
/// sessions, `$15` whether the machine has timers, `$16` the states left;
/// `$17`/`$18`/`$19` the timers entered by entry, event and due time.
pub(super) fn statement(t: &Tables) -> String {
    format!(
        "WITH page AS (
            SELECT * FROM UNNEST($2::BIGINT[], $3::TEXT[], $4::BIGINT[], $5::TEXT[], $6::TEXT[],
                                 $7::TEXT[], $8::TEXT[], $9::BIGINT[], $10::TEXT[], $11::TEXT[],
                                 $12::TEXT[], $13::TEXT[], $14::BOOLEAN[], $15::BOOLEAN[],
                                 $16::TEXT[])
                WITH ORDINALITY AS p(timer_id, entity_id, expected, state, data, fingerprint,
                                     event, at, reason, actor, metadata, session, cross_session,
                                     timed, from_state, ord)),
         live AS (
            SELECT t.id FROM {tm} AS t WHERE t.id = ANY($2::BIGINT[])),
         updated AS (
            UPDATE {e} AS cur
            SET state = page.state, data = page.data, version = cur.version + 1,
                fingerprint = page.fingerprint, updated_at = page.at
            FROM page
            WHERE page.expected IS NOT NULL
              AND EXISTS (SELECT 1 FROM {tm} AS l WHERE l.id = page.timer_id)
              AND cur.machine = $1 AND cur.entity_id = page.entity_id
              AND cur.version = page.expected AND cur.state = page.from_state
              AND (cur.session IS NULL OR cur.session = page.session OR page.cross_session)
            RETURNING page.ord, page.timer_id, cur.entity_id, page.from_state,
                      cur.session, cur.version, page.timed),
         used AS (
            DELETE FROM {tm} AS t USING page
            WHERE t.id = page.timer_id
              AND (page.expected IS NULL OR page.ord IN (SELECT ord FROM updated))),
         recorded AS (
            INSERT INTO {h} (machine, entity_id, from_state, to_state, event, reason, actor,
                             session, at, metadata, version)
            SELECT $1, u.entity_id, u.from_state, page.state, page.event, page.reason,
                   page.actor, u.session, page.at, page.metadata, u.version
            FROM updated AS u JOIN page ON page.ord = u.ord
            ORDER BY u.ord){reset}
         SELECT live.id, u.version FROM live LEFT JOIN updated AS u ON u.timer_id = live.id",
        tm = t.timers,
        e = t.entities,
        h = t.history,
        reset = timer_reset(t),
    )
}

/// The page statement's timer reset, the same as a single transition's
/// (`write_timed` in [`sql`](super::sql)): each moved entity of a machine
/// with timers loses its timers but the one its page used up (deleted by
/// `used`), and gets those of the state it entered.
fn timer_reset(t: &Tables) -> String {
    format!(
        ",
         cleared AS (
            DELETE FROM {tm} AS t USING updated AS u
            WHERE u.timed AND t.machine = $1 AND t.entity_id = u.entity_id
              AND t.id <> ALL($2::BIGINT[])),
         armed AS (
            INSERT INTO {tm} (machine, entity_id, state, event, due_at)
            SELECT $1, u.entity_id, page.state, a.event, a.due_at
            FROM updated AS u JOIN page ON page.ord = u.ord
              JOIN UNNEST($17::BIGINT[], $18::TEXT[], $19::BIGINT[]) AS a(ord, event, due_at)
                ON a.ord = u.ord
            WHERE u.timed)",
        tm = t.timers,
    )
}
