//! Commands on a store: list entities, read history, fire an event.

use std::borrow::Cow;
use std::path::Path;

use serde_json::json;
use stateforge_runtime::db::{
    DefinitionKind, EntityRow, HistoryQuery, PgStore, SqliteOptions, SqliteStore, StoreError,
    Synchronous, TablePrefix, TransitionMeta, blocking::Store, postgres_url, redact_url,
};
use stateforge_runtime::{HistoryRecord, Registry};

use crate::Failure;
use crate::stdout::outln;
use crate::terminal_text::{self, shown};

/// A store named on the command line, with the table prefix the
/// application uses: a PostgreSQL connection string, as the driver reads
/// it (a URL, its scheme in any case, or `key=value` pairs), or an SQLite
/// file that must exist (the tool never creates a database by mistake).
/// The commands that only read open an SQLite file read-only: they create
/// no table and change no journal mode in another application's file,
/// and work on a file they may not write.
pub(crate) fn open(db: &str, prefix: &str, access: Access) -> Result<Store, Failure> {
    let prefix = TablePrefix::new(prefix).map_err(|e| Failure::usage(e.to_string()))?;
    match target(db)? {
        Target::Postgres(conn) => PgStore::connect_with(&conn, &prefix).map(Store::from),
        Target::Sqlite => {
            let options = SqliteOptions::new()
                .prefix(prefix)
                .synchronous(Synchronous::Full)
                .read_only(access == Access::Read);
            SqliteStore::open_with_options(db, &options).map(Store::from)
        }
    }
    .map_err(|e| store_failure(db, &e))
}

/// What a command does with the store.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Looks only.
    Read,
    /// Fires events.
    Write,
}

/// A key/value connection string, as the driver read it, as the URL the
/// store reads: each part percent-encoded.
fn key_value_url(config: &tokio_postgres::Config) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let mut url = String::from("postgres://");
    if let Some(user) = config.get_user() {
        url.push_str(&encode(user));
        if let Some(password) = config.get_password() {
            url.push(':');
            url.push_str(&encode(&String::from_utf8_lossy(password)));
        }
        url.push('@');
    }
    let mut query = Vec::new();
    match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => url.push_str(&encode(host)),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(dir)) => {
            query.push(format!("host={}", encode(&dir.to_string_lossy())));
        }
        None => {}
    }
    if let Some(port) = config.get_ports().first() {
        url.push_str(&format!(":{port}"));
    }
    url.push('/');
    if let Some(dbname) = config.get_dbname() {
        url.push_str(&encode(dbname));
    }
    if let Some(name) = config.get_application_name() {
        query.push(format!("application_name={}", encode(name)));
    }
    if let Some(options) = config.get_options() {
        query.push(format!("options={}", encode(options)));
    }
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    url
}

/// What `--db` names.
enum Target<'a> {
    /// A connection string for the driver.
    Postgres(Cow<'a, str>),
    /// An existing file.
    Sqlite,
}

fn target(db: &str) -> Result<Target<'_>, Failure> {
    if db.is_empty() {
        return Err(Failure::usage("--db is empty"));
    }
    if let Some(url) = postgres_url(db) {
        return Ok(Target::Postgres(url));
    }
    if Path::new(db).is_file() {
        return Ok(Target::Sqlite);
    }
    // The driver reads anything without `=` as no parameters at all.
    if db.contains('=')
        && let Ok(config) = db.parse::<tokio_postgres::Config>()
    {
        return Ok(Target::Postgres(Cow::Owned(key_value_url(&config))));
    }
    if db.contains('=') || db.contains("://") {
        // A connection string the driver cannot read: where its password
        // ends is unknown, so none of it is shown.
        return Err(Failure::usage(
            "--db is neither an existing file nor a PostgreSQL connection string (not shown: it may hold a password)",
        ));
    }
    Err(Failure::usage(format!("no database at {}", shown(db))))
}

/// The database as messages name it: its password hidden.
/// Refuses a machine name no definition can have (a store keeps only
/// valid names) before anything repeats it at length.
fn known_name(db: &str, machine: &str) -> Result<(), Failure> {
    if stateforge_core::is_valid_name(machine) {
        Ok(())
    } else {
        Err(Failure::refused(format!(
            "{}: no machine `{}`",
            label(db),
            shown(machine)
        )))
    }
}

fn label(db: &str) -> String {
    shown(&redact_url(db))
}

