//! What the command prints on stdout. A reader that stops reading (`| head`)
//! closes the pipe; the next write then fails, and the command ends
//! quietly, as shell tools do, instead of panicking as `println!` would.

use std::io::Write;

/// Writes `args` and a newline to stdout; a closed pipe ends the process.
pub(crate) fn line(args: std::fmt::Arguments<'_>) {
    write(format_args!("{args}\n"));
}

/// Writes `args` to stdout; a closed pipe ends the process.
pub(crate) fn write(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_fmt(args).and_then(|()| out.flush()) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("stateforge: cannot write to stdout: {error}");
        std::process::exit(1);
    }
}

/// `println!` through [`line`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdout::line(format_args!($($arg)*))
    };
}

/// `print!` through [`write`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!($($arg)*))
    };
}

pub(crate) use {out, outln};
