//! A unit of work over one connection, and the transition write every
//! operation that moves an entity ends with.

use stateforge_core::Definition;

use super::carry_over::{Admit, Reshape};
use crate::db::backend::{Connection, Write};
use crate::db::fingerprint_text::FingerprintText;
use crate::db::shared::{check_movable, check_save, check_session_of};
use crate::db::{StoreError, StoredRow, TransitionMeta};
use crate::time::Timestamp;

/// A connection doing one operation or one unit of work.
pub(crate) struct Work<C> {
    pub(crate) conn: C,
    /// The first error that came after an operation had written part of
    /// its changes: the work then must not commit, even when it goes on
    /// past the error (PostgreSQL ends such a transaction itself).
    broken: Option<String>,
    /// The row definitions compared with a current one in this work (see
    /// `carry_over`): each is looked up once per work, not once per row of
    /// a page of timers or a batch of a migration.
    pub(crate) compared: Vec<std::sync::Arc<super::carry_over::Compared>>,
    /// The work is a fire's first attempt, without a transaction or the
    /// row's lock ([`Work::for_fire`]).
    pub(crate) racing: bool,
}

/// The row a transition starts from, as read in the work's transaction.
pub(crate) struct Source<'s> {
    pub(crate) state: &'s str,
    pub(crate) version: u64,
    pub(crate) session: Option<&'s str>,
}

/// What a transition by `event` to `to` writes beside its row, as its
/// definition says: the source states a connection that
/// [checks them](Connection::checks_sources) checks, and the timers of the
/// state entered.
pub(crate) struct Planned<'d> {
    pub(crate) sources: Vec<&'d str>,
    /// `(event, due_at in µs)`; `None` for a machine without timers, whose
    /// timer rows are not touched.
    pub(crate) timers: Option<Vec<(&'d str, i64)>>,
    /// The events of the timers that keep running: their states stay
    /// active across the transition (hierarchical machines only).
    pub(crate) kept_timers: Vec<&'d str>,
}

impl<'d> Planned<'d> {
    pub(crate) fn of(
        def: &'d Definition,
        from: &str,
        event: &str,
        to: &str,
        now: Timestamp,
        checks_sources: bool,
    ) -> Planned<'d> {
        // A machine without timers has no timer rows to cancel or start.
        let timed = !def.timers().is_empty();
        let to_id = (timed || checks_sources)
            .then(|| def.state_id(to))
            .flatten();
        // Only a state that stays active across a transition keeps its
        // timers, and a flat machine's transitions all leave their state.
        let keeping = timed && def.is_hierarchical();
        let event_id = (keeping || checks_sources)
            .then(|| def.event_id(event))
            .flatten();
        let sources: Vec<&str> = if checks_sources {
            def.transitions()
                .iter()
                .filter(|t| Some(t.event) == event_id && Some(t.to) == to_id)
                .map(|t| def.state_name(t.from))
                .collect()
        } else {
            Vec::new()
        };
        let from_id = keeping.then(|| def.state_id(from)).flatten();
        let mut kept_timers: Vec<&str> = Vec::new();
        let timers: Vec<(&str, i64)> = to_id
            .filter(|_| timed)
            .map(|to| {
                def.timers_of(to)
                    .filter(|t| {
                        let keeps = from_id
                            .zip(event_id)
                            .is_some_and(|(from, event)| def.keeps_timer(from, event, t));
                        if keeps {
                            kept_timers.push(def.event_name(t.event));
                        }
                        !keeps
                    })
                    .map(|t| (def.event_name(t.event), (now + t.after).as_micros()))
                    .collect()
            })
            .unwrap_or_default();
        Planned {
            sources,
            timers: timed.then_some(timers),
            kept_timers,
        }
    }
}

impl<C: Connection> Work<C> {
    pub(crate) fn new(conn: C) -> Work<C> {
        Work {
            conn,
            broken: None,
            compared: Vec::new(),
            racing: false,
        }
    }

