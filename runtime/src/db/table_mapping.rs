//! Machines kept in the application's own table: which columns hold the
//! key, the state, the version and the context, and the conversion
//! between those columns and the `{"context": ..., "data": ...}` text the
//! store's operations read and write. Each backend writes its own SQL
//! from a [`MappedTable`] (`sqlite/mapped.rs`, `postgres/mapped.rs`).

use std::fmt::Write as _;

use stateforge_core::Definition;

use crate::db::StoreError;
use crate::db::fingerprint_text::FingerprintText;
use crate::db::shared::bad_row;

/// Where a machine mapped onto the application's table keeps its
/// context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MappedContext {
    /// The machine has no context (`()`): nothing to keep.
    None,
    /// One JSON column holds the whole context.
    Json(String),
    /// The context is a JSON object whose fields are these columns.
    Columns(Vec<String>),
}

/// How a machine's entities map onto a table the application owns
/// (created by its own migration, with its own columns, constraints and
/// queries): the store reads and writes that table's rows, with the same
/// version check as its own, and appends history to its own history
/// table, in the same transaction.
///
/// - `key`: the entity id (a text or integer column, unique; `id` unless
///   said otherwise);
/// - `state`: the state's stored name (`in_progress`), as text (`state`
///   unless said otherwise);
/// - `version`: an integer column, one more per transition (`version`
///   unless said otherwise); a `NULL` reads as 1, so rows the
///   application inserts need no version. A table without one says
///   [`without_version`](Self::without_version): the version is then that
///   of the entity's latest history record, as guarding;
/// - the context: [`context_columns`](Self::context_columns) (its fields
///   are columns: the application's own `title`, `priority`, read and
///   written through the context's serde form) or
///   [`context_json`](Self::context_json) (one JSON column); neither for
///   a machine without context;
/// - [`state_data`](Self::state_data): a JSON column for the fields of
///   states (`agent` in `InProgress { agent }`). Without it, a write of a
///   state that carries data is refused, nothing written.
///
/// The table has no column for the definition's fingerprint or a
/// session: its rows are read as rows of the definition the mapping was
/// registered with, and belong to no session. A listed row's
/// `created_at` and `updated_at` are those of its first and last history
/// records (0 without any). Only typed machines are mapped.
///
/// ```
/// use stateforge_runtime::db::TableMapping;
/// let mapping = TableMapping::new("tasks")
///     .key("id")
///     .state("status")
///     .version("version")
///     .context_columns(&["title", "priority"]);
/// assert_eq!(mapping.table(), "tasks");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableMapping {
    pub(crate) table: String,
    pub(crate) key: String,
    pub(crate) state: String,
    /// `None`: the version is the latest history record's.
    pub(crate) version: Option<String>,
    pub(crate) context: MappedContext,
    pub(crate) state_data: Option<String>,
}

impl TableMapping {
    /// A mapping onto `table`, its columns `id`, `state` and `version`
    /// until said otherwise, the machine without context or state data.
    ///
    /// ```
    /// let mapping = stateforge_runtime::db::TableMapping::new("doors");
    /// assert_eq!(mapping.table(), "doors");
    /// ```
    pub fn new(table: &str) -> TableMapping {
        TableMapping {
            table: table.to_owned(),
            key: "id".to_owned(),
            state: "state".to_owned(),
            version: Some("version".to_owned()),
            context: MappedContext::None,
            state_data: None,
        }
    }

    /// The table's name.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::TableMapping::new("tasks").table(), "tasks");
    /// ```
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The column holding the entity id.
    ///
    /// ```
    /// let mapping = stateforge_runtime::db::TableMapping::new("tasks").key("task_id");
    /// ```
    #[must_use]
    pub fn key(mut self, column: &str) -> TableMapping {
        column.clone_into(&mut self.key);
        self
    }

