//! What a database gives a store: the primitives every store operation is
//! built from. Create, load, fire, save, units of work and due timers are
//! written once, over these, in `ops`; each backend (SQLite, PostgreSQL)
//! says only how to read and write its rows.
//!
//! Every primitive is async and its future `Send`, so the same operation
//! runs as a task on a multi-thread runtime, or blocked on by the blocking
//! API. A future dropped at any await point leaves the connection sound:
//! a connection dropped before [`Connection::commit`] rolls its
//! transaction back.

use std::future::Future;

use stateforge_core::Definition;

use crate::db::contention::Contention;
use crate::db::due::{DueCursor, DueTimer};
use crate::db::idempotency::KeptOutcome;
use crate::db::outbox::message::ClaimedMessage;
use crate::db::shared::Keep;
use crate::db::{
    DefinitionKind, EntityQuery, EntityRow, HistoryQuery, StoreError, StoredRow, TransitionMeta,
};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

/// How much of a transaction an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Reads only: no transaction is needed, none is opened.
    Read,
    /// A unit of work: a transaction, whose reads with `lock` hold their
    /// rows until it ends.
    Unit,
    /// One operation whose writes are one [`Connection::write`]: the
    /// backend may run it without a transaction when that statement is
    /// atomic alone (PostgreSQL), reads then lock nothing and a changed
    /// row is found by the write's version check.
    Single,
}

/// An entity row to insert, at version 1.
pub(crate) struct NewEntity<'a> {
    pub(crate) machine: &'a str,
    pub(crate) entity_id: &'a str,
    pub(crate) state: &'a str,
    /// The context and state data, as JSON text.
    pub(crate) data: &'a str,
    pub(crate) fingerprint: &'a str,
    pub(crate) session: Option<&'a str>,
    pub(crate) now: Timestamp,
}

/// A transition to write: the versioned update of the entity, its history
/// record and, for machines with timers, the change to its timers: those
/// of the states left are cancelled, those of the states entered started,
/// those of the states that stay active kept. Nothing is written unless the row is still at `expected_version`, in
/// one of `sources`, and movable by `meta`'s session.
pub(crate) struct Write<'a> {
    pub(crate) machine: &'a str,
    pub(crate) entity_id: &'a str,
    pub(crate) expected_version: u64,
    /// The states `event` leads from to `to`, where the connection
    /// [checks them](Connection::checks_sources) (PostgreSQL, in its one
    /// statement); empty where it does not (SQLite's unit read the row
    /// it writes).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) sources: &'a [&'a str],
    /// The state left, as read (PostgreSQL reads it in its statement).
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) from: &'a str,
    /// The row's session, as read (PostgreSQL reads it in its statement).
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) session: Option<&'a str>,
    pub(crate) event: &'a str,
    pub(crate) to: &'a str,
    /// The new context and state data, as JSON text.
    pub(crate) data: &'a str,
    pub(crate) fingerprint: &'a str,
    pub(crate) meta: &'a TransitionMeta,
    pub(crate) now: Timestamp,
    /// The timers `to` starts, `(event, due_at in µs)`; `None` for a
    /// machine without timers, whose timer rows are not touched.
    pub(crate) timers: Option<&'a [(&'a str, i64)]>,
    /// The events of the timers armed in `from` that keep running (see
    /// `Definition::keeps_timer`): each is written again as a new row, due
    /// when it was, named after `to`; every other timer of the entity is
    /// cancelled. The new row has a new id, so that a due-timer batch
    /// that claimed the old one finds it gone, as it finds a cancelled
    /// one. Empty for most transitions, and for every transition of a
    /// flat machine.
    pub(crate) kept_timers: &'a [&'a str],
}

/// A claimed timer to use up, with the transition it fires, if any: an
/// entry of [`Connection::fire_due_page`].
pub(crate) struct DueEntry<'a> {
    pub(crate) timer_id: i64,
    /// The timer's entity: PostgreSQL's page statement sends it for the
    /// timers that fire nothing; the default path has it in the write.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) entity_id: &'a str,
    /// The transition the timer fires; `None` for one used up unfired.
    pub(crate) fire: Option<Write<'a>>,
}

/// What became of a [`DueEntry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DueOutcome {
    /// The timer was gone already (a transition of its entity replaced
    /// it since the claim): nothing was done.
    Gone,
    /// The timer was deleted; it fires nothing.
    UsedUp,
    /// The timer was deleted and its transition written: the new version.
    Fired(u64),
    /// The transition did not match the row (the caller reads it to say
    /// why). Neither the timer's delete nor the write is undone here: the
    /// work must not commit.
    NotWritten,
}