fn store_failure(db: &str, e: &StoreError) -> Failure {
    let message = format!("{}: {e}", label(db));
    match e {
        StoreError::Database(_)
        | StoreError::Sql { .. }
        | StoreError::NoSchema(_)
        | StoreError::Transient { .. }
        | StoreError::SchemaTooNew { .. }
        | StoreError::SchemaTooOld { .. } => Failure::usage(message),
        _ => Failure::refused(message),
    }
}

/// `stateforge entities`: the rows that read, on stdout; each that does
/// not, one line on stderr naming its entity (escaped, as the store's
/// error shows it), and then exit 1, so a script sees the list is not
/// whole.
pub(crate) fn entities(
    db: &Db<'_>,
    machine: &str,
    state: Option<&str>,
    as_json: bool,
) -> Result<(), Failure> {
    known_name(db.url, machine)?;
    let store = open(db.url, db.prefix, Access::Read)?;
    let db = db.url;
    let checked = store
        .entities_checked(machine, state)
        .map_err(|e| store_failure(db, &e))?;
    if checked.is_empty() && store.definition(machine).is_err() {
        return Err(Failure::refused(format!(
            "{}: no machine `{}`",
            label(db),
            shown(machine)
        )));
    }
    let (rows, bad): (Vec<_>, Vec<_>) = checked.into_iter().partition(Result::is_ok);
    let rows: Vec<EntityRow> = rows.into_iter().filter_map(Result::ok).collect();
    print_entities(&rows, as_json);
    for error in bad.iter().filter_map(|row| row.as_ref().err()) {
        eprintln!(
            "stateforge: {}",
            terminal_text::line(&format!("{}: {error}", label(db)))
        );
    }
    match bad.len() {
        0 => Ok(()),
        n => Err(Failure::refused(format!(
            "{}: {n} row{} of machine `{}` did not read; the others are listed",
            label(db),
            if n == 1 { "" } else { "s" },
            shown(machine),
        ))),
    }
}

fn print_entities(rows: &[EntityRow], as_json: bool) {
    if as_json {
        let list: Vec<_> = rows.iter().map(entity_json).collect();
        outln!(
            "{}",
            terminal_text::json(&serde_json::Value::Array(list).to_string())
        );
        return;
    }
    outln!(
        "{:<24} {:<16} {:>7}  {:<12} UPDATED",
        "ENTITY",
        "STATE",
        "VERSION",
        "SESSION"
    );
    for r in rows {
        outln!(
            "{:<24} {:<16} {:>7}  {:<12} {}",
            shown(&r.entity_id),
            shown(&r.state),
            r.version,
            shown(r.session.as_deref().unwrap_or("-")),
            r.updated_at
        );
    }
}

fn entity_json(r: &EntityRow) -> serde_json::Value {
    json!({
        "machine": r.machine, "entity_id": r.entity_id, "state": r.state, "version": r.version,
        "session": r.session, "data": r.data, "updated_at": r.updated_at.to_string(),
    })
}

/// `stateforge history`.
pub(crate) fn history(
    db: &Db<'_>,
    machine: &str,
    entity: &str,
    session: Option<&str>,
    as_json: bool,
) -> Result<(), Failure> {
    known_name(db.url, machine)?;
    let store = open(db.url, db.prefix, Access::Read)?;
    let db = db.url;
    let mut query = HistoryQuery::entity(machine, entity).limit(u64::MAX >> 1);
    query.session = session.map(str::to_owned);
    let records = store.history(&query).map_err(|e| store_failure(db, &e))?;
    if records.is_empty() {
        return Err(Failure::refused(format!(
            "{}: no history for {} `{}`",
            label(db),
            shown(machine),
            shown(entity)
        )));
    }
    if as_json {
        let list: Vec<_> = records.iter().map(record_json).collect();
        let text = serde_json::Value::Array(list).to_string();
        outln!("{}", terminal_text::json(&text));
        return Ok(());
    }
    outln!(
        "{:>3}  {:<27} {:>16} -> {:<16} {:<12} {:<10} REASON",
        "V",
        "AT",
        "FROM",
        "TO",
        "EVENT",
        "ACTOR"
    );
    for r in &records {
        print_record(r);
    }
    Ok(())
}

