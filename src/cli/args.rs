//! The clap definitions: raw values only. `cli::run` turns them into typed
//! library options once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Track news articles over time: record every real revision, show what changed.
#[derive(Debug, Parser)]
#[command(name = "redline", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

// Options every command takes, before or after its name. They are declared
// on the top level and again on each subcommand rather than as clap `global`
// options: clap copies a global option into every subcommand at each start,
// which cost more than a whole `redline diff` of two short texts.
// `Cli::globals` merges the two. (Not a doc comment: clap would show it as
// each subcommand's description.)
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The database: a SQLite file, or postgres://USER@HOST/DB
    #[arg(
        long,
        value_name = "PATH|URL",
        long_help = "The database. A SQLite file, created with its folder on first use, or\n\
                     PostgreSQL: postgres://USER:PASSWORD@HOST:PORT/DB (its schema is made on\n\
                     first use). Default: redline/redline.db in the user's data directory\n\
                     (e.g. ~/.local/share/redline/redline.db). Environment: REDLINE_DB."
    )]
    pub db: Option<PathBuf>,

    /// Keep whole raw pages in object storage: file:///PATH or s3://BUCKET/PREFIX
    #[arg(
        long,
        value_name = "URL",
        long_help = "Keep whole raw pages in object storage instead of the database:\n\
                     file:///PATH or s3://BUCKET/PREFIX (any S3-compatible store; AWS_ENDPOINT_URL,\n\
                     AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION as usual). Deltas\n\
                     and extracted texts stay in the database. The database remembers the\n\
                     store, so later commands need not name it. Environment: REDLINE_BLOBS."
    )]
    pub blobs: Option<String>,

    /// When to use colour: auto, always or never
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        long_help = "When to use colour. auto (the default): when stdout is a terminal,\n\
                     TERM is not \"dumb\" and NO_COLOR is not set. With colour off, word\n\
                     changes are marked [-removed-]{+added+}."
    )]
    pub color: Option<ColorChoice>,

    /// Print only data: no progress or summaries on stderr
    #[arg(
        short,
        long,
        long_help = "Print only data: status lines, summaries and hints on stderr are silenced. Errors are still reported. Default: off."
    )]
    pub quiet: bool,

    /// Log more (repeat for more detail)
    #[arg(short, long, action = clap::ArgAction::Count, long_help = "Log more on stderr: -v for info, -vv for debug. REDLINE_LOG (a tracing filter such as redline=debug) overrides. Default: warnings only.")]
    pub verbose: u8,

    /// Seconds allowed for the whole check of one page, retries included
    #[arg(value_parser = whole_seconds,
        long,
        value_name = "SECS",
        long_help = "Seconds allowed for the whole check of one page: robots.txt, every\n\
                     attempt with its body, and the waits between retries (connecting is\n\
                     allowed at most 10 of them; waiting for the host's turn is not\n\
                     counted). Default: 30, or [fetch] timeout in the config file.\n\
                     Environment: REDLINE_TIMEOUT."
    )]
    pub timeout: Option<u64>,

    /// The config file
    #[arg(
        long,
        value_name = "PATH",
        long_help = "The TOML config file (fetch settings, per-site extraction rules).\n\
                     Default: $XDG_CONFIG_HOME/redline/config.toml, if it exists.\n\
                     Environment: REDLINE_CONFIG. See `redline config show`."
    )]
    pub config: Option<PathBuf>,

    /// Requests in flight at once, over all hosts
    #[arg(
        long,
        value_name = "N",
        long_help = "Requests in flight at once, over all hosts. Default: 16, or [fetch]\n\
                     concurrency in the config file."
    )]
    pub concurrency: Option<usize>,

    /// Requests in flight at once to one host
    #[arg(
        long,
        value_name = "N",
        long_help = "Requests in flight at once to one host. Default: 1, or [fetch]\n\
                     host_concurrency in the config file."
    )]
    pub host_concurrency: Option<usize>,

    /// Time between two requests to one host (e.g. 2s, 0s)
    #[arg(
        long,
        value_name = "DURATION",
        long_help = "Time between the starts of two requests to one host; a longer\n\
                     Crawl-delay in the host's robots.txt wins. Default: 2s, or [fetch]\n\
                     host_delay (seconds) in the config file. Environment: REDLINE_HOST_DELAY."
    )]
    pub host_delay: Option<String>,

    /// Show times in UTC instead of local time
    #[arg(
        long,
        long_help = "Show times in UTC. By default times shown to a person are local\n\
                     time with its offset (from TZ or the system), e.g. 2026-11-30 13:20:13\n\
                     -05:00; [display] utc = true in the config file sets this for good.\n\
                     JSON and exports keep RFC 3339 UTC."
    )]
    pub utc: bool,

    /// Never page long output
    #[arg(
        long,
        long_help = "Never page. By default `log`, `show`, `diff` and `blame` on a terminal go\n\
                     through REDLINE_PAGER, else PAGER, else `less -FRX`."
    )]
    pub no_pager: bool,
}