    /// The column holding the state's stored name.
    ///
    /// ```
    /// let mapping = stateforge_runtime::db::TableMapping::new("tasks").state("status");
    /// ```
    #[must_use]
    pub fn state(mut self, column: &str) -> TableMapping {
        column.clone_into(&mut self.state);
        self
    }

    /// The integer column holding the version.
    ///
    /// ```
    /// let mapping = stateforge_runtime::db::TableMapping::new("tasks").version("revision");
    /// ```
    #[must_use]
    pub fn version(mut self, column: &str) -> TableMapping {
        self.version = Some(column.to_owned());
        self
    }

    /// The table has no version column: an entity's version is that of
    /// its latest record in the store's history table (1 without any, as
    /// for a row the application inserted). A write still guards against
    /// a lost update: it checks that version and that the row is still in
    /// the state it was read in, and two writers from one version collide
    /// on the history's unique version, one of them getting
    /// [`StoreError::Conflict`](crate::db::StoreError::Conflict). What it
    /// cannot see is the application changing the row's context columns
    /// itself, without the store, while the state stays the same.
    ///
    /// ```
    /// let mapping = stateforge_runtime::db::TableMapping::new("tasks").without_version();
    /// ```
    #[must_use]
    pub fn without_version(mut self) -> TableMapping {
        self.version = None;
        self
    }

    /// The context as one JSON column (on PostgreSQL `json`, `jsonb` or
    /// text).
    ///
    /// ```
    /// let mapping = stateforge_runtime::db::TableMapping::new("tasks").context_json("details");
    /// ```
    #[must_use]
    pub fn context_json(mut self, column: &str) -> TableMapping {
        self.context = MappedContext::Json(column.to_owned());
        self
    }

    /// The context as the application's own columns: its serde form is a
    /// JSON object whose fields are `columns`. PostgreSQL converts each
    /// field to its column's type (`jsonb_populate_record`); SQLite keeps
    /// what JSON gives (text, integers, reals; `true` as 1), so a field
    /// kept on SQLite is best a string or a number. A context with a
    /// field that has no column is refused when written, nothing lost.
    ///
    /// ```
    /// let mapping = stateforge_runtime::db::TableMapping::new("tasks")
    ///     .context_columns(&["title", "priority"]);
    /// ```
    #[must_use]
    pub fn context_columns(mut self, columns: &[&str]) -> TableMapping {
        self.context = MappedContext::Columns(columns.iter().map(|c| (*c).to_owned()).collect());
        self
    }

    /// A JSON column for the data of states that carry fields.
    ///
    /// ```
    /// let mapping = stateforge_runtime::db::TableMapping::new("tasks").state_data("state_data");
    /// ```
    #[must_use]
    pub fn state_data(mut self, column: &str) -> TableMapping {
        self.state_data = Some(column.to_owned());
        self
    }
}

/// A mapping checked against its machine's definition, and whose names
/// are identifiers (checked when made, quoted when written in SQL).
#[derive(Debug)]
pub(crate) struct MappedTable {
    pub(crate) machine: String,
    pub(crate) mapping: TableMapping,
    /// The fingerprint every row of the table is read under.
    pub(crate) fingerprint: String,
    /// The definition's state names, which the state column must hold.
    pub(crate) states: Vec<String>,
}

/// The context and state data of a write, each as the text its column (or
/// columns) takes: `None` where the mapping keeps nothing; the state data
/// `Some(None)` (SQL `NULL`) for a state without data.
pub(crate) struct SplitData {
    pub(crate) context: Option<String>,
    pub(crate) state_data: Option<Option<String>>,
}

fn mapping_error(machine: &str, table: &str, why: impl Into<String>) -> StoreError {
    StoreError::TableMapping {
        machine: machine.to_owned(),
        table: table.to_owned(),
        why: why.into(),
    }
}

/// Whether `name` is an identifier every backend takes unquoted-alike:
/// `[A-Za-z_][A-Za-z0-9_]*`, at most 63 bytes (PostgreSQL's limit).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 63
}