/// An entity row of a page, or what is wrong with it, after its key as
/// the page's order compares it.
pub(crate) type KeyedRow = (String, Result<EntityRow, StoreError>);

/// A claimed timer and what the claim found of its entity.
pub(crate) type Claimed = (DueTimer, ClaimedEntity);

/// The entity of a claimed timer, as the claim found it.
#[derive(Debug)]
pub(crate) enum ClaimedEntity {
    /// The entity's row, held with the timer, or what is wrong with it.
    Row(Result<EntityRow, StoreError>),
    /// No such entity: its row was deleted past the store. The timer is
    /// to be used up, so that it neither stays due for ever nor holds up
    /// `next_due`.
    Gone,
    /// Another unit holds the entity: the timer is left for a later call.
    /// (SQLite's unit holds the whole database: never there.)
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Held,
}

/// A database a store keeps its machines in.
pub(crate) trait Backend: Send + Sync + 'static {
    /// A connection taken for one operation or one unit of work.
    type Connection: Connection;

    /// A connection for `scope`, in a transaction when the scope needs one.
    fn begin(
        &self,
        scope: Scope,
    ) -> impl Future<Output = Result<Self::Connection, StoreError>> + Send;

    /// Drops the store's tables (tests and tools that reset a database).
    fn drop_tables(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// `"sqlite"` or `"postgres"`.
    fn name(&self) -> &'static str;

    /// Where a fire outside a unit should read without a lock and retry
    /// on a conflict (a transaction costs round trips to a server), what
    /// the backend remembers of lost races; `None` where a fire takes the
    /// row's lock in one transaction.
    fn contention(&self) -> Option<&Contention>;
}

/// The primitives of one connection, in its transaction when it has one.
/// Errors are the database's, already as [`StoreError`]s, with no secret
/// in them.
pub(crate) trait Connection: Send {
    /// The entity's row, its data as the column's text: `None` when there
    /// is none, `Some(Err(..))` when it does not read as an entity. With
    /// `lock`, in a unit, the row is held until the unit ends.
    fn row(
        &mut self,
        machine: &str,
        entity_id: &str,
        lock: bool,
    ) -> impl Future<Output = Result<Option<Result<StoredRow, StoreError>>, StoreError>> + Send;

