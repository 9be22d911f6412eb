//! Kept definitions: keeping one, the one kept last, and the machines
//! that have one.

use stateforge_core::Definition;

use super::conn::{PgConnection, query};
use super::rows::column;
use crate::db::shared::Keep;
use crate::db::{DefinitionKind, StoreError};
use crate::time::Timestamp;

impl PgConnection<'_> {
    /// See [`Connection::keep_definition`](crate::db::backend::Connection::keep_definition).
    pub(super) async fn keep(
        &mut self,
        def: &Definition,
        kind: DefinitionKind,
        now: Timestamp,
        keep: Keep,
    ) -> Result<(), StoreError> {
        let sql = match keep {
            Keep::Once => &self.shared.sql.keep_once,
            Keep::AsLatest => &self.shared.sql.keep_as_latest,
        };
        let q = query(sql)
            .bind(def.name())
            .bind(def.fingerprint().to_string())
            .bind(def.to_json())
            .bind(kind.as_str())
            .bind(now.as_micros());
        self.write_count(q).await?;
        Ok(())
    }

    /// See [`Connection::kept_definition`](crate::db::backend::Connection::kept_definition).
    pub(super) async fn kept(
        &mut self,
        machine: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let q = query(&self.shared.sql.kept_definition).bind(machine);
        let Some(row) = self.read_optional(q).await? else {
            return Ok(None);
        };
        let read = || Ok::<_, String>((column(&row, 0)?, column(&row, 1)?));
        read().map(Some).map_err(|wrong| StoreError::BadDefinition {
            machine: machine.to_owned(),
            message: wrong,
        })
    }

    /// See [`Connection::definition_under`](crate::db::backend::Connection::definition_under).
    pub(super) async fn kept_under(
        &mut self,
        machine: &str,
        fingerprint: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let q = query(&self.shared.sql.definition_under)
            .bind(machine)
            .bind(fingerprint);
        let Some(row) = self.read_optional(q).await? else {
            return Ok(None);
        };
        let read = || Ok::<_, String>((column(&row, 0)?, column(&row, 1)?));
        read().map(Some).map_err(|wrong| StoreError::BadDefinition {
            machine: machine.to_owned(),
            message: wrong,
        })
    }

    /// See [`Connection::machines`](crate::db::backend::Connection::machines).
    pub(super) async fn machine_names(&mut self) -> Result<Vec<String>, StoreError> {
        let rows = self.read_all(query(&self.shared.sql.machines)).await?;
        rows.iter()
            .map(|r| column::<String>(r, 0))
            .collect::<Result<_, _>>()
            .map_err(StoreError::Database)
    }
}
