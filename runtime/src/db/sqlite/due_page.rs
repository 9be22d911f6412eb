//! A page of claimed timers used up in one job on the connection: each
//! timer's delete and its transition's statements, back to back, under
//! the unit's write lock.

use rusqlite::{Connection, params};

use super::connection::{Shared, SqliteConnection};
use super::transition::{OwnedTransition, TransitionValues, metadata_text, write_transition};
use crate::db::StoreError;
use crate::db::backend::{DueEntry, DueOutcome, fire_due_one_by_one};

impl SqliteConnection<'_> {
    /// See [`Connection::fire_due_page`](crate::db::backend::Connection::fire_due_page).
    /// A machine kept in the application's table goes a timer at a time.
    pub(super) async fn fire_due_entries(
        &mut self,
        machine: &str,
        due: &[DueEntry<'_>],
    ) -> Result<Vec<DueOutcome>, StoreError> {
        if self.shared.mapped(machine).is_some() {
            return fire_due_one_by_one(self, due).await;
        }
        if self.runs_here() {
            let metadata: Vec<_> = due
                .iter()
                .map(|d| d.fire.as_ref().map(metadata_text))
                .collect();
            let page: Vec<_> = due
                .iter()
                .zip(&metadata)
                .map(|(d, m)| {
                    let values = d.fire.as_ref().zip(m.as_deref());
                    (d.timer_id, values.map(|(w, m)| TransitionValues::of(w, m)))
                })
                .collect();
            return self.run_here(|conn, s| use_up(conn, s, &page));
        }
        let page: Vec<_> = due
            .iter()
            .map(|d| (d.timer_id, d.fire.as_ref().map(OwnedTransition::of)))
            .collect();
        self.call(move |conn, s| {
            let page: Vec<_> = page
                .iter()
                .map(|(id, t)| (*id, t.as_ref().map(OwnedTransition::values)))
                .collect();
            use_up(conn, s, &page)
        })
        .await
    }
}

/// Deletes each timer of `page` and writes its transition, if it fires
/// one, in order; stops after the first transition that does not match
/// its row.
fn use_up<E: AsRef<str>>(
    conn: &Connection,
    s: &Shared,
    page: &[(i64, Option<TransitionValues<'_, E>>)],
) -> Result<Vec<DueOutcome>, StoreError> {
    let mut delete = conn.prepare_cached(&s.sql.delete_timer)?;
    let mut outcomes = Vec::with_capacity(page.len());
    for (id, fire) in page {
        if delete.execute(params![id])? == 0 {
            outcomes.push(DueOutcome::Gone);
            continue;
        }
        let Some(values) = fire else {
            outcomes.push(DueOutcome::UsedUp);
            continue;
        };
        match write_transition(conn, s, values)? {
            Some(version) => outcomes.push(DueOutcome::Fired(version)),
            None => {
                outcomes.push(DueOutcome::NotWritten);
                break;
            }
        }
    }
    Ok(outcomes)
}