/// An entity id as a key of an integer column: its canonical decimal form
/// only (`7`, not `07`), so that one row has one id; any other id names no
/// row.
pub(crate) fn integer_key(entity_id: &str) -> Option<i64> {
    entity_id
        .parse::<i64>()
        .ok()
        .filter(|n| n.to_string() == entity_id)
}

/// `name`, quoted: checked by [`is_identifier`], it holds no quote.
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

impl MappedTable {
    /// Why a page of entities by key is not read from the application's
    /// table: its key column may be of any type and order, which the
    /// page's cursor (a key as text) does not follow.
    pub(crate) fn refuses_pages(&self) -> StoreError {
        mapping_error(
            &self.machine,
            self.mapping.table(),
            "a page of entities by key (`entity_page`) is not read from an application's \
             table: list them with `entities`, or page the table with its own SQL",
        )
    }

    /// Checks `mapping`'s names for `def`'s machine: each an identifier,
    /// no column used twice.
    pub(crate) fn new(def: &Definition, mapping: TableMapping) -> Result<MappedTable, StoreError> {
        let (machine, table) = (def.name(), mapping.table.as_str());
        let mut names = vec![table];
        names.extend(mapping.columns());
        if let Some(bad) = names.iter().find(|n| !is_identifier(n)) {
            return Err(mapping_error(
                machine,
                table,
                format!(
                    "`{bad}` is not a name the store takes (letters, digits and `_`, not first a digit, at most 63 bytes)"
                ),
            ));
        }
        let columns = mapping.columns();
        for (i, column) in columns.iter().enumerate() {
            if columns[..i].contains(column) {
                return Err(mapping_error(
                    machine,
                    table,
                    format!("column `{column}` is mapped twice"),
                ));
            }
        }
        if matches!(&mapping.context, MappedContext::Columns(c) if c.is_empty()) {
            return Err(mapping_error(
                machine,
                table,
                "the context is mapped to no column",
            ));
        }
        Ok(MappedTable {
            machine: machine.to_owned(),
            fingerprint: FingerprintText::new(def.fingerprint()).as_str().to_owned(),
            states: def.states().map(|s| def.state_name(s).to_owned()).collect(),
            mapping,
        })
    }

    pub(crate) fn table(&self) -> &str {
        &self.mapping.table
    }

    /// The version of the row whose key, as text, is `key_text`, for a
    /// table without a version column: its latest history record's, 1
    /// without any.
    pub(crate) fn history_version(&self, history: &str, key_text: &str) -> String {
        format!(
            "(SELECT COALESCE(MAX(h.version), 1) FROM {history} AS h WHERE h.machine = '{}' AND h.entity_id = {key_text})",
            self.machine.replace('\'', "''")
        )
    }

    /// An error naming the machine and the table.
    pub(crate) fn error(&self, why: impl Into<String>) -> StoreError {
        mapping_error(&self.machine, &self.mapping.table, why)
    }

    /// Refuses a table that lacks a mapped column, given the table's
    /// columns (none: the table is missing).
    pub(crate) fn check_columns(&self, present: &[String]) -> Result<(), StoreError> {
        if present.is_empty() {
            return Err(self.error("the table does not exist"));
        }
        for column in self.mapping.columns() {
            if !present.iter().any(|p| p == column) {
                return Err(self.error(format!("the table has no column `{column}`")));
            }
        }
        Ok(())
    }

    /// Refuses a key column that is not unique on its own: the store
    /// could not tell one entity from another, nor find an existing one
    /// when it creates.
    pub(crate) fn check_unique_key(&self, unique: bool) -> Result<(), StoreError> {
        if unique {
            return Ok(());
        }
        Err(self.error(format!(
            "key column `{}` is not unique on its own (a primary key or a unique index of it alone)",
            self.mapping.key
        )))
    }

