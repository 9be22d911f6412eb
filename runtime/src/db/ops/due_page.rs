//! A page of claimed timers, decided one by one and then used up
//! together: the deletes and transitions of a page go to the connection
//! as one [`Connection::fire_due_page`] (one statement on PostgreSQL).

use stateforge_core::Definition;

use super::Work;
use crate::db::backend::{Connection, DueEntry, DueOutcome, Write};
use crate::db::due::{DueCount, DueTimer};
use crate::db::fingerprint_text::FingerprintText;
use crate::db::{StoreError, TransitionMeta};
use crate::time::Timestamp;

use super::write::Planned;

/// The transition a timer of the page fires.
struct Firing {
    /// The version the row was read at, in the claim.
    version: u64,
    /// The row's session, as read.
    session: Option<String>,
    /// The state the transition enters.
    to: String,
    /// The new context and state data, as JSON text.
    data: String,
}

/// Timers decided but not yet used up, in the order they were claimed.
#[derive(Default)]
pub(crate) struct DuePage {
    timers: Vec<(DueTimer, Option<Firing>)>,
}

impl DuePage {
    /// Whether a timer of `entity_id` is on the page: a transition of the
    /// entity (the page's, or a migration of its row before the next
    /// timer fires) replaces its timers, which a later timer of the
    /// entity must see, so such a timer goes on a page of its own.
    pub(crate) fn holds(&self, entity_id: &str) -> bool {
        self.timers.iter().any(|(t, _)| t.entity_id == entity_id)
    }

    /// Adds `timer`, to be used up without firing.
    pub(crate) fn use_up(&mut self, timer: DueTimer) {
        self.timers.push((timer, None));
    }

    /// Adds `timer`, to fire the transition from the row at `version` to
    /// `to` with `data`.
    pub(crate) fn fire(
        &mut self,
        timer: DueTimer,
        version: u64,
        session: Option<String>,
        to: String,
        data: String,
    ) {
        let firing = Firing {
            version,
            session,
            to,
            data,
        };
        self.timers.push((timer, Some(firing)));
    }
}

/// What every transition a timer fires is written with.
fn timer_meta() -> TransitionMeta {
    TransitionMeta::new().actor("timer").cross_session()
}

impl<C: Connection> Work<C> {
    /// Uses up the page's timers, writing the transitions of those that
    /// fire, and counts them into `count`; the page is left empty. A timer
    /// another transition of its entity replaced since the claim does not
    /// fire and is not counted.
    ///
    /// # Errors
    ///
    /// A transition that does not match its row (read again to say why),
    /// or the database's. The timers' deletes and the page's other
    /// transitions may be written by then: the work is marked not to
    /// commit, so the timer is not lost.
    pub(crate) async fn fire_due_page(
        &mut self,
        def: &Definition,
        page: &mut DuePage,
        count: &mut DueCount,
    ) -> Result<(), StoreError> {
        if page.timers.is_empty() {
            return Ok(());
        }
        let timers = std::mem::take(&mut page.timers);
        let meta = timer_meta();
        let now = Timestamp::now();
        let fingerprint = FingerprintText::new(def.fingerprint());
        let checks_sources = self.conn.checks_sources();
        let planned: Vec<Option<Planned<'_>>> = timers
            .iter()
            .map(|(timer, firing)| {
                let firing = firing.as_ref()?;
                Some(Planned::of(
                    def,
                    &timer.state,
                    &timer.event,
                    &firing.to,
                    now,
                    checks_sources,
                ))
            })
            .collect();
        let entries: Vec<DueEntry<'_>> = timers
            .iter()
            .zip(&planned)
            .map(|((timer, firing), planned)| DueEntry {
                timer_id: timer.id,
                entity_id: &timer.entity_id,
                fire: firing.as_ref().zip(planned.as_ref()).map(|(f, p)| Write {
                    machine: def.name(),
                    entity_id: &timer.entity_id,
                    expected_version: f.version,
                    sources: &p.sources,
                    from: &timer.state,
                    session: f.session.as_deref(),
                    event: &timer.event,
                    to: &f.to,
                    data: &f.data,
                    fingerprint: fingerprint.as_str(),
                    meta: &meta,
                    now,
                    timers: p.timers.as_deref(),
                    kept_timers: &p.kept_timers,
                }),
            })
            .collect();
        let outcomes = self.conn.fire_due_page(def.name(), &entries).await;
        let outcomes = outcomes.map_err(|e| self.broke(e))?;
        for ((timer, firing), outcome) in timers.iter().zip(outcomes) {
            match outcome {
                DueOutcome::Gone => {}
                DueOutcome::UsedUp => count.used += 1,
                DueOutcome::Fired(_) => {
                    count.used += 1;
                    count.fired += 1;
                }
                DueOutcome::NotWritten => {
                    let Some(firing) = firing else {
                        continue;
                    };
                    let error = self
                        .not_written(
                            def,
                            &timer.entity_id,
                            firing.version,
                            &timer.event,
                            &firing.to,
                            &meta,
                        )
                        .await;
                    return Err(self.broke(error));
                }
            }
        }
        Ok(())
    }

    /// The transition of `timer`, whose row's `version` no write may
    /// match (see [`check_movable`](crate::db::shared::check_movable)),
    /// as a timer of its own after the page before it: the timer is
    /// deleted, if it is still there, and the write refused, as any write
    /// from such a version is.
    pub(crate) async fn refuse_due(
        &mut self,
        def: &Definition,
        page: &mut DuePage,
        count: &mut DueCount,
        (timer, version, to): (&DueTimer, u64, &str),
    ) -> Result<(), StoreError> {
        self.fire_due_page(def, page, count).await?;
        if !self.conn.delete_timer(timer.id).await? {
            return Ok(());
        }
        count.used += 1;
        let meta = timer_meta();
        let error = self
            .not_written(def, &timer.entity_id, version, &timer.event, to, &meta)
            .await;
        Err(self.broke(error))
    }
}
