//! The command line: one client of the library.
//!
//! [`args`] holds the clap definitions; [`run`] resolves them once into typed
//! options (database path, colour, fetch policy, clock) and dispatches to one
//! function per command. Data goes to stdout; status lines, summaries and hints
//! go to stderr, and `-q` silences those. The three `Context` methods below
//! (`status`, `hint`, `item_error`) are the only places in the library that
//! print to stderr.

pub mod args;
mod commands;
mod demo;
pub mod error;
mod pager;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

pub use args::{Cli, Command, GlobalArgs};
use args::{ColorChoice, ConfigAction, HooksAction};
pub use error::CliError;

use crate::clock::Clock;
use crate::config::{Config, ConfigError, Overrides};
use crate::fetch::{FetchPolicy, Fetcher};
use crate::render::Painter;
use crate::store::Store;

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything worked: exit 0.
    Success,
    /// The command finished but something in it failed (reported): exit 1.
    Failure,
}

impl Status {
    /// `Failure` when something in the command failed.
    pub fn failed_if(failed: bool) -> Status {
        if failed {
            Status::Failure
        } else {
            Status::Success
        }
    }
}

/// "s" unless there is exactly one.
pub(crate) fn plural<N: PartialEq + From<u8>>(n: N) -> &'static str {
    if n == N::from(1) { "" } else { "s" }
}

/// Resolved settings every command may use.
pub struct Context {
    db: Option<PathBuf>,
    /// `--blobs`: the object store for raw pages.
    blobs: Option<String>,
    pub painter: Painter,
    pub quiet: bool,
    pub clock: Clock,
    pub policy: FetchPolicy,
    pub config: Config,
}

impl Context {
    /// Terminal width for laid-out views (`COLUMNS`, else the terminal's,
    /// else 100), asked when a view needs it.
    pub fn width(&self) -> usize {
        terminal_width()
    }

    /// The database named by `--db`/`REDLINE_DB`, or the default one.
    fn db_path(&self) -> Result<PathBuf, CliError> {
        match &self.db {
            Some(p) => Ok(p.clone()),
            None => default_db().ok_or_else(|| {
                CliError::runtime("cannot find a data directory for the database")
                    .hint("name a database file with --db PATH or REDLINE_DB")
            }),
        }
    }

    /// Opens the database for a command that writes (creating it if needed).
    pub fn store(&self) -> Result<Store, CliError> {
        let mut store = Store::open(&self.db_path()?)?;
        self.objects(&mut store)?;
        Ok(store)
    }

    /// Gives the store its object store (`--blobs`, or the one it keeps).
    fn objects(&self, store: &mut Store) -> Result<(), CliError> {
        #[cfg(feature = "objects")]
        store.use_objects(self.blobs.as_deref())?;
        #[cfg(not(feature = "objects"))]
        if self.blobs.is_some() {
            let _ = store;
            return Err(CliError::usage(
                "--blobs needs object storage, which this build of redline leaves out",
            )
            .hint("build redline with its default features (the `objects` feature)"));
        }
        Ok(())
    }

    /// Opens the database for a command that only reads: nothing is written,
    /// so a read-only file or folder is no obstacle. A database that does not
    /// exist yet is created, as by [`Context::store`].
    pub fn store_read(&self) -> Result<Store, CliError> {
        let path = self.db_path()?;
        if !path.exists() {
            return self.store();
        }
        match Store::open_read_only(&path) {
            // An older schema is upgraded where the file can be written.
            Err(old @ crate::store::StoreError::TooOld { .. }) => {
                let mut store = Store::open(&path).map_err(|e| match e {
                    // Not writable after all: say what the read needed.
                    crate::store::StoreError::ReadOnly { .. }
                    | crate::store::StoreError::Open { .. } => CliError::from(old),
                    other => other.into(),
                })?;
                self.objects(&mut store)?;
                Ok(store)
            }
            other => {
                let mut store = other?;
                self.objects(&mut store)?;
                Ok(store)
            }
        }
    }

    pub fn fetcher(&self) -> Result<Fetcher, CliError> {
        Ok(Fetcher::new(self.policy.clone())?.with_sites(self.config.requests.clone())?)
    }