/// A history record as `--json` writes it: its time in RFC 3339, as
/// `entities --json` writes times.
fn record_json(r: &HistoryRecord) -> serde_json::Value {
    let mut record = serde_json::to_value(r).unwrap_or_default();
    record["at"] = r.at.to_string().into();
    record
}

fn print_record(r: &HistoryRecord) {
    outln!(
        "{:>3}  {:<27} {:>16} -> {:<16} {:<12} {:<10} {}",
        r.version,
        r.at.to_string(),
        shown(r.from.as_deref().unwrap_or("(created)")),
        shown(&r.to),
        shown(r.event.as_deref().unwrap_or("")),
        shown(r.actor.as_deref().unwrap_or("-")),
        shown(r.reason.as_deref().unwrap_or("")),
    );
}

/// What `stateforge fire` is told to do.
pub(crate) struct FireRequest<'a> {
    pub(crate) db: Db<'a>,
    pub(crate) machine: &'a str,
    pub(crate) entity: &'a str,
    pub(crate) event: &'a str,
    pub(crate) args: Option<&'a str>,
    pub(crate) meta: TransitionMeta,
    /// Print the transition as JSON.
    pub(crate) as_json: bool,
}

/// `stateforge fire`: the same checks as the library; machines declared in
/// Rust, and arms with guards or actions (their own, or the entry and
/// exit actions of the states they enter and leave), belong to their
/// application.
pub(crate) fn fire(req: &FireRequest<'_>) -> Result<(), Failure> {
    known_name(req.db.url, req.machine)?;
    let store = open(req.db.url, req.db.prefix, Access::Write)?;
    let (def, kind) = store
        .kept_definition(req.machine)
        .map_err(|e| store_failure(req.db.url, &e))?;
    if kind == DefinitionKind::Typed {
        return Err(Failure::refused(format!(
            "machine `{}` is declared in Rust: its transitions build typed data that only its application can build; fire `{}` from the application",
            shown(req.machine),
            shown(req.event)
        )));
    }
    let args: serde_json::Value = match req.args {
        Some(text) => serde_json::from_str(text).map_err(|e| {
            Failure::usage(format!(
                "--args is not JSON: {}",
                terminal_text::json_error(&e)
            ))
        })?,
        None => serde_json::Value::Null,
    };
    // Guards and actions are the application's code: stand-ins that
    // never run stand for them, and an arm that needs one is refused
    // below, before anything is written.
    let mut registry = Registry::new();
    for t in def.transitions() {
        if let Some(g) = t.guard.as_deref() {
            registry = registry.guard(g, |_, _| false);
        }
        // The arm's action and the states' entry and exit actions alike.
        for step in t.actions() {
            registry = registry.action(step.name, |_, _| {
                Err("not runnable from the command line".to_owned())
            });
        }
    }
    let bound = registry
        .bind(def)
        .map_err(|e| Failure::refused(e.to_string()))?;
    // One row, read with the library's checks (state name, fingerprint).
    let current = store
        .load_dyn(&bound, req.entity)
        .map_err(|e| store_failure(req.db.url, &e))?;
    let from = current.machine.state_name().to_owned();
    let def = bound.definition();
    if let (Some(state), Some(event)) = (def.state_id(&from), def.event_id(req.event))
        && let Some(code) = def
            .alternatives(state, event)
            .iter()
            .find_map(|t| t.guard.as_deref().or(t.actions().next().map(|a| a.name)))
    {
        return Err(Failure::refused(format!(
            "event `{}` from `{}` runs `{}`, which only the application can run; fire it from the application",
            shown(req.event),
            shown(&from),
            shown(code)
        )));
    }
    let moved = store
        .fire_dyn(&bound, req.entity, req.event, &args, &req.meta)
        .map_err(|e| store_failure(req.db.url, &e))?;
    // A fire replayed under its idempotency key moved the entity earlier:
    // the state it left is its history's.
    let from = if moved.version == current.version + 1 {
        from
    } else {
        let query = HistoryQuery::entity(req.machine, req.entity)
            .offset(moved.version.saturating_sub(1))
            .limit(1);
        let records = store
            .history(&query)
            .map_err(|e| store_failure(req.db.url, &e))?;
        match records.into_iter().next() {
            Some(record) if record.version == moved.version => record.from.unwrap_or(from),
            _ => from,
        }
    };
    if req.as_json {
        let text = json!({
            "machine": req.machine, "entity_id": req.entity, "event": req.event,
            "from": from, "to": moved.machine.state_name(), "version": moved.version,
            "context": moved.machine.context(),
        })
        .to_string();
        outln!("{}", terminal_text::json(&text));
        return Ok(());
    }
    outln!(
        "{} `{}`: {} -> {} ({}), version {}",
        shown(req.machine),
        shown(req.entity),
        shown(&from),
        shown(moved.machine.state_name()),
        shown(req.event),
        moved.version
    );
    Ok(())
}

