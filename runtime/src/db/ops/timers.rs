//! Due timers: claimed page by page, each fired, used up or kept as
//! [`TimerStep`] decides.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

use super::Work;
use super::carry_over::{Admit, Reshape};
use super::due_page::DuePage;
use crate::db::backend::{ClaimedEntity, Connection};
use crate::db::due::{DueCount, DueCursor, DueTimer, TimerStep};
use crate::db::shared::check_movable;
use crate::db::{EntityRow, StoreError};
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
            let wanted = limit - count.used;
            let claimed = self.conn.claim_due(def.name(), now, cursor, wanted).await?;
            let full = claimed.len() >= wanted;
            // The page's timers are decided here, one by one, and used up
            // together: what each does depends only on its own row, read
            // with the claim.
            let mut page = DuePage::default();
            for (timer, entity) in claimed {
                cursor = DueCursor::after(&timer);
                if page.holds(&timer.entity_id) {
                    self.fire_due_page(def, &mut page, &mut count).await?;
                }
                let mut row = match entity {
                    ClaimedEntity::Row(Ok(row)) => row,
                    // One row's bad column must not stop the machine's
                    // other timers: the timer is kept, as for a row that
                    // does not restore.
                    ClaimedEntity::Row(Err(error)) => {
                        tracing::warn!(event = %timer.event, %error,
                            "timer's entity row cannot be read; the timer is kept");
                        continue;
                    }
                    // A timer whose entity row was deleted past the store
                    // is used up as its page comes, so that it neither
                    // stays due for ever nor holds up `next_due`.
                    ClaimedEntity::Gone => {
                        page.use_up(timer);
                        continue;
                    }
                    ClaimedEntity::Held => continue,
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
                // The row was read with the claim: if a timer earlier on
                // the claimed page moved the entity, that transition
                // deleted this timer (the page was used up before this
                // timer was decided), and it finds nothing to use up.
                match step(&timer, Some(row)) {
                    TimerStep::Kept => {}
                    TimerStep::Stale | TimerStep::Dropped => page.use_up(timer),
                    TimerStep::Fire {
                        version,
                        session,
                        stored,
                    } => {
                        if version == 0
                            || check_movable(def.name(), &timer.entity_id, version).is_err()
                        {
                            let refused = (&timer, version, stored.state.as_str());
                            self.refuse_due(def, &mut page, &mut count, refused).await?;
                            continue;
                        }
                        // The timer is deleted with its transition written
                        // in the same work: were the work to commit without
                        // the transition, the timer would be lost.
                        let data = stored.data.to_string();
                        page.fire(timer, version, session, stored.state, data);
                    }
                }
            }
            self.fire_due_page(def, &mut page, &mut count).await?;
            if !full {
                break;
            }
        }
        Ok(count)
    }
}
