//! Rows written under an older definition of the machine at hand: read
//! as rows of the current one when the two are compatible (see
//! [`stateforge_core::compare`]), moved by the migration the current one
//! declares for their state (their data made by its function, when it
//! names one), refused naming both definitions otherwise.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use stateforge_core::{Compatibility, Definition, Fingerprint, compare};

use super::Work;
use crate::db::backend::{Connection, Write};
use crate::db::fingerprint_text::FingerprintText;
use crate::db::shared::{Keep, parse_fingerprint};
use crate::db::{DefinitionKind, EntityRow, StoreError, StoredRow, TransitionMeta};
use crate::dynamic::Bound;
use crate::stored::RestoreError;
use crate::time::Timestamp;

// The event of a migration's record is not an event of any machine
// (names are letters, digits and `_`): it cannot be mistaken for one.
use crate::history::MIGRATED_EVENT;

/// The actor of a migration's history record.
pub(crate) const MIGRATION_ACTOR: &str = "migration";

/// A row's definition compared with the current one, once per work: a
/// page of timers or a batch of a migration looks each up once.
pub(crate) struct Compared {
    found: Fingerprint,
    current: Fingerprint,
    compatibility: Compatibility,
    /// The row's definition's kind, the current one's when it is kept.
    kind: DefinitionKind,
    /// Whether this work kept the current definition already.
    kept: AtomicBool,
}

/// What admitting a row may write: nothing for a read; for a transition,
/// the current definition, so that a row written under it can be read by
/// any binary that looks its definition up.
#[derive(Clone, Copy)]
pub(crate) enum Admit {
    /// The row is only read.
    Read,
    /// The row is about to be written under the current definition, which
    /// is kept as the same kind as the row's (typed stays typed).
    Write,
    /// The row is brought to the current definition by itself: a
    /// `(migrated)` transition is written even when its state stays.
    Migrate,
}

impl Admit {
    fn writes(self) -> bool {
        !matches!(self, Admit::Read)
    }
}

/// Where the functions a declared migration names (`with`) come from.
#[derive(Clone, Copy)]
pub(crate) enum Reshape<'a> {
    /// None known: a row that needs one is refused.
    Nothing,
    /// A generated machine's, by the state migrated from
    /// ([`stateforge_core::Machine::migrate_data`]).
    Typed(fn(&str, serde_json::Value) -> Option<Result<serde_json::Value, serde_json::Error>>),
    /// A dynamic machine's, by name, as its registry bound them.
    Bound(&'a Bound<serde_json::Value>),
}

impl Reshape<'_> {
    /// The new data of a row in state `from` whose migration names
    /// `with`: `None` when the function is not known here.
    fn run(
        self,
        from: &str,
        with: &str,
        data: serde_json::Value,
    ) -> Option<Result<serde_json::Value, String>> {
        match self {
            Reshape::Nothing => None,
            Reshape::Typed(migrate) => migrate(from, data).map(|r| r.map_err(|e| e.to_string())),
            Reshape::Bound(bound) => bound.data_migration(with).map(|f| f(data)),
        }
    }
}

/// What admitting reads and changes of a row, in either form the
/// operations hold one: the row of one entity (data as text) or a listed
/// one (data as a value, as due timers claim them).
pub(crate) trait OlderRow {
    fn state(&self) -> &str;
    fn set_state(&mut self, state: String);
    fn version(&self) -> u64;
    fn set_version(&mut self, version: u64);
    fn fingerprint(&self) -> &str;
    fn set_fingerprint(&mut self, fingerprint: String);
    fn session(&self) -> Option<&str>;
    /// The context and state data as the row holds it, as JSON text.
    fn data_text(&self) -> std::borrow::Cow<'_, str>;
    fn set_data(&mut self, data: serde_json::Value);
}

/// The accessors both row forms share: the same fields by the same names.
macro_rules! older_row_fields {
    () => {
        fn state(&self) -> &str {
            &self.state
        }
        fn set_state(&mut self, state: String) {
            self.state = state;
        }
        fn version(&self) -> u64 {
            self.version
        }
        fn set_version(&mut self, version: u64) {
            self.version = version;
        }
        fn fingerprint(&self) -> &str {
            &self.fingerprint
        }
        fn set_fingerprint(&mut self, fingerprint: String) {
            self.fingerprint = fingerprint;
        }
        fn session(&self) -> Option<&str> {
            self.session.as_deref()
        }
    };
}