/// `stateforge diagram --db`: the kept definition of a machine, and with
/// `entity` the state that entity is in (its row read with the store's
/// checks, as `entities` reads it).
pub(crate) fn stored_definition(
    db: &Db<'_>,
    machine: &str,
    entity: Option<&str>,
) -> Result<
    (
        stateforge_core::Definition,
        Option<stateforge_core::StateId>,
    ),
    Failure,
> {
    known_name(db.url, machine)?;
    let store = open(db.url, db.prefix, Access::Read)?;
    let def = store
        .definition(machine)
        .map_err(|e| store_failure(db.url, &e))?;
    let Some(entity) = entity else {
        return Ok((def, None));
    };
    let row = store
        .entities_checked(machine, None)
        .map_err(|e| store_failure(db.url, &e))?
        .into_iter()
        .find(|row| match row {
            Ok(row) => row.entity_id == entity,
            Err(StoreError::BadRow { entity_id, .. }) => entity_id == entity,
            Err(_) => false,
        });
    let state = match row {
        Some(Ok(row)) => row.state,
        Some(Err(e)) => return Err(store_failure(db.url, &e)),
        None => {
            return Err(Failure::refused(format!(
                "{}: no {} `{}`",
                label(db.url),
                shown(machine),
                shown(entity)
            )));
        }
    };
    let current = def.state_id(&state).ok_or_else(|| {
        Failure::refused(format!(
            "{}: {} `{}` is in state `{}`, which its definition does not have",
            label(db.url),
            shown(machine),
            shown(entity),
            shown(&state)
        ))
    })?;
    Ok((def, Some(current)))
}

/// The database options of a command.
pub(crate) struct Db<'a> {
    /// The SQLite path or PostgreSQL connection string.
    pub(crate) url: &'a str,
    /// The table prefix.
    pub(crate) prefix: &'a str,
}

/// `stateforge migrate`: the machine's rows of older definitions brought
/// to the one the store kept last (what the newest deployed code saved),
/// in batches; with `dry_run`, only counted. Rows that cannot be migrated
/// are named on stderr, and the exit code is then 1.
pub(crate) fn migrate(
    db: &Db<'_>,
    machine: &str,
    dry_run: bool,
    as_json: bool,
) -> Result<(), Failure> {
    known_name(db.url, machine)?;
    let store = open(db.url, db.prefix, Access::Write)?;
    let url = db.url;
    let def = store
        .definition(machine)
        .map_err(|e| store_failure(url, &e))?;
    let options = stateforge_runtime::db::MigrateOptions::new().dry_run(dry_run);
    let report = store
        .migrate(&def, options)
        .map_err(|e| store_failure(url, &e))?;
    if as_json {
        let refused: Vec<_> = report
            .refused
            .iter()
            .map(|(id, why)| json!({"entity": id, "reason": why}))
            .collect();
        let out = json!({
            "machine": machine,
            "definition": def.fingerprint().to_string(),
            "dry_run": dry_run,
            "migrated": report.migrated,
            "current": report.current,
            "refused": refused,
        });
        outln!("{}", terminal_text::json(&out.to_string()));
    } else {
        outln!(
            "{} {} row{} of machine `{}` to definition {}; {} already under it",
            if dry_run { "would migrate" } else { "migrated" },
            report.migrated,
            if report.migrated == 1 { "" } else { "s" },
            shown(machine),
            def.fingerprint(),
            report.current,
        );
    }
    for (id, why) in &report.refused {
        eprintln!(
            "stateforge: {}",
            terminal_text::line(&format!("{}: `{}`: {why}", label(url), shown(id)))
        );
    }
    match report.refused.len() {
        0 => Ok(()),
        n => Err(Failure::refused(format!(
            "{}: {n} row{} of machine `{}` cannot be migrated; the others {}",
            label(url),
            if n == 1 { "" } else { "s" },
            shown(machine),
            if dry_run { "can be" } else { "were" },
        ))),
    }
}