impl GlobalArgs {
    /// These options with `later` ones (given after a subcommand's name)
    /// taking precedence.
    fn then(self, later: &GlobalArgs) -> GlobalArgs {
        let later = later.clone();
        GlobalArgs {
            db: later.db.or(self.db),
            blobs: later.blobs.or(self.blobs),
            color: later.color.or(self.color),
            quiet: self.quiet || later.quiet,
            verbose: self.verbose.saturating_add(later.verbose),
            timeout: later.timeout.or(self.timeout),
            config: later.config.or(self.config),
            concurrency: later.concurrency.or(self.concurrency),
            host_concurrency: later.host_concurrency.or(self.host_concurrency),
            host_delay: later.host_delay.or(self.host_delay),
            no_pager: self.no_pager || later.no_pager,
            utc: self.utc || later.utc,
        }
    }
}

impl Cli {
    /// The global options wherever they were given, the last place winning;
    /// the database from `REDLINE_DB` when no `--db` was given.
    pub fn globals(&self) -> GlobalArgs {
        let mut g = self.global.clone().then(self.command.global());
        if let Command::Config {
            action: ConfigAction::Show { global },
            ..
        } = &self.command
        {
            g = g.then(global);
        }
        if g.db.is_none() {
            g.db = std::env::var_os("REDLINE_DB")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from);
        }
        if g.blobs.is_none() {
            g.blobs = std::env::var("REDLINE_BLOBS")
                .ok()
                .filter(|v| !v.is_empty());
        }
        g
    }
}

/// `--timeout`: a number of seconds or a duration (`30s`, `1m`), whole
/// seconds, at least one.
fn whole_seconds(s: &str) -> Result<u64, String> {
    let d = s
        .parse::<u64>()
        .ok()
        .map(std::time::Duration::from_secs)
        .or_else(|| crate::schedule::parse_duration(s))
        .ok_or_else(|| format!("{s:?} is not a duration: write 30, 30s or 1m"))?;
    Ok(d.as_secs_f64().ceil().max(1.0) as u64)
}

impl Command {
    /// Fetches pages (and so may run hooks and log): `track`, `check`,
    /// `watch` and `demo`. The others never reach the network.
    pub fn fetches(&self) -> bool {
        matches!(
            self,
            Command::Track { .. }
                | Command::Check { .. }
                | Command::Watch { .. }
                | Command::Worker { .. }
                | Command::Demo { .. }
        )
    }

