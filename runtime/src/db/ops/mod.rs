//! The store's operations, written once over a backend's primitives
//! ([`Connection`]): create, load, fire, save, due timers, dynamic
//! machines and the reads. The public stores, async and blocking, are
//! thin layers over these.

mod carry_over;
pub(crate) mod due_page;
mod dynamic;
mod entity;
mod fire;
mod idempotent;
mod migrate;
mod outbox;
mod reads;
mod timers;
mod write;

pub(crate) use carry_over::Reshape;
pub(crate) use fire::{Connections, fire, racing};
pub use migrate::{MigrateOptions, MigrationReport};
pub(crate) use write::Work;

use crate::db::StoreError;
use crate::db::backend::Connection;

/// The entity's row, its data as text, or [`StoreError::NotFound`].
pub(crate) async fn row<C: Connection>(
    conn: &mut C,
    machine: &str,
    entity_id: &str,
    lock: bool,
) -> Result<crate::db::StoredRow, StoreError> {
    crate::db::entity_id::check_entity_id(entity_id)?;
    conn.row(machine, entity_id, lock)
        .await?
        .unwrap_or_else(|| {
            Err(StoreError::NotFound {
                machine: machine.to_owned(),
                entity_id: entity_id.to_owned(),
            })
        })
}
