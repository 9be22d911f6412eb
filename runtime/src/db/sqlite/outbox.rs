//! The outbox on SQLite: written, claimed (the unit holds the database's
//! write lock, so nothing else claims meanwhile), deleted.

use rusqlite::{Connection, params};

use crate::db::StoreError;
use crate::db::outbox::OutboxMessage;
use crate::db::outbox::message::{ClaimedMessage, message_key};
use crate::db::schema::Tables;
use crate::time::Timestamp;

pub(super) fn insert_messages_in(
    conn: &Connection,
    t: &Tables,
    machine: &str,
    entity_id: &str,
    messages: &[(String, String)],
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut insert = conn.prepare_cached(&format!(
        "INSERT INTO {} (machine, entity_id, topic, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        t.outbox
    ))?;
    for (topic, payload) in messages {
        insert.execute(params![machine, entity_id, topic, payload, now.as_micros()])?;
    }
    Ok(())
}

pub(super) fn claim_messages_in(
    conn: &Connection,
    t: &Tables,
    at_most: usize,
) -> Result<Vec<ClaimedMessage>, StoreError> {
    let mut claim = conn.prepare_cached(&format!(
        "SELECT o.id, o.machine, o.entity_id, o.topic, o.payload, o.created_at FROM {0} o
         WHERE o.id IN (SELECT min(id) FROM {0} GROUP BY machine, entity_id)
         ORDER BY o.id LIMIT ?1",
        t.outbox
    ))?;
    let rows = claim.query_map(params![i64::try_from(at_most).unwrap_or(i64::MAX)], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, machine, entity_id, topic, payload, created_at) = row?;
        out.push(ClaimedMessage {
            id,
            message: OutboxMessage {
                key: message_key(&t.outbox, id),
                machine,
                entity_id,
                topic,
                payload: serde_json::from_str(&payload)?,
                created_at: Timestamp::from_micros(created_at),
            },
        });
    }
    Ok(out)
}

pub(super) fn delete_messages_in(
    conn: &Connection,
    t: &Tables,
    ids: &[i64],
) -> Result<u64, StoreError> {
    let mut delete = conn.prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", t.outbox))?;
    let mut deleted = 0;
    for id in ids {
        deleted += delete.execute(params![id])? as u64;
    }
    Ok(deleted)
}
