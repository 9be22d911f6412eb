//! `stateforge`: validate and draw machine definitions; list, inspect and
//! move entities kept in an SQLite or PostgreSQL store.
//!
//! Every failure is one line on stderr and a non-zero exit code: 1 when a
//! definition has problems or an operation was refused, 2 for bad usage or
//! input that cannot be read.
//!
//! Text that comes from outside (a definition file, a store, the command
//! line, a library's message quoting them) is printed through
//! [`terminal_text`]: control characters escaped, long values cut. No
//! message shows a password: a connection string is shown redacted, or
//! not at all.
#![forbid(unsafe_code)]

mod database;
mod definition_file;
mod stdout;
mod terminal_text;

use std::process::ExitCode;

use stdout::out;

use clap::{Parser, Subcommand, ValueEnum};

/// Operate systems built on stateforge.
#[derive(Parser)]
#[command(
    name = "stateforge",
    version,
    about,
    after_help = "Exit codes: 0 done; 1 refused (a definition with problems, an event not \
                  allowed, no such machine or entity, a row that does not read); 2 bad usage \
                  or input that cannot be read (a missing file, a database that does not \
                  open).\n\
                  The --db of entities, history and fire may come from STATEFORGE_DB."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a definition (JSON) and list every problem; exit 1 if any.
    Validate {
        /// The definition file.
        file: std::path::PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Draw a definition as a state diagram: from a file, or the one a
    /// store keeps for a machine.
    Diagram {
        /// The definition file.
        #[arg(required_unless_present = "db", conflicts_with = "db")]
        file: Option<std::path::PathBuf>,
        /// The database: an SQLite file, or a PostgreSQL URL or key/value connection string.
        #[arg(long, requires = "machine")]
        db: Option<String>,
        /// The prefix of the store's table names.
        #[arg(long, default_value = "")]
        prefix: String,
        /// The machine whose kept definition to draw (with --db).
        #[arg(long)]
        machine: Option<String>,
        /// Mark the state this entity is in (with --db and --machine).
        #[arg(long, requires = "db")]
        entity: Option<String>,
        /// The diagram language.
        #[arg(long, value_enum, default_value_t = Format::Mermaid)]
        format: Format,
    },
    /// List a machine's entities; rows that do not read are named on
    /// stderr, and the exit code is then 1.
    Entities {
        /// The database: an SQLite file, or a PostgreSQL URL or key/value connection string.
        #[arg(long, env = "STATEFORGE_DB", hide_env_values = true)]
        db: String,
        /// The prefix of the store's table names.
        #[arg(long, default_value = "")]
        prefix: String,
        /// The machine.
        #[arg(long)]
        machine: String,
        /// Only entities in this state.
        #[arg(long)]
        state: Option<String>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Show an entity's history, oldest first.
    History {
        /// The database: an SQLite file, or a PostgreSQL URL or key/value connection string.
        #[arg(long, env = "STATEFORGE_DB", hide_env_values = true)]
        db: String,
        /// The prefix of the store's table names.
        #[arg(long, default_value = "")]
        prefix: String,
        /// The machine.
        #[arg(long)]
        machine: String,
        /// The entity.
        #[arg(long)]
        entity: String,
        /// Only records of this session.
        #[arg(long)]
        session: Option<String>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Bring a machine's rows written under older definitions to the one
    /// the store kept last, each with a `(migrated)` history record;
    /// resumable. Exit 1 if some rows cannot be migrated.
    Migrate {
        /// The database: an SQLite file, or a PostgreSQL URL or key/value connection string.
        #[arg(long, env = "STATEFORGE_DB", hide_env_values = true)]
        db: String,
        /// The prefix of the store's table names.
        #[arg(long, default_value = "")]
        prefix: String,
        /// The machine.
        #[arg(long)]
        machine: String,
        /// Only count what would be migrated; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Fire an event on an entity of a machine defined as data.
    Fire {
        /// The database: an SQLite file, or a PostgreSQL URL or key/value connection string.
        #[arg(long, env = "STATEFORGE_DB", hide_env_values = true)]
        db: String,
        /// The prefix of the store's table names.
        #[arg(long, default_value = "")]
        prefix: String,
        /// The machine.
        #[arg(long)]
        machine: String,
        /// The entity.
        #[arg(long)]
        entity: String,
        /// The event.
        event: String,
        /// Why, for the history.
        #[arg(long)]
        reason: Option<String>,
        /// Who, for the history (default: the `USER` of the shell).
        #[arg(long)]
        actor: Option<String>,
        /// The session the entity belongs to.
        #[arg(long)]
        session: Option<String>,
        /// Move an entity of another session anyway.
        #[arg(long)]
        cross_session: bool,
        /// The request's idempotency key: fired again with the same key,
        /// the event moves nothing and prints the first outcome again.
        #[arg(long)]
        idempotency_key: Option<String>,
        /// The event's arguments, as JSON.
        #[arg(long)]
        args: Option<String>,
        /// Print the transition as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A diagram language.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Mermaid `stateDiagram-v2`.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// An SVG picture, laid out here: nothing to install.
    Svg,
}

/// A failure, reported as one line.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    fn refused(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("stateforge: {}", terminal_text::line(&f.message));
            ExitCode::from(f.code)
        }
    }
}

/// Help and version as clap prints them; a usage error as plain text
/// (without its colours, which would carry any escape sequence of an
/// argument it quotes through to a terminal), escaped and cut.
fn usage_error(e: &clap::Error) -> ExitCode {
    if !e.use_stderr() {
        e.exit();
    }
    for l in e.render().to_string().lines() {
        eprintln!("{}", terminal_text::line(l));
    }
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Validate { file, json } => definition_file::validate(&file, json),
        Command::Diagram {
            file,
            db,
            prefix,
            machine,
            entity,
            format,
        } => {
            let (def, current) = match (file, db, machine) {
                (Some(file), _, _) => (definition_file::load(&file)?, None),
                (None, Some(db), Some(machine)) => {
                    let db = database::Db {
                        url: &db,
                        prefix: &prefix,
                    };
                    database::stored_definition(&db, &machine, entity.as_deref())?
                }
                _ => {
                    return Err(Failure::usage(
                        "give a definition file, or --db and --machine",
                    ));
                }
            };
            // A checked definition's names are identifiers (core's
            // `is_valid_name`), which neither language quotes and no
            // terminal acts on. The entity's state is filled yellow in
            // every format.
            let current_name = current.map(|s| def.state_name(s));
            let diagram = match format {
                Format::Mermaid => {
                    let mut m = def.to_mermaid();
                    if let Some(name) = current_name {
                        m.push_str("    classDef current fill:#ffd966,stroke-width:2px\n");
                        m.push_str(&format!("    class {name} current\n"));
                    }
                    m
                }
                Format::Dot => {
                    let mut dot = def.to_dot();
                    if let Some(name) = current_name {
                        let closing = dot.len() - "}\n".len();
                        dot.insert_str(
                            closing,
                            &format!(
                                "    \"{name}\" [style=filled, fillcolor=\"#ffd966\", penwidth=2];\n"
                            ),
                        );
                    }
                    dot
                }
                Format::Svg => {
                    // The layout may panic and be retried (see
                    // `to_svg_marking`): its message is not this command's.
                    let hook = std::panic::take_hook();
                    std::panic::set_hook(Box::new(|_| {}));
                    let svg = def.to_svg_marking(current);
                    std::panic::set_hook(hook);
                    svg
                }
            };
            out!("{diagram}");
            Ok(())
        }
        Command::Entities {
            db,
            prefix,
            machine,
            state,
            json,
        } => {
            let db = database::Db {
                url: &db,
                prefix: &prefix,
            };
            database::entities(&db, &machine, state.as_deref(), json)
        }
        Command::History {
            db,
            prefix,
            machine,
            entity,
            session,
            json,
        } => {
            let db = database::Db {
                url: &db,
                prefix: &prefix,
            };
            database::history(&db, &machine, &entity, session.as_deref(), json)
        }
        Command::Migrate {
            db,
            prefix,
            machine,
            dry_run,
            json,
        } => {
            let db = database::Db {
                url: &db,
                prefix: &prefix,
            };
            database::migrate(&db, &machine, dry_run, json)
        }
        Command::Fire {
            db,
            prefix,
            machine,
            entity,
            event,
            reason,
            actor,
            session,
            cross_session,
            idempotency_key,
            args,
            json,
        } => {
            let mut meta = stateforge_runtime::db::TransitionMeta::new();
            meta.reason = reason;
            meta.actor = actor.or_else(|| std::env::var("USER").ok());
            meta.session = session;
            meta.cross_session = cross_session;
            meta.idempotency_key = idempotency_key;
            database::fire(&database::FireRequest {
                db: database::Db {
                    url: &db,
                    prefix: &prefix,
                },
                machine: &machine,
                entity: &entity,
                event: &event,
                args: args.as_deref(),
                meta,
                as_json: json,
            })
        }
    }
}
