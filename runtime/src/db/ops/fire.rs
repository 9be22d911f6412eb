//! A fire outside a unit of work, as the async and the blocking stores
//! both run it: in one transaction holding the row's lock, or, where the
//! backend reads optimistically, racing other writers without a lock.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::Work;
use crate::Listeners;
use std::future::Future;

use crate::db::backend::{Backend, Connection, Scope};
use crate::db::contention::Contention;
use crate::db::{Fired, StoreError, TransitionMeta};

/// Fires `event` on `entity_id` with connections from `connections`.
///
/// Where the backend races (a transaction costs round trips to a server:
/// it has a [`Contention`]), the read locks nothing and the write checks
/// the version read: on a conflict (another transition of the entity came between
/// the two), the entity is read again and the event fired again from
/// where the other left it, guards and before-listeners included. The
/// event is kept as JSON for that, since firing consumes it. A fire that
/// lost is fired once more with the row locked, waiting its turn: another
/// writer on the entity is likely to come again, and the fire always ends.
///
/// Fires that cannot race ([`racing`]) take the lock at once, as do, for a
/// while, the fires on an entity that follow a lost race on it
/// ([`Contention`]).
pub(crate) async fn fire<B, M>(
    connections: &B,
    listeners: &Listeners<M>,
    entity_id: &str,
    event: M::Event,
    meta: &TransitionMeta,
) -> Result<Fired<M>, StoreError>
where
    B: Connections,
    M: Machine + Serialize + DeserializeOwned,
    M::Event: Serialize + DeserializeOwned,
{
    let outbox = listeners.has_outbox();
    let Some(contention) = racing(connections.contention(), entity_id, meta, outbox) else {
        return once(connections, Scope::Unit, listeners, entity_id, event, meta).await;
    };
    let kept = serde_json::to_value(&event)?;
    match once(
        connections,
        Scope::Single,
        listeners,
        entity_id,
        event,
        meta,
    )
    .await
    {
        Err(StoreError::Conflict { .. }) => contention.lost(entity_id),
        outcome => return outcome,
    }
    let event = serde_json::from_value(kept)?;
    once(connections, Scope::Unit, listeners, entity_id, event, meta).await
}

/// The contention to tell of a lost race, when a fire on `entity_id`
/// outside a unit races other writers (a first attempt in
/// [`Scope::Single`], then, on a conflict, one in [`Scope::Unit`]); `None`
/// when it takes the row's lock at once. A fire with an idempotency key
/// reads the key with the row locked, so that two requests with one key
/// take turns; one with messages (the caller's or an outbox listener's)
/// needs a transaction around the transition's statement and theirs.
/// The hint is asked last: only a fire that could race counts down its
/// entity's locked fires.
pub(crate) fn racing<'c>(
    contention: Option<&'c Contention>,
    entity_id: &str,
    meta: &TransitionMeta,
    outbox: bool,
) -> Option<&'c Contention> {
    let can = meta.idempotency_key.is_none() && meta.messages.is_empty() && !outbox;
    contention.filter(|c| can && c.races(entity_id))
}

/// One attempt: the fire in a connection of its own, committed.
async fn once<B, M>(
    connections: &B,
    scope: Scope,
    listeners: &Listeners<M>,
    entity_id: &str,
    event: M::Event,
    meta: &TransitionMeta,
) -> Result<Fired<M>, StoreError>
where
    B: Connections,
    M: Machine + Serialize + DeserializeOwned,
{
    let mut work = Work::for_fire(connections.begin(scope).await?, scope);
    let fired = work.fire_with(listeners, entity_id, event, meta).await?;
    work.commit().await?;
    Ok(fired)
}

/// Where a fire takes its connections: a backend, or what the blocking
/// store's task holds of one.
pub(crate) trait Connections: Send + Sync {
    /// The connection a fire works on.
    type Conn: Connection;

    /// A connection for `scope`.
    fn begin(&self, scope: Scope) -> impl Future<Output = Result<Self::Conn, StoreError>> + Send;

    /// The backend's memory of lost races, where a fire races at all
    /// ([`Backend::contention`]).
    fn contention(&self) -> Option<&Contention>;
}

impl<B: Backend> Connections for B {
    type Conn = B::Connection;

    fn begin(&self, scope: Scope) -> impl Future<Output = Result<Self::Conn, StoreError>> + Send {
        Backend::begin(self, scope)
    }

    fn contention(&self) -> Option<&Contention> {
        Backend::contention(self)
    }
}

impl<B: Backend> Connections for std::sync::Arc<B> {
    type Conn = B::Connection;

    fn begin(&self, scope: Scope) -> impl Future<Output = Result<Self::Conn, StoreError>> + Send {
        Backend::begin(&**self, scope)
    }

    fn contention(&self) -> Option<&Contention> {
        Backend::contention(&**self)
    }
}