    /// The global options given after this subcommand's name.
    fn global(&self) -> &GlobalArgs {
        match self {
            Command::Track { global, .. }
            | Command::Check { global, .. }
            | Command::Feeds { global, .. }
            | Command::Untrack { global, .. }
            | Command::Set { global, .. }
            | Command::Watch { global, .. }
            | Command::Worker { global, .. }
            | Command::Resume { global, .. }
            | Command::List { global, .. }
            | Command::Log { global, .. }
            | Command::Search { global, .. }
            | Command::Show { global, .. }
            | Command::Diff { global, .. }
            | Command::Blame { global, .. }
            | Command::Extract { global, .. }
            | Command::Reextract { global, .. }
            | Command::Status { global, .. }
            | Command::Serve { global, .. }
            | Command::Config { global, .. }
            | Command::Hooks { global, .. }
            | Command::Export { global, .. }
            | Command::Import { global, .. }
            | Command::Verify { global, .. }
            | Command::Gc { global, .. }
            | Command::Demo { global, .. }
            | Command::Completions { global, .. }
            | Command::Man { global, .. } => global,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    Inline,
    Side,
    Unified,
    Json,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Word,
    Sentence,
    Paragraph,
    Char,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Jsonl,
    Csv,
    Md,
    Html,
    Atom,
    Git,
    Warc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BlameBy {
    Paragraph,
    Sentence,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print every effective setting and where it came from
    Show {
        #[command(flatten)]
        global: GlobalArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum HooksAction {
    /// List the configured hooks: name, kind, classes
    List {
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Send a sample message by every hook, or the one named
    Test {
        /// A hook's name (or label, as `list` shows it)
        #[arg(value_name = "NAME")]
        name: Option<String>,
        #[command(flatten)]
        global: GlobalArgs,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Each subcommand's own arguments are built only when it is the one run.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Start tracking URLs and fetch their first version now
    Track {
        /// Article URLs (http or https)
        #[arg(required_unless_present_any = ["from_file", "feed"], value_name = "URL")]
        urls: Vec<String>,
        /// Track every article an RSS, Atom or JSON feed or a sitemap lists, now and from then on
        #[arg(long, value_name = "URL")]
        feed: Option<String>,
        /// With --feed: only URLs matching this regular expression
        #[arg(long = "match", value_name = "REGEX", requires = "feed")]
        match_regex: Option<String>,
        /// Read URLs from FILE, one per line (`-`: stdin; blank lines and `# comments` skipped)
        #[arg(long, value_name = "FILE")]
        from_file: Option<PathBuf>,
        /// CSS selector of the article body on these pages
        #[arg(
            long,
            value_name = "CSS",
            long_help = "CSS selector of the article body on these pages, used instead of the\n\
                         generic extractor (and instead of a site rule's `select`). A check\n\
                         where it matches nothing fails; it never records an empty article.\n\
                         Default: none."
        )]
        selector: Option<String>,
        /// Check at a fixed pace instead of adaptively (e.g. 30m, 1h, 1d)
        #[arg(
            long,
            value_name = "DURATION",
            conflicts_with = "adaptive",
            long_help = "Check these articles at a fixed pace (30m, 1h, 2h30m, 1d) instead of\n\
                         adaptively. Default: adaptive (every 20 minutes at first, less and less\n\
                         often while nothing changes, retired after three weeks of quiet)."
        )]
        every: Option<String>,
        /// Check adaptively (the default)
        #[arg(long)]
        adaptive: bool,
        /// Stop checking after this date (RFC 3339 or YYYY-MM-DD, UTC)
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Keep a URL whose first fetch fails (it is retried at each check)
        #[arg(
            long,
            long_help = "Keep a URL whose first fetch fails (DNS, refused, HTTP 404, …) and\n\
                         retry it at each check. Default: such a URL is not tracked, so that a\n\
                         typo does not leave an article that fails at every check."
        )]
        keep: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Change how tracked articles are checked: pace, last date, body selector
    #[command(group(
        clap::ArgGroup::new("change")
            .required(true)
            .multiple(true)
            .args(["every", "adaptive", "until", "no_until", "selector", "no_selector"])
    ))]
    Set {
        /// Articles by id or URL
        #[arg(required = true, value_name = "ID|URL")]
        targets: Vec<String>,
        /// Check at this fixed pace from now on (e.g. 30m, 1h, 1d)
        #[arg(long, value_name = "DURATION", conflicts_with = "adaptive")]
        every: Option<String>,
        /// Check adaptively again (the default pace)
        #[arg(long)]
        adaptive: bool,
        /// Stop checking after this date (RFC 3339 or YYYY-MM-DD, UTC)
        #[arg(long, value_name = "DATE", conflicts_with = "no_until")]
        until: Option<String>,
        /// Remove the last date: check until quiet
        #[arg(long)]
        no_until: bool,
        /// CSS selector of the article body from the next check on
        #[arg(long, value_name = "CSS", conflicts_with = "no_selector")]
        selector: Option<String>,
        /// Remove the selector: the generic extractor reads the body again
        #[arg(long)]
        no_selector: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Check tracked articles now and record what changed
    Check {
        /// Articles to check, by id or URL (default: all)
        #[arg(value_name = "ID|URL", conflicts_with = "due")]
        targets: Vec<String>,
        /// Only the articles whose next check is due (for cron and timers)
        #[arg(long)]
        due: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// List the feeds and sitemaps being followed
    Feeds {
        /// JSON Lines output, one object per feed
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Stop tracking articles (their history stays; `resume` undoes it)
    Untrack {
        /// Articles by id or URL
        #[arg(required_unless_present = "from_file", value_name = "ID|URL")]
        targets: Vec<String>,
        /// Read the articles from FILE, one per line (`-`: stdin)
        #[arg(long, value_name = "FILE")]
        from_file: Option<PathBuf>,
        /// Delete the articles and all their revisions instead (asks first on a terminal)
        #[arg(long)]
        delete: bool,
        /// With --delete: do not ask (for scripts)
        #[arg(long, short = 'y', requires = "delete")]
        yes: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Check due hosts leased from a shared database, beside any number of other workers
    #[command(
        long_about = "Check what is due, as one of any number of workers sharing one \
        database (PostgreSQL with --db postgres://…, on any number of machines; or a SQLite file \
        on one machine). Each round takes due feeds and due hosts (not single articles) for a \
        lease, checks their due articles with the usual politeness, and gives each host back \
        with the time its next request may start, so spacing holds across workers. A lease is \
        renewed while its work lasts; a dead worker's hosts are taken over once it runs out. \
        SIGINT or SIGTERM finish the hosts in hand, then stop."
    )]
    Worker {
        /// One pass over what is due now, then exit (for cron, timers and tests)
        #[arg(long)]
        once: bool,
        /// Seconds to wait at most between looks for due work
        #[arg(long, value_name = "SECS", default_value_t = 60)]
        poll: u64,
        /// Hosts taken at a time
        #[arg(long, value_name = "N", default_value_t = 16)]
        hosts: usize,
        /// Seconds a lease lasts unless renewed (a dead worker's hosts wait this long)
        #[arg(long, value_name = "SECS", default_value_t = 300)]
        lease: u64,
        /// The name leases are held under [default: HOSTNAME:PID]
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Run the schedule until stopped (SIGINT/SIGTERM finish the pass, then exit)
    Watch {
        /// Seconds to wait at most between looks at the schedule
        #[arg(long, value_name = "SECS", default_value_t = 60)]
        poll: u64,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Bring retired articles back to being checked
    Resume {
        /// Articles by id or URL
        #[arg(required = true, value_name = "ID|URL")]
        targets: Vec<String>,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// List tracked articles
    List {
        /// JSON Lines output, one object per article
        #[arg(long)]
        json: bool,
        /// At most N articles (a page of a long list)
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Only articles after this id (the next page: the last id shown)
        #[arg(long, value_name = "ID")]
        after: Option<i64>,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Search every revision's text: when a phrase appeared and was removed
    #[command(
        long_about = "Search every revision's text (headline, byline, standfirst, body,\n\
                      corrections) and say, for each article, in which revision the match\n\
                      first appeared and in which it was removed, or that it is still there:\n\n  \
                      #12 \"…found [no further faults], adding…\" added in rev 3 (…), removed in rev 5 (…)\n\n\
                      Each argument quoted in the shell is a phrase: `redline search \"no further\n\
                      faults\"`. Words must all be in one paragraph; AND, OR, NOT (capitals) and\n\
                      prefix* combine them, and an argument holding \" is passed on as an SQLite\n\
                      FTS5 query. Accents and case do not matter."
    )]
    Search {
        /// What to look for: words, "a phrase", AND, OR, NOT, prefix*
        #[arg(value_name = "QUERY", required = true)]
        query: Vec<String>,
        /// Only this article (by id or URL)
        #[arg(long, value_name = "ID|URL")]
        article: Option<String>,
        /// Only matches that were there once and are gone now
        #[arg(long)]
        removed: bool,
        /// Only matches that appeared or were removed at or after this date (RFC 3339 or YYYY-MM-DD, UTC)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only matches that appeared or were removed before this date (RFC 3339 or YYYY-MM-DD, UTC)
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// At most N articles (the newest matches first)
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// JSON Lines output, one object per article
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Show an article's revisions, oldest first
    Log {
        /// The article, by id or URL
        #[arg(value_name = "ID|URL")]
        target: String,
        /// JSON Lines output, one object per revision
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Show one revision of an article (default: the latest)
    Show {
        /// The article, by id or URL
        #[arg(value_name = "ID|URL")]
        target: String,
        /// Revision number (1 is the first)
        #[arg(value_name = "REV")]
        rev: Option<i64>,
        /// Print the page exactly as it was served
        #[arg(long, conflicts_with = "json")]
        raw: bool,
        /// One JSON object with the revision and its fields
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Show what changed between two revisions, or between two files
    #[command(long_about = "Show what changed, word by word.\n\n\
                      redline diff ID|URL            the latest revision against the one before\n\
                      redline diff ID|URL REV        REV against the one before\n\
                      redline diff ID|URL REV1 REV2  REV2 against REV1\n\
                      redline diff FILE1 FILE2       two local files (HTML is extracted first)")]
    Diff {
        /// An article (ID|URL [REV [REV]]) or two files
        #[arg(required = true, num_args = 1..=3, value_name = "ARGS")]
        args: Vec<String>,
        /// Same as --view json
        #[arg(long)]
        json: bool,
        /// How to show the changes
        #[arg(
            long,
            value_enum,
            default_value_t = ViewArg::Inline,
            long_help = "How to show the changes: inline (word changes in running text; the\n\
                         default), side (two columns fitted to the terminal), unified (one\n\
                         paragraph per line, `diff -u` format), json (one object), html (a\n\
                         self-contained page)."
        )]
        view: ViewArg,
        /// Granularity: word, sentence, paragraph or char
        #[arg(
            long,
            value_enum,
            default_value_t = ByArg::Word,
            long_help = "How finely changes are marked: word (the default: words within edited\n\
                         sentences, whole sentences where rewritten), sentence, paragraph, or\n\
                         char (letters within changed words, for typos)."
        )]
        by: ByArg,
        /// Unchanged paragraphs shown around each change
        #[arg(long, default_value_t = 1, value_name = "N")]
        context: usize,
        /// Only the changes, no unchanged paragraphs (same as --context 0)
        #[arg(long)]
        changes_only: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Each paragraph with the revision that last changed it
    Blame {
        /// The article, by id or URL
        #[arg(value_name = "ID|URL")]
        target: String,
        /// Revision to blame (default: the latest)
        #[arg(value_name = "REV")]
        rev: Option<i64>,
        /// Blame whole paragraphs (default) or each sentence
        #[arg(long, value_enum, default_value_t = BlameBy::Paragraph)]
        by: BlameBy,
        /// JSON Lines output, one object per paragraph (or sentence)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Extract the article from HTML files (no database)
    Extract {
        /// Saved HTML files, or URLs to fetch once (politely, with the site's settings)
        #[arg(required = true, value_name = "FILE|URL")]
        inputs: Vec<String>,
        /// JSON Lines output, one object per input
        #[arg(long)]
        json: bool,
        /// CSS selector of the article body (instead of the generic extractor)
        #[arg(long, value_name = "CSS")]
        selector: Option<String>,
        /// The URL the saved page came from: a date in its path is read, as
        /// when tracking (one file only)
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Read saved files with this host's site rules from the config file
        #[arg(long, value_name = "HOST")]
        site: Option<String>,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Re-derive stored revisions from their raw pages with the current extractor
    #[command(
        long_about = "Re-derive every revision of the named articles (or --all) from the raw\n\
                      page stored with it, using the current extractor and site rules. The raw\n\
                      pages are never changed. A revision that now equals the one before it is\n\
                      marked technical in `log`: a change in how redline read the page, not an\n\
                      edit by the publisher."
    )]
    Reextract {
        /// Articles by id or URL
        #[arg(value_name = "ID|URL", required_unless_present = "all")]
        targets: Vec<String>,
        /// Every tracked article
        #[arg(long, conflicts_with = "targets")]
        all: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Serve the archive as web pages and a JSON API (read-only unless --allow-writes)
    #[command(
        long_about = "Serve the archive as web pages and a JSON API: the latest changes\n\
                      across every article (by kind of change, host and date), each article's\n\
                      timeline, each revision's diff with its evidence, search, status and\n\
                      Atom feeds; the API under /api/v1/. Read-only unless --allow-writes;\n\
                      no script from an article runs on the pages. Default address\n\
                      127.0.0.1:8080 (this machine only); any other is given with --listen,\n\
                      and one that other machines reach is warned about."
    )]
    Serve {
        /// The address to listen on (port 0: any free port)
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<String>,
        /// Add forms to track a URL, set a pace, untrack, resume and check now
        #[arg(
            long,
            long_help = "Add forms to track a URL, set an article's pace, untrack, resume and\n\
                         check now. Each form carries a token of this server's (CSRF); a URL\n\
                         given on the page reaches only public addresses (not loopback,\n\
                         private or link-local, nor redirects to them) unless the config\n\
                         says [serve] allow_private_addresses = true. Without it, every\n\
                         request but GET is refused (405)."
        )]
        allow_writes: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Is the tracker working? Failing articles, extraction alarms, last check
    Status {
        /// One JSON object
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Show the effective configuration
    Config {
        #[command(subcommand)]
        action: ConfigAction,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// The notification hooks of the config file: list them, send a test
    Hooks {
        #[command(subcommand)]
        action: HooksAction,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Export the history: jsonl, csv, md, html, atom, git or warc
    #[command(
        long_about = "Export stored revisions, read from the store (nothing is fetched or\n\
                      diffed again).\n\n\
                      jsonl  one JSON object per line: articles, then each revision with every\n\
                             field, classes, counts, hashes and its stored diff (-o FILE or -)\n\
                      csv    articles.csv and revisions.csv (-o FOLDER)\n\
                      md     a Markdown history with the changes (-o FILE or -)\n\
                      html   a static site: index, timelines, each revision's diff (-o FOLDER)\n\
                      atom   an Atom feed of changes, stable entry ids (-o FILE or -)\n\
                      git    a git repository, one commit per revision; run it again to add\n\
                             only the new ones (-o FOLDER)\n\
                      warc   WARC 1.1, gzip per record: request, response and metadata for\n\
                             every revision (-o FILE.warc.gz)"
    )]
    Export {
        /// Articles by id or URL
        #[arg(value_name = "ID|URL", required_unless_present = "all")]
        targets: Vec<String>,
        /// Every tracked article
        #[arg(long, conflicts_with = "targets")]
        all: bool,
        /// The format
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: FormatArg,
        /// Where to write (a file, `-` for stdout, or a folder for csv, html and git)
        #[arg(short = 'o', long, value_name = "PATH")]
        output: PathBuf,
        /// Only revisions captured at or after this date (RFC 3339 or YYYY-MM-DD, UTC)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only revisions captured before this date (RFC 3339 or YYYY-MM-DD, UTC)
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Only revisions with one of these change classes (e.g. headline,substantive)
        #[arg(long, value_name = "CLASS", value_delimiter = ',')]
        class: Vec<String>,
        /// jsonl: include each raw page (base64), for a backup `import` restores in full
        #[arg(long)]
        with_raw: bool,
        /// Replace an existing file, or write into a folder redline did not write
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Restore a jsonl export into the database
    Import {
        /// A file written by `redline export --format jsonl` (`-`: standard input)
        #[arg(value_name = "FILE.jsonl")]
        file: PathBuf,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Check the database: integrity, foreign keys, every blob re-hashed, every diff readable
    Verify {
        /// One JSON object
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Remove old raw pages by retention rules (text and diffs are always kept)
    #[command(
        long_about = "Remove the raw pages of old revisions, keeping those the rules name\n\
                      (a page either rule keeps stays). The hash and size of a removed page\n\
                      stay as evidence of what was there; the extracted text and the diffs\n\
                      of every revision are never removed. Blobs nothing uses are deleted.\n\
                      The file shrinks only with --vacuum."
    )]
    Gc {
        /// Keep the raw pages of each article's last N revisions
        #[arg(long, value_name = "N", required_unless_present = "keep_younger")]
        keep_last: Option<usize>,
        /// Keep the raw pages of revisions younger than this (e.g. 90d)
        #[arg(long, value_name = "DURATION")]
        keep_younger: Option<String>,
        /// Then rebuild the file to give the space back (VACUUM; can take a while)
        #[arg(long)]
        vacuum: bool,
        /// Say what would go and what it frees, change nothing
        #[arg(long)]
        dry_run: bool,
        /// Remove even when it frees under 10% of the file
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Run the whole pipeline on the bundled sample articles, offline
    Demo {
        /// Keep the demo database at PATH (must not exist yet)
        #[arg(long, value_name = "PATH")]
        keep: Option<PathBuf>,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Print a shell completion script
    #[command(
        long_about = "Print a shell completion script on stdout. For example:\n\
                            \n  redline completions bash > ~/.local/share/bash-completion/completions/redline\
                            \n  redline completions zsh > \"${fpath[1]}/_redline\"\
                            \n  redline completions fish > ~/.config/fish/completions/redline.fish"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
        #[command(flatten)]
        global: GlobalArgs,
    },
    /// Print the manual page (roff): of redline, or of one command
    #[command(
        long_about = "Print the manual page in roff on stdout: `redline man | man -l -`, or\n\
                            install it: `redline man > ~/.local/share/man/man1/redline.1`.\n\
                            `redline man COMMAND` prints that command's page (redline-COMMAND.1)."
    )]
    Man {
        /// A command (track, check, diff, …)
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
        #[command(flatten)]
        global: GlobalArgs,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_merge_with_the_later_place_winning() {
        let cli = Cli::try_parse_from([
            "redline",
            "--db",
            "a.db",
            "-v",
            "--timeout",
            "9",
            "diff",
            "x",
            "y",
            "--db",
            "b.db",
            "-v",
            "--no-pager",
            "--color",
            "never",
        ])
        .expect("parses");
        let g = cli.globals();
        assert_eq!(g.db, Some(PathBuf::from("b.db")));
        assert_eq!((g.verbose, g.timeout, g.no_pager), (2, Some(9), true));
        assert_eq!((g.color, g.quiet), (Some(ColorChoice::Never), false));
        let cli = Cli::try_parse_from(["redline", "-q", "config", "show", "--config", "c.toml"])
            .expect("parses");
        let g = cli.globals();
        assert_eq!((g.quiet, g.config), (true, Some(PathBuf::from("c.toml"))));
    }
}
