//! Due timers: claimed page by page, each fired, used up or kept as
//! [`TimerStep`] decides.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

use super::Work;
use super::carry_over::{Admit, Reshape};
use super::write::Source;
use crate::db::backend::Connection;
use crate::db::due::{DueCount, DueCursor, DueTimer, TimerStep};
use crate::db::{EntityRow, StoreError, TransitionMeta};
use crate::time::Timestamp;

impl<C: Connection> Work<C> {
    /// Fires up to `limit` due timers of `M`; how many fired.
    pub(crate) async fn fire_due<M>(
        &mut self,
        now: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        let count = self
            .fire_due_by(
                M::definition(),
                now,
                limit,
                TimerStep::of::<M>,
                Reshape::Typed(M::migrate_data),
            )
            .await?;
        Ok(count.fired)
    }

    /// Fires the due timers of `def`'s machine, each as `step` decides
    /// (`TimerStep::of` for a typed machine, `of_dyn` for a dynamic one),
    /// saying how much of the limit it used.
    pub(crate) async fn fire_due_by(
        &mut self,
        def: &Definition,
        now: Timestamp,
        limit: usize,
        step: impl Fn(&DueTimer, Option<EntityRow>) -> TimerStep + Send,
        reshape: Reshape<'_>,
    ) -> Result<DueCount, StoreError> {
        let mut count = DueCount::default();
        let mut cursor = DueCursor::START;
        while count.used < limit {
            // Timers whose entity row is gone (deleted past the store) are
            // used up as the page they are on comes next, so that they
            // neither stay due for ever nor hold up `next_due`, and a call
            // reads no more than its pages: looking past them for every
            // orphan would read every due timer on every call.
            let orphans = self
                .conn
                .purge_orphan_timers(def.name(), now, cursor, limit - count.used)
                .await?;
            count.used += orphans;
            if count.used >= limit {
                break;
            }
            let wanted = limit - count.used;
            let page = self.conn.claim_due(def.name(), now, cursor, wanted).await?;
            let full = page.len() >= wanted;
            for (timer, row) in page {
                cursor = DueCursor::after(&timer);
                let mut row = match row {
                    Ok(row) => row,
                    // One row's bad column must not stop the machine's
                    // other timers: the timer is kept, as for a row that
                    // does not restore.
                    Err(error) => {
                        tracing::warn!(event = %timer.event, %error,
                            "timer's entity row cannot be read; the timer is kept");
                        continue;
                    }
                };
                // A row of an older definition that needs a migration is
                // kept as a row that does not restore is: the migration
                // brings it back.
                let entity_id = row.entity_id.clone();
                let admitted = self
                    .admit(def, &entity_id, &mut row, Admit::Write, reshape)
                    .await;
                if let Err(error) = admitted {
                    tracing::warn!(event = %timer.event, %error,
                        "timer's entity cannot be restored; the timer is kept");
                    continue;
                }
                // The row was read with the page: if a timer earlier on
                // the page moved the entity, that transition deleted this
                // timer, and deleting it below finds nothing.
                let step = step(&timer, Some(row));
                if let TimerStep::Kept = step {
                    continue;
                }
                if !self.conn.delete_timer(timer.id).await? {
                    continue;
                }
                count.used += 1;
                let TimerStep::Fire {
                    version,
                    session,
                    stored,
                } = step
                else {
                    continue;
                };
                let meta = TransitionMeta::new().actor("timer").cross_session();
                let from = Source {
                    state: &timer.state,
                    version,
                    session: session.as_deref(),
                };
                // The timer is deleted: were the work to commit without
                // its transition, the timer would be lost.
                let written = self
                    .write_stored(
                        def,
                        &timer.entity_id,
                        from,
                        &timer.event,
                        &stored.state,
                        &stored.data.to_string(),
                        &meta,
                    )
                    .await;
                written.map_err(|e| self.broke(e))?;
                count.fired += 1;
            }
            if !full {
                break;
            }
        }
        Ok(count)
    }
}