    /// A status line on stderr, unless `-q`.
    #[allow(clippy::print_stderr)]
    pub fn status(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }

    /// A hint on stderr, unless `-q`.
    #[allow(clippy::print_stderr)]
    pub fn hint(&self, hint: &str) {
        if !self.quiet {
            eprintln!("hint: {hint}");
        }
    }

    /// Asks a yes/no question on the terminal (default no). `None` when
    /// stdin or stderr is not a terminal: there is nobody to ask.
    #[allow(clippy::print_stderr)]
    pub fn confirm(&self, question: &str) -> Option<bool> {
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return None;
        }
        eprint!("{question} [y/N] ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).ok()?;
        Some(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
    }

    /// An error about one item of many (the command goes on with the
    /// others and fails at the end), on stderr even with `-q`.
    #[allow(clippy::print_stderr)]
    pub fn item_error(&self, line: &str) {
        eprintln!("error: {line}");
    }

    /// A warning on stderr, even with `-q`.
    #[allow(clippy::print_stderr)]
    pub fn warning(&self, line: &str) {
        eprintln!("warning: {line}");
    }
}

/// The default database: `redline/redline.db` in the user's data directory.
pub fn default_db() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("redline").join("redline.db"))
}

/// Decides colour once: `always`, `never`, or for `auto` a terminal on stdout,
/// `TERM` not `dumb` and `NO_COLOR` unset.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return n;
    }
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .unwrap_or(100)
}

/// The clock: the system's, or a fixed instant from `REDLINE_NOW` (an RFC 3339
/// time; for tests and reproducible output).
fn clock() -> Result<Clock, CliError> {
    match std::env::var("REDLINE_NOW") {
        Ok(s) if !s.is_empty() => s.parse().map(Clock::Fixed).map_err(|e| {
            CliError::usage(format!("REDLINE_NOW={s:?} is not an RFC 3339 time: {e}"))
        }),
        _ => Ok(Clock::System),
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        let hint = match e {
            ConfigError::Env { .. } => "fix or unset the variable",
            _ => "fix the file, or point --config / REDLINE_CONFIG at another",
        };
        CliError::runtime(e.to_string()).hint(hint)
    }
}

/// The fetch policy the configuration asks for.
fn fetch_policy(config: &Config) -> FetchPolicy {
    let secs = config.timeout.value.max(1);
    let mut policy = FetchPolicy {
        timeout: Duration::from_secs(secs),
        connect_timeout: Duration::from_secs(secs.min(10)),
        concurrency: config.concurrency.value,
        host_concurrency: config.host_concurrency.value,
        host_delay: Duration::from_secs_f64(config.host_delay.value),
        retries: config.retries.value,
        robots: config.robots.value,
        ..FetchPolicy::default()
    };
    if let Some(contact) = &config.contact.value {
        policy.user_agent = format!("redline/{} (+{contact})", env!("CARGO_PKG_VERSION"));
    }
    policy
}