impl OlderRow for StoredRow {
    older_row_fields!();
    fn data_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.data)
    }
    fn set_data(&mut self, data: serde_json::Value) {
        self.data = data.to_string();
    }
}

impl OlderRow for EntityRow {
    older_row_fields!();
    fn data_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(self.data.to_string())
    }
    fn set_data(&mut self, data: serde_json::Value) {
        self.data = data;
    }
}

impl<C: Connection> Work<C> {
    /// Makes `row`, when written under another definition the store keeps
    /// and compatible with `def`, a row of `def`: its fingerprint becomes
    /// `def`'s, its state the one a declared migration sends it to, and
    /// every check after this one reads it as such, its data made by the
    /// migration's function (from `reshape`) when it names one. For a write, a
    /// migration is written first, as a transition of its own (event
    /// `(migrated)`, its history record naming both definitions), and the
    /// row's version is the one it leaves. A row of a definition the store
    /// does not keep is left as it is, for the fingerprint check to
    /// refuse.
    ///
    /// # Errors
    ///
    /// [`RestoreError::NeedsMigration`] naming both definitions and what
    /// keeps the row from carrying over (a function `reshape` lacks among
    /// them); [`RestoreError::MigrationFailed`] when the function refuses
    /// the row's data; a kept definition that does not read as one; the
    /// migration's write failing.
    pub(crate) async fn admit(
        &mut self,
        def: &Definition,
        entity_id: &str,
        row: &mut (impl OlderRow + Send + Sync),
        admit: Admit,
        reshape: Reshape<'_>,
    ) -> Result<(), StoreError> {
        // Every operation admits its row: one written under the current
        // definition, the usual case, is known by its text, unparsed.
        if row.fingerprint() == FingerprintText::new(def.fingerprint()).as_str() {
            return Ok(());
        }
        let found = parse_fingerprint(def.name(), row.fingerprint())?;
        if found == def.fingerprint() {
            return Ok(());
        }
        let text = row.fingerprint().to_owned();
        let Some(compared) = self.compared(def, found, &text).await? else {
            return Ok(());
        };
        let compatibility = &compared.compatibility;
        if !compatibility.is_compatible() {
            return Err(StoreError::Restore(RestoreError::NeedsMigration {
                machine: def.name().to_owned(),
                expected: def.fingerprint(),
                found,
                why: compatibility.to_string(),
            }));
        }
        tracing::debug!(machine = def.name(), entity_id, %found,
            current = %def.fingerprint(), "a row of a compatible older definition");
        if admit.writes() && self.racing {
            // Not a lost race: the carry-over and the transition must be
            // one transaction, which the fire's locked attempt is.
            return Err(StoreError::Conflict {
                machine: def.name().to_owned(),
                entity_id: entity_id.to_owned(),
                expected: row.version(),
                current: row.version(),
            });
        }
        if admit.writes() && !compared.kept.load(Ordering::Relaxed) {
            self.conn
                .keep_definition(def, compared.kind, Timestamp::now(), Keep::Once)
                .await?;
            compared.kept.store(true, Ordering::Relaxed);
        }
        let destination = compatibility
            .destination(row.state())
            .map(|(to, with)| (to.to_owned(), with.map(str::to_owned)));
        match destination {
            None if matches!(admit, Admit::Migrate) => {
                let state = row.state().to_owned();
                let version = self
                    .write_migration(def, entity_id, &*row, found, &state)
                    .await?;
                row.set_version(version);
            }
            None => {}
            Some((to, with)) => {
                if let Some(with) = &with {
                    let data = self.reshaped(def, found, &*row, with, reshape)?;
                    row.set_data(data);
                }
                if admit.writes() {
                    let version = self
                        .write_migration(def, entity_id, &*row, found, &to)
                        .await?;
                    row.set_version(version);
                }
                row.set_state(to);
            }
        }
        row.set_fingerprint(def.fingerprint().to_string());
        Ok(())
    }

    /// The new data of `row` by the migration function `with`, which
    /// `reshape` must know: the row is refused otherwise, or when the
    /// function refuses its data, and left as it is.
    fn reshaped(
        &self,
        def: &Definition,
        found: Fingerprint,
        row: &(impl OlderRow + Sync),
        with: &str,
        reshape: Reshape<'_>,
    ) -> Result<serde_json::Value, StoreError> {
        let data = crate::db::json_or_text(row.data_text().into_owned());
        match reshape.run(row.state(), with, data) {
            Some(Ok(data)) => Ok(data),
            Some(Err(reason)) => Err(StoreError::Restore(RestoreError::MigrationFailed {
                machine: def.name().to_owned(),
                state: row.state().to_owned(),
                with: with.to_owned(),
                reason,
            })),
            None => Err(StoreError::Restore(RestoreError::NeedsMigration {
                machine: def.name().to_owned(),
                expected: def.fingerprint(),
                found,
                why: format!(
                    "the data of state `{}` is made by `{with}`, which this program does not provide \
                     (a machine declaring it, or a registry's `data_migration`)",
                    row.state()
                ),
            })),
        }
    }

