//! Reads: history, listings, kept definitions, the next due timer.

use stateforge_core::Definition;

use super::Work;
use crate::db::backend::Connection;
use crate::db::entity_id::check_entity_id;
use crate::db::entity_page_sql::into_page;
use crate::db::shared::Keep;
use crate::db::{DefinitionKind, EntityPage, EntityQuery, EntityRow, HistoryQuery, StoreError};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

impl<C: Connection> Work<C> {
    /// The history records `query` selects.
    pub(crate) async fn history(
        &mut self,
        query: &HistoryQuery,
    ) -> Result<Vec<HistoryRecord>, StoreError> {
        if let Some(entity_id) = &query.entity_id {
            check_entity_id(entity_id)?;
        }
        self.conn.history(query).await
    }

    /// The machine's entities (in `state` only, when given), each row that
    /// does not read as an entity as its error.
    pub(crate) async fn entities_checked(
        &mut self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        self.conn.entities(machine, state).await
    }

    /// The machine's entities that read; each one that does not is logged,
    /// naming its entity, and left out.
    pub(crate) async fn entities(
        &mut self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        let rows = self.conn.entities(machine, state).await?;
        Ok(crate::db::shared::good_rows(rows))
    }

    /// The page of entities `query` selects, and where the next starts.
    pub(crate) async fn entity_page(
        &mut self,
        query: &EntityQuery,
    ) -> Result<EntityPage, StoreError> {
        let rows = self.conn.entity_page(query).await?;
        Ok(into_page(query, rows))
    }

    /// Locks the entities until the unit ends; [`StoreError::NotFound`]
    /// for the first id with no entity.
    pub(crate) async fn lock_entities(
        &mut self,
        machine: &str,
        entity_ids: &[&str],
    ) -> Result<(), StoreError> {
        entity_ids.iter().try_for_each(|id| check_entity_id(id))?;
        match self.conn.lock_entities(machine, entity_ids).await? {
            None => Ok(()),
            Some(entity_id) => Err(StoreError::NotFound {
                machine: machine.to_owned(),
                entity_id,
            }),
        }
    }

    /// Keeps `def` as the machine's latest definition.
    pub(crate) async fn save_definition(&mut self, def: &Definition) -> Result<(), StoreError> {
        self.conn
            .keep_definition(
                def,
                DefinitionKind::Dynamic,
                Timestamp::now(),
                Keep::AsLatest,
            )
            .await
    }

    /// The machine's definition kept last, and its kind.
    pub(crate) async fn kept_definition(
        &mut self,
        machine: &str,
    ) -> Result<(Definition, DefinitionKind), StoreError> {
        let (json, kind) = self
            .conn
            .kept_definition(machine)
            .await?
            .ok_or_else(|| StoreError::NoDefinition(machine.to_owned()))?;
        let def = Definition::from_json(&json).map_err(|e| StoreError::BadDefinition {
            machine: machine.to_owned(),
            message: e.to_string().replace('\n', " "),
        })?;
        Ok((def, DefinitionKind::parse(&kind)))
    }

    /// The machines with a kept definition.
    pub(crate) async fn machines(&mut self) -> Result<Vec<String>, StoreError> {
        self.conn.machines().await
    }

    /// When the machine's first timer due after `after` is due.
    pub(crate) async fn next_due(
        &mut self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        let due = self.conn.next_due(machine, after).await?;
        Ok(due.map(Timestamp::from_micros))
    }
}