    /// Inserts the entity at version 1; `false` when it exists.
    fn insert_entity(
        &mut self,
        entity: &NewEntity<'_>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Whether [`Connection::write`] checks [`Write::sources`] itself
    /// (PostgreSQL, in its one statement); where it does not (SQLite,
    /// whose unit read the row it writes), they are not collected.
    fn checks_sources(&self) -> bool;

    /// Writes the transition; its new version, or `None` when the row did
    /// not match (the caller reads it to say why).
    fn write(
        &mut self,
        write: &Write<'_>,
    ) -> impl Future<Output = Result<Option<u64>, StoreError>> + Send;

    /// Appends a history record as it is (an entity's creation record).
    fn insert_history(
        &mut self,
        record: &HistoryRecord,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Replaces the entity's timers with `timers` (`(event, due_at µs)`),
    /// armed by `state`.
    fn reset_timers(
        &mut self,
        machine: &str,
        entity_id: &str,
        state: &str,
        timers: &[(&str, i64)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Keeps `def` as one of its machine's definitions (see [`Keep`]).
    fn keep_definition(
        &mut self,
        def: &Definition,
        kind: DefinitionKind,
        now: Timestamp,
        keep: Keep,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The machine's definition kept last, as `(json, kind)`.
    fn kept_definition(
        &mut self,
        machine: &str,
    ) -> impl Future<Output = Result<Option<(String, String)>, StoreError>> + Send;

    /// The machine's kept definition whose fingerprint is `fingerprint`,
    /// as `(json, kind)`: the one a row of that fingerprint was written
    /// under.
    fn definition_under(
        &mut self,
        machine: &str,
        fingerprint: &str,
    ) -> impl Future<Output = Result<Option<(String, String)>, StoreError>> + Send;

    /// The names of the machines with a kept definition, sorted.
    fn machines(&mut self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// The history records `query` selects, in its order.
    fn history(
        &mut self,
        query: &HistoryQuery,
    ) -> impl Future<Output = Result<Vec<HistoryRecord>, StoreError>> + Send;

    /// The machine's entity rows (in `state` only, when given), by id;
    /// each one that does not read as an entity is its error.
    fn entities(
        &mut self,
        machine: &str,
        state: Option<&str>,
    ) -> impl Future<Output = Result<Vec<Result<EntityRow, StoreError>>, StoreError>> + Send;

    /// The entity rows of `query`'s page, by key, and one more when there
    /// is one (to tell the last page), each with its key. A machine kept
    /// in the application's table refuses it
    /// ([`StoreError::TableMapping`]).
    fn entity_page(
        &mut self,
        query: &EntityQuery,
    ) -> impl Future<Output = Result<Vec<KeyedRow>, StoreError>> + Send;

    /// Locks the entities until the unit ends, in one order every unit
    /// shares; the first of `entity_ids` (in the order given) that does
    /// not exist, if any.
    fn lock_entities(
        &mut self,
        machine: &str,
        entity_ids: &[&str],
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Up to `at_most` of the machine's timers due at `now`, after
    /// `after` in `(due_at, id)` order, each held until the unit ends with
    /// its entity's row, or with what keeps the row out (see
    /// [`ClaimedEntity`]). A timer another unit holds is passed over.
    fn claim_due(
        &mut self,
        machine: &str,
        now: Timestamp,
        after: DueCursor,
        at_most: usize,
    ) -> impl Future<Output = Result<Vec<Claimed>, StoreError>> + Send;

    /// Deletes a timer; `false` when it was already gone.
    fn delete_timer(&mut self, id: i64) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Uses up a page of claimed timers of `machine`, in order: each one
    /// still there is deleted and its transition, if it fires one,
    /// written, as [`Connection::delete_timer`] then [`Connection::write`]
    /// would; one already gone writes nothing. What became of each, up to
    /// the first [`DueOutcome::NotWritten`] if any, which ends the list.
    ///
    /// An entity whose timer fires has no other entry on the page: its
    /// transition replaces its timers, which the caller's later entries
    /// must see (the caller passes them in a page of their own).
    fn fire_due_page(
        &mut self,
        _machine: &str,
        due: &[DueEntry<'_>],
    ) -> impl Future<Output = Result<Vec<DueOutcome>, StoreError>> + Send {
        fire_due_one_by_one(self, due)
    }

    /// The outcome kept under idempotency key `key`, unless it expired
    /// by `now`.
    fn find_outcome(
        &mut self,
        key: &str,
        now: Timestamp,
    ) -> impl Future<Output = Result<Option<KeptOutcome>, StoreError>> + Send;

    /// Keeps `outcome` under its key, replacing an expired one; `false`
    /// (nothing written) when a live outcome holds the key.
    fn keep_outcome(
        &mut self,
        outcome: &KeptOutcome,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Removes the outcomes expired by `now`; how many.
    fn expire_outcomes(
        &mut self,
        now: Timestamp,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Writes outbox messages for `entity_id` of `machine`.
    fn insert_messages(
        &mut self,
        machine: &str,
        entity_id: &str,
        messages: &[(String, serde_json::Value)],
        now: Timestamp,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Up to `at_most` outbox messages, each the oldest of its entity,
    /// oldest first, locked until the transaction ends (other workers
    /// pass over them, and over the later messages of their entities).
    fn claim_messages(
        &mut self,
        at_most: usize,
    ) -> impl Future<Output = Result<Vec<ClaimedMessage>, StoreError>> + Send;

    /// Deletes outbox messages; how many.
    fn delete_messages(
        &mut self,
        ids: &[i64],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// When the machine's first timer due after `after` is due, in µs.
    fn next_due(
        &mut self,
        machine: &str,
        after: Timestamp,
    ) -> impl Future<Output = Result<Option<i64>, StoreError>> + Send;

    /// Commits the transaction (nothing to do without one).
    fn commit(self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// [`Connection::fire_due_page`] a timer at a time: a delete, then the
/// transition's write, a round trip each.
pub(crate) async fn fire_due_one_by_one<C: Connection + ?Sized>(
    conn: &mut C,
    due: &[DueEntry<'_>],
) -> Result<Vec<DueOutcome>, StoreError> {
    let mut outcomes = Vec::with_capacity(due.len());
    for entry in due {
        if !conn.delete_timer(entry.timer_id).await? {
            outcomes.push(DueOutcome::Gone);
            continue;
        }
        let Some(write) = &entry.fire else {
            outcomes.push(DueOutcome::UsedUp);
            continue;
        };
        match conn.write(write).await? {
            Some(version) => outcomes.push(DueOutcome::Fired(version)),
            None => {
                outcomes.push(DueOutcome::NotWritten);
                break;
            }
        }
    }
    Ok(outcomes)
}
