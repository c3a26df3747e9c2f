//! The redline binary: parse arguments, start logging, run, map the result to
//! an exit code. Nothing else lives here.

use std::process::ExitCode;

use clap::Parser;
use redline::cli::{self, Cli, Status};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let globals = cli.globals();
    // Only the commands that fetch pages (and run hooks) log anything; the
    // others start without the logging machinery, which costs a short
    // `redline diff` about 4% of its time. Asked for, it is always on.
    if cli.command.fetches() || globals.verbose > 0 || std::env::var_os("REDLINE_LOG").is_some() {
        init_logging(globals.verbose);
    }
    match cli::run(cli.command, &globals) {
        Ok(Status::Success) => ExitCode::SUCCESS,
        Ok(Status::Failure) => ExitCode::from(1),
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Logs go to stderr, filtered by `REDLINE_LOG`, else by `-v` (info) / `-vv`
/// (debug); warnings only by default.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "redline=warn",
        1 => "redline=info",
        _ => "redline=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("REDLINE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
}
