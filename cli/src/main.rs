//! `stateforge`: validate and draw machine definitions; list, inspect and
//! move entities kept in an SQLite or PostgreSQL store.
//!
//! Every failure is one line on stderr and a non-zero exit code: 1 when a
//! definition has problems or an operation was refused, 2 for bad usage or
//! input that cannot be read.
#![forbid(unsafe_code)]

mod definition_file;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Operate systems built on stateforge.
#[derive(Parser)]
#[command(name = "stateforge", version, about)]
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
    /// Draw a definition as a state diagram.
    Diagram {
        /// The definition file.
        file: std::path::PathBuf,
        /// The diagram language.
        #[arg(long, value_enum, default_value_t = Format::Mermaid)]
        format: Format,
    },
}

/// A diagram language.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Mermaid `stateDiagram-v2`.
    Mermaid,
    /// Graphviz DOT.
    Dot,
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
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("stateforge: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Validate { file, json } => definition_file::validate(&file, json),
        Command::Diagram { file, format } => {
            let def = definition_file::load(&file)?;
            print!(
                "{}",
                match format {
                    Format::Mermaid => def.to_mermaid(),
                    Format::Dot => def.to_dot(),
                }
            );
            Ok(())
        }
    }
}