    /// Keeps `def` (as the kind of the definition `row_of` was written
    /// under) in a work of its own, before a batch migration locks any
    /// row: a unit holding row locks while it inserts the definition would
    /// make a transition of one of those rows, inserting it too, wait for
    /// the unit while holding the row the unit wants next.
    pub(crate) async fn keep_before_migrating(
        &mut self,
        def: &Definition,
        row_of: &str,
    ) -> Result<(), StoreError> {
        let row = super::row(&mut self.conn, def.name(), row_of, false).await?;
        let found = parse_fingerprint(def.name(), &row.fingerprint)?;
        if let Some(compared) = self.compared(def, found, &row.fingerprint).await? {
            self.conn
                .keep_definition(def, compared.kind, Timestamp::now(), Keep::Once)
                .await?;
        }
        Ok(())
    }

    /// The comparison of the definition `found` (the row's, as written in
    /// `text`) with `def`, made once per work: `None` when the store does
    /// not keep that definition.
    async fn compared(
        &mut self,
        def: &Definition,
        found: Fingerprint,
        text: &str,
    ) -> Result<Option<Arc<Compared>>, StoreError> {
        let current = def.fingerprint();
        if let Some(known) = self
            .compared
            .iter()
            .find(|c| c.found == found && c.current == current)
        {
            return Ok(Some(Arc::clone(known)));
        }
        let Some((json, kind)) = self.conn.definition_under(def.name(), text).await? else {
            return Ok(None);
        };
        let stored = Definition::from_json(&json).map_err(|e| StoreError::BadDefinition {
            machine: def.name().to_owned(),
            message: e.to_string().replace('\n', " "),
        })?;
        let compared = Arc::new(Compared {
            found,
            current,
            compatibility: compare(&stored, def),
            kind: DefinitionKind::parse(&kind),
            kept: AtomicBool::new(false),
        });
        self.compared.push(Arc::clone(&compared));
        Ok(Some(compared))
    }

    /// Moves the row to `to` under `def`, data unchanged, as a transition
    /// of its own: the new version. The entered state's timers are armed
    /// from now, as on entering it (a pending timer of the state left
    /// named a state that is gone).
    async fn write_migration(
        &mut self,
        def: &Definition,
        entity_id: &str,
        row: &(impl OlderRow + Sync),
        found: Fingerprint,
        to: &str,
    ) -> Result<u64, StoreError> {
        let now = Timestamp::now();
        let timers: Vec<(&str, i64)> = def
            .state_id(to)
            .map(|state| {
                def.timers_of(state)
                    .map(|t| (def.event_name(t.event), (now + t.after).as_micros()))
                    .collect()
            })
            .unwrap_or_default();
        let meta = TransitionMeta::new()
            .actor(MIGRATION_ACTOR)
            .cross_session()
            .metadata(serde_json::json!({
                "from_definition": found.to_string(),
                "to_definition": def.fingerprint().to_string(),
            }));
        let (data, fingerprint) = (row.data_text(), def.fingerprint().to_string());
        let sources = [row.state()];
        let write = Write {
            machine: def.name(),
            entity_id,
            expected_version: row.version(),
            sources: &sources,
            from: row.state(),
            session: row.session(),
            event: MIGRATED_EVENT,
            to,
            data: &data,
            fingerprint: &fingerprint,
            meta: &meta,
            now,
            timers: (!def.timers().is_empty()).then_some(timers.as_slice()),
            kept_timers: &[],
        };
        match self.conn.write(&write).await {
            Ok(Some(version)) => {
                tracing::info!(machine = def.name(), entity_id,
                    from = %row.state(), %to, from_definition = %found,
                    to_definition = %def.fingerprint(), "row migrated");
                Ok(version)
            }
            // The row was read locked in this work: nothing moved it since.
            Ok(None) => Err(StoreError::Conflict {
                machine: def.name().to_owned(),
                entity_id: entity_id.to_owned(),
                expected: row.version(),
                current: row.version(),
            }),
            Err(e) => Err(self.broke(e)),
        }
    }
}