    /// The state column's value, checked against the definition: a row
    /// the application wrote with another name is a bad row naming it.
    pub(crate) fn check_state(&self, entity_id: &str, state: &str) -> Result<(), StoreError> {
        if self.states.iter().any(|s| s == state) {
            return Ok(());
        }
        Err(bad_row(
            &self.machine,
            entity_id,
            format!(
                "column `{}` of table `{}` holds `{state}`, which is not a state of machine `{}` (its states: {})",
                self.mapping.state,
                self.mapping.table,
                self.machine,
                self.states.join(", ")
            ),
        ))
    }

    /// A write's data (`{"context": ..., "data": ...}`) as the texts its
    /// columns take; what the table cannot hold is refused, so that
    /// nothing is lost.
    pub(crate) fn split(&self, state: &str, data: &str) -> Result<SplitData, StoreError> {
        let mut value: serde_json::Value = serde_json::from_str(data)?;
        // A typed machine's data is `{"context", "data"}`; a dynamic
        // machine's is its context alone, which these columns would
        // misread.
        let typed = value
            .as_object()
            .is_some_and(|o| o.keys().all(|k| k == "context" || k == "data"));
        if !typed {
            return Err(self.error(
                "only typed machines (declared with `state_machine!`) are kept in the application's table",
            ));
        }
        let mut take = |field: &str| {
            value
                .as_object_mut()
                .and_then(|o| o.remove(field))
                .unwrap_or(serde_json::Value::Null)
        };
        let (context, state_data) = (take("context"), take("data"));
        let context = match &self.mapping.context {
            MappedContext::None if context.is_null() => None,
            MappedContext::None => {
                return Err(self.error(
                    "the machine has a context and the mapping no column for it; map `context_json` or `context_columns`",
                ));
            }
            MappedContext::Json(_) => Some(context.to_string()),
            MappedContext::Columns(columns) => {
                let Some(fields) = context.as_object() else {
                    return Err(self.error(format!(
                        "the context is mapped to columns, but its JSON form is not an object: {}",
                        shortened(&context.to_string())
                    )));
                };
                if let Some(field) = fields.keys().find(|f| !columns.contains(f)) {
                    return Err(self.error(format!(
                        "the context's field `{field}` has no column; add it to `context_columns`"
                    )));
                }
                Some(context.to_string())
            }
        };
        let state_data = match &self.mapping.state_data {
            Some(_) if state_data.is_null() => Some(None),
            Some(_) => Some(Some(state_data.to_string())),
            None if state_data.is_null() => None,
            None => {
                return Err(self.error(format!(
                    "state `{state}` carries data and the mapping has no column for it; map one with `state_data`"
                )));
            }
        };
        Ok(SplitData {
            context,
            state_data,
        })
    }

    /// The data text the operations read, from the context's and the
    /// state data's columns (JSON text, `None` for NULL); a column that
    /// does not hold JSON is what is wrong with the row.
    pub(crate) fn join(
        &self,
        context: Option<&str>,
        state_data: Option<&str>,
    ) -> Result<String, String> {
        let json = |text: Option<&str>, column: Option<&String>| -> Result<String, String> {
            let Some(text) = text else {
                return Ok("null".to_owned());
            };
            match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Ok(_) => Ok(text.to_owned()),
                Err(_) => Err(format!(
                    "column `{}` holds text that is not JSON",
                    column.map_or("?", String::as_str)
                )),
            }
        };
        let context_column = match &self.mapping.context {
            MappedContext::Json(column) => Some(column),
            _ => None,
        };
        let mut text = String::from("{\"context\":");
        text.push_str(&json(context, context_column)?);
        let _ = write!(
            text,
            ",\"data\":{}}}",
            json(state_data, self.mapping.state_data.as_ref())?
        );
        Ok(text)
    }
}