    /// The work of an attempt of a fire outside a unit, in `scope`. In
    /// [`Scope::Single`](crate::db::backend::Scope::Single) it races other
    /// writers without a transaction: its one write checks the version it
    /// read. Anything more it would write (a row of an older definition
    /// carried over first) must commit or roll back with the transition,
    /// so such a fire answers [`StoreError::Conflict`] before writing, and
    /// the fire runs again holding the row's lock, as after a lost race.
    pub(crate) fn for_fire(conn: C, scope: crate::db::backend::Scope) -> Work<C> {
        Work {
            racing: matches!(scope, crate::db::backend::Scope::Single),
            ..Work::new(conn)
        }
    }

    /// Marks the work as not to commit, because of `error`, which came
    /// after part of an operation's writes; returns it.
    pub(crate) fn broke(&mut self, error: StoreError) -> StoreError {
        self.broken.get_or_insert_with(|| error.to_string());
        error
    }

    /// Commits, unless an operation broke the work; dropping the
    /// connection otherwise rolls it back.
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        if let Some(error) = self.broken {
            return Err(StoreError::Database(format!(
                "the unit was rolled back: an operation in it failed after writing part of \
                 its changes ({error})"
            )));
        }
        self.conn.commit().await
    }

    /// The versioned update to state `to` with `data` (JSON text), its
    /// history record and its timers (those of the states left cancelled,
    /// of the states entered started, of the states still active kept):
    /// the new version.
    /// When nothing is written, the row is read again to say why (a
    /// conflict, another session, not a transition).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn write_stored(
        &mut self,
        def: &Definition,
        entity_id: &str,
        from: Source<'_>,
        event: &str,
        to: &str,
        data: &str,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        let expected_version = from.version;
        // The write would match a row at the last version and fail on the
        // overflow (PostgreSQL), or write a version SQLite holds only as a
        // floating-point number.
        if expected_version == 0 || check_movable(def.name(), entity_id, expected_version).is_err()
        {
            return Err(self
                .not_written(def, entity_id, expected_version, event, to, meta)
                .await);
        }
        let now = Timestamp::now();
        let planned = Planned::of(def, from.state, event, to, now, self.conn.checks_sources());
        let fingerprint = FingerprintText::new(def.fingerprint());
        let write = Write {
            machine: def.name(),
            entity_id,
            expected_version,
            sources: &planned.sources,
            from: from.state,
            session: from.session,
            event,
            to,
            data,
            fingerprint: fingerprint.as_str(),
            meta,
            now,
            timers: planned.timers.as_deref(),
            kept_timers: &planned.kept_timers,
        };
        match self.conn.write(&write).await {
            Ok(Some(version)) => Ok(version),
            Ok(None) => Err(self
                .not_written(def, entity_id, expected_version, event, to, meta)
                .await),
            // A failed statement may have written part of the transition
            // on a backend that runs it as several.
            Err(e) => Err(self.broke(e)),
        }
    }

    pub(super) async fn not_written(
        &mut self,
        def: &Definition,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        to: &str,
        meta: &TransitionMeta,
    ) -> StoreError {
        match self
            .check_row(
                def,
                entity_id,
                (expected_version, event, to),
                meta,
                Reshape::Nothing,
            )
            .await
        {
            Err(e) => e,
            Ok(row) => StoreError::Conflict {
                machine: def.name().to_owned(),
                entity_id: entity_id.to_owned(),
                expected: expected_version,
                current: row.version,
            },
        }
    }

    /// Checks a save against the row as it is: the row, when the save
    /// could go ahead. A row of an older definition is admitted first
    /// (see [`Work::admit`]): the caller read it at the version it had
    /// then, which a migration written now moves on.
    pub(crate) async fn check_row(
        &mut self,
        def: &Definition,
        entity_id: &str,
        (expected_version, event, to): (u64, &str, &str),
        meta: &TransitionMeta,
        reshape: Reshape<'_>,
    ) -> Result<StoredRow, StoreError> {
        let mut row = super::row(&mut self.conn, def.name(), entity_id, true).await?;
        check_session_of(def.name(), entity_id, row.session.as_ref(), meta)?;
        let read_at = row.version;
        self.admit(def, entity_id, &mut row, Admit::Write, reshape)
            .await?;
        let expected = if expected_version == read_at {
            row.version
        } else {
            expected_version
        };
        check_save(def, entity_id, &row, expected, event, to)?;
        Ok(row)
    }
}