/// Runs one command line: its command, with the global options as
/// [`Cli::globals`] merged them.
pub fn run(command: Command, g: &GlobalArgs) -> Result<Status, CliError> {
    // Made from the command line's own definition: no config, no database.
    match &command {
        Command::Completions { shell, .. } => return completions(*shell),
        Command::Man { command, .. } => return man(command.as_deref()),
        _ => {}
    }
    let overrides = Overrides {
        path: g.config.clone(),
        timeout: g.timeout,
        concurrency: g.concurrency,
        host_concurrency: g.host_concurrency,
        utc: g.utc,
        host_delay: g
            .host_delay
            .as_deref()
            .map(|d| {
                crate::schedule::parse_duration(d)
                    .map(|d| d.as_secs_f64())
                    .ok_or_else(|| {
                        CliError::usage(format!("--host-delay {d:?} is not a duration"))
                            .hint("write it like 2s, 1m, or 0s for none")
                    })
            })
            .transpose()?,
    };
    let config = Config::load(&overrides, |k| std::env::var(k).ok())?;
    crate::render::text::show_times_in(if config.utc.value {
        jiff::tz::TimeZone::UTC
    } else {
        jiff::tz::TimeZone::system()
    });
    let ctx = Context {
        db: g.db.clone(),
        blobs: g.blobs.clone(),
        painter: Painter::new(use_color(g.color.unwrap_or(ColorChoice::Auto))),
        quiet: g.quiet,
        clock: clock()?,
        policy: fetch_policy(&config),
        config,
    };
    let page = !g.no_pager
        && matches!(
            command,
            Command::Log { .. }
                | Command::Show { raw: false, .. }
                | Command::Diff { .. }
                | Command::Blame { .. }
        );
    let mut output = pager::Output::new(page);
    let out = output.writer();
    let status = match command {
        Command::Track {
            ref urls,
            feed: Some(ref feed),
            ref match_regex,
            ref every,
            ref until,
            ..
        } if urls.is_empty() => {
            let pace = commands::pace(every.as_deref(), until.as_deref())?;
            block_on(commands::track_feed(
                &ctx,
                out,
                feed,
                match_regex.as_deref(),
                &pace,
            ))
        }
        Command::Track {
            urls,
            from_file,
            selector,
            every,
            adaptive,
            until,
            keep,
            ..
        } => {
            let listed = match &from_file {
                Some(file) => commands::read_list(file)?,
                None => Vec::new(),
            };
            let pace = commands::pace(every.as_deref(), until.as_deref())?;
            let flags = commands::TrackFlags {
                selector: selector.as_deref(),
                pace,
                adaptive,
                keep,
            };
            block_on(commands::track(&ctx, out, &urls, &listed, &flags))
        }
        Command::Untrack {
            mut targets,
            from_file,
            delete,
            yes,
            ..
        } => {
            if let Some(file) = &from_file {
                targets.extend(commands::read_list(file)?.into_iter().map(|l| l.text));
            }
            let delete = match (delete, yes) {
                (false, _) => commands::Removal::Untrack,
                (true, true) => commands::Removal::Delete,
                (true, false) => commands::Removal::DeleteIfConfirmed,
            };
            commands::untrack(&ctx, out, &targets, delete)
        }
        Command::Set {
            targets,
            every,
            adaptive,
            until,
            no_until,
            selector,
            no_selector,
            ..
        } => {
            let set = commands::settings(
                every.as_deref(),
                adaptive,
                until.as_deref(),
                no_until,
                selector.as_deref(),
                no_selector,
            )?;
            commands::set(&ctx, out, &targets, &set)
        }
        Command::Watch { poll, .. } => block_on(commands::watch(&ctx, out, poll)),
        Command::Worker {
            once,
            poll,
            hosts,
            lease,
            name,
            ..
        } => block_on(commands::worker(
            &ctx,
            out,
            &commands::WorkerArgs {
                once,
                poll,
                hosts: hosts.max(1),
                lease: std::time::Duration::from_secs(lease.max(3)),
                name,
            },
        )),
        Command::Feeds { json, .. } => commands::feeds(&ctx, out, json),
        Command::Check { targets, due, .. } => block_on(commands::check(&ctx, out, &targets, due)),
        Command::Resume { targets, .. } => commands::resume(&ctx, out, &targets),
        Command::List {
            json, limit, after, ..
        } => commands::list(&ctx, out, json, after, limit),
        Command::Log { target, json, .. } => commands::log(&ctx, out, &target, json),
        Command::Search {
            query,
            article,
            removed,
            since,
            until,
            limit,
            json,
            ..
        } => commands::search(
            &ctx,
            out,
            &commands::SearchArgs {
                query,
                article,
                removed,
                since,
                until,
                limit,
                json,
            },
        ),
        Command::Show {
            target,
            rev,
            raw,
            json,
            ..
        } => commands::show(&ctx, out, &target, rev, raw, json),
        Command::Diff {
            args,
            json,
            view,
            by,
            context,
            changes_only,
            ..
        } => {
            let view = if json { args::ViewArg::Json } else { view };
            let v = commands::DiffView {
                view: match view {
                    args::ViewArg::Inline => commands::View::Inline,
                    args::ViewArg::Side => commands::View::Side,
                    args::ViewArg::Unified => commands::View::Unified,
                    args::ViewArg::Json => commands::View::Json,
                    args::ViewArg::Html => commands::View::Html,
                },
                by: match by {
                    args::ByArg::Word => crate::diff::Granularity::Word,
                    args::ByArg::Sentence => crate::diff::Granularity::Sentence,
                    args::ByArg::Paragraph => crate::diff::Granularity::Paragraph,
                    args::ByArg::Char => crate::diff::Granularity::Char,
                },
                context: if changes_only { 0 } else { context },
            };
            commands::diff(&ctx, out, &args, v)
        }
        Command::Extract {
            inputs,
            json,
            selector,
            url,
            site,
            ..
        } => {
            let how = commands::ExtractHow {
                json,
                selector,
                url,
                site,
            };
            // Saved files need no runtime threads; a URL is one fetch.
            block_on_here(commands::extract(&ctx, out, &inputs, &how))
        }
        Command::Config {
            action: ConfigAction::Show { .. },
            ..
        } => commands::config_show(&ctx, out),
        Command::Status { json, .. } => commands::status(&ctx, out, json),
        Command::Serve {
            ref listen,
            allow_writes,
            ..
        } => block_on(commands::serve(&ctx, listen.as_deref(), allow_writes)),
        Command::Hooks { action, .. } => match action {
            HooksAction::List { .. } => commands::hooks_list(&ctx, out),
            HooksAction::Test { name, .. } => {
                block_on(commands::hooks_test(&ctx, out, name.as_deref()))
            }
        },
        Command::Blame {
            target,
            rev,
            by,
            json,
            ..
        } => commands::blame(&ctx, out, &target, rev, by == args::BlameBy::Sentence, json),
        Command::Reextract { targets, all, .. } => commands::reextract(&ctx, out, &targets, all),
        Command::Export {
            targets,
            all: _,
            format,
            output,
            since,
            until,
            class,
            with_raw,
            force,
            ..
        } => commands::export(
            &ctx,
            &targets,
            commands::ExportArgs {
                format,
                output,
                since,
                until,
                classes: class,
                with_raw,
                force,
            },
        ),
        Command::Import { file, .. } => commands::import(&ctx, &file),
        Command::Verify { json, .. } => commands::verify(&ctx, out, json),
        Command::Gc {
            keep_last,
            keep_younger,
            vacuum,
            dry_run,
            force,
            ..
        } => commands::gc(
            &ctx,
            keep_last,
            keep_younger.as_deref(),
            vacuum,
            dry_run,
            force,
        ),
        Command::Demo { keep, .. } => block_on(demo::run(&ctx, out, keep)),
        Command::Completions { .. } | Command::Man { .. } => {
            unreachable!("answered before the context is built")
        }
    };
    output.finish()?;
    status
}

/// `redline completions SHELL`.
fn completions(shell: clap_complete::Shell) -> Result<Status, CliError> {
    use clap::CommandFactory;
    let mut cmd = args::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "redline", &mut out);
    write_stdout(&out)
}

/// `redline man [COMMAND]`.
fn man(command: Option<&str>) -> Result<Status, CliError> {
    use clap::CommandFactory;
    let mut cmd = args::Cli::command();
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_owned())
                .collect();
            let sub = cmd.find_subcommand(name).cloned().ok_or_else(|| {
                CliError::usage(format!("{name:?} is not a redline command"))
                    .hint(format!("one of: {}", names.join(", ")))
            })?;
            sub.name(format!("redline-{name}"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| CliError::runtime(format!("cannot write the manual page: {e}")))?;
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> Result<Status, CliError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()?;
    Ok(Status::Success)
}

/// Runs `f` on this thread alone: for a command that fetches at most a page
/// at a time (no worker threads, no memory for them).
fn block_on_here<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts")
        .block_on(f)
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    let output = runtime.block_on(f);
    // Everything the command waits for is done; what may still run is an
    // extraction abandoned past its budget, which must not hold up the exit.
    runtime.shutdown_background();
    output
}