impl TableMapping {
    /// Every column the mapping names.
    fn columns(&self) -> Vec<&str> {
        let mut columns = vec![self.key.as_str(), self.state.as_str()];
        columns.extend(self.version.as_deref());
        match &self.context {
            MappedContext::None => {}
            MappedContext::Json(column) => columns.push(column),
            MappedContext::Columns(list) => columns.extend(list.iter().map(String::as_str)),
        }
        columns.extend(self.state_data.as_deref());
        columns
    }
}

fn shortened(text: &str) -> String {
    const AT_MOST: usize = 80;
    match text.char_indices().nth(AT_MOST) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// The machines a backend keeps in the application's own tables, by
/// machine name, each with what its backend made of the mapping (its
/// statements): one lookup before each primitive that touches an entity
/// row, answered without hashing while nothing is mapped.
pub(crate) struct MappedTables<T>(
    std::sync::RwLock<std::collections::HashMap<String, std::sync::Arc<T>>>,
);

impl<T> Default for MappedTables<T> {
    fn default() -> Self {
        MappedTables(std::sync::RwLock::default())
    }
}

impl<T> MappedTables<T> {
    /// The mapping of `machine`, when it is kept in the application's
    /// table.
    pub(crate) fn get(&self, machine: &str) -> Option<std::sync::Arc<T>> {
        let mapped = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if mapped.is_empty() {
            return None;
        }
        mapped.get(machine).cloned()
    }

    /// Keeps `machine` in its table from now on, in place of a mapping
    /// registered before.
    pub(crate) fn insert(&self, machine: String, mapped: T) {
        self.0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(machine, std::sync::Arc::new(mapped));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapped(mapping: TableMapping) -> Result<MappedTable, StoreError> {
        MappedTable::new(&Definition::example(), mapping)
    }

    #[test]
    fn names_that_are_not_identifiers_are_refused_naming_them() {
        let err = mapped(TableMapping::new("tasks; drop table x")).unwrap_err();
        assert!(
            err.to_string()
                .contains("`tasks; drop table x` is not a name"),
            "{err}"
        );
        let err = mapped(TableMapping::new("tasks").state("st\"ate")).unwrap_err();
        assert!(err.to_string().contains("`st\"ate`"), "{err}");
        let err = mapped(TableMapping::new("tasks").key("state")).unwrap_err();
        assert!(
            err.to_string().contains("column `state` is mapped twice"),
            "{err}"
        );
    }

    #[test]
    fn a_context_field_without_a_column_is_refused_and_columns_join_back() {
        let m = mapped(TableMapping::new("tasks").context_columns(&["title"])).unwrap();
        let err = m
            .split(
                "pending",
                r#"{"context":{"title":"a","extra":1},"data":null}"#,
            )
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("field `extra` has no column"),
            "{err}"
        );
        let split = m
            .split("pending", r#"{"context":{"title":"a"},"data":null}"#)
            .unwrap();
        assert_eq!(split.context.as_deref(), Some(r#"{"title":"a"}"#));
        assert!(split.state_data.is_none());
        let err = m
            .split(
                "pending",
                r#"{"context":{"title":"a"},"data":{"agent":"x"}}"#,
            )
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("state `pending` carries data"),
            "{err}"
        );
        assert_eq!(
            m.join(Some(r#"{"title":"a"}"#), None).unwrap(),
            r#"{"context":{"title":"a"},"data":null}"#
        );
    }

    #[test]
    fn a_json_column_that_is_not_json_is_what_is_wrong_with_the_row() {
        let m = mapped(TableMapping::new("tasks").context_json("details")).unwrap();
        let wrong = m.join(Some("1,\"data\":{}"), None).unwrap_err();
        assert_eq!(wrong, "column `details` holds text that is not JSON");
        let state = m.check_state("t-1", "archived").unwrap_err();
        assert!(
            state
                .to_string()
                .contains("holds `archived`, which is not a state"),
            "{state}"
        );
        let dynamic = m.split("pending", r#"{"locked":true}"#).err().unwrap();
        assert!(
            dynamic.to_string().contains("only typed machines"),
            "{dynamic}"
        );
    }
}
