//! What is stored, shown: `list`, `log`, `show`, `blame`, `feeds`, `status`,
//! `config show`. These only read.

use super::*;

pub fn list(
    ctx: &Context,
    out: Out<'_>,
    json: bool,
    after: Option<i64>,
    limit: Option<usize>,
) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let items = store.summaries_after(after, limit)?;
    if json {
        for s in &items {
            json_line(out, &ArticleJson::new(s))?;
        }
    } else if items.is_empty() {
        ctx.status(&match after {
            Some(id) => format!("no articles after #{id}"),
            None => "no articles tracked yet; start with `redline track URL`".to_owned(),
        });
    } else {
        text::list(out, &ctx.painter, &items)?;
    }
    Ok(Status::Success)
}

pub fn log(ctx: &Context, out: Out<'_>, target: &str, json: bool) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let a = resolve(&store, target)?;
    let revisions = store.revisions(a.id)?;
    if json {
        for r in &revisions {
            json_line(out, &RevisionJson::new(r))?;
        }
    } else {
        let moved = moved_words(&store, &revisions)?;
        text::log(out, &ctx.painter, &revisions, &moved)?;
    }
    Ok(Status::Success)
}

/// Words moved by each revision that moved paragraphs (only their diffs
/// are read).
pub(crate) fn moved_words(
    store: &Store,
    revisions: &[RevisionRow],
) -> Result<std::collections::HashMap<i64, usize>, CliError> {
    let mut moved = std::collections::HashMap::new();
    for r in revisions
        .iter()
        .filter(|r| r.classes.contains(&crate::diff::Class::Moved))
    {
        if let Some(d) = store.revision_diff(r)? {
            moved.insert(r.id, d.stats.words_moved);
        }
    }
    Ok(moved)
}

pub fn show(
    ctx: &Context,
    out: Out<'_>,
    target: &str,
    rev: Option<i64>,
    raw: bool,
    json: bool,
) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let a = resolve(&store, target)?;
    let r = revision(&store, &a, rev)?;
    if raw {
        out.write_all(&store.blob(&r.raw_sha256)?)?;
        return Ok(Status::Success);
    }
    let article = store.revision_article(&r)?;
    if json {
        json_line(
            out,
            &ShowJson {
                revision: RevisionJson::new(&r),
                article: ArticleFields::new(&article),
            },
        )?;
    } else {
        writeln!(out, "{}", ctx.painter.paint(Role::Meta, &citation(&a, &r)))?;
        writeln!(out)?;
        if r.classes.contains(&crate::diff::Class::Takedown) {
            // The page was gone: say so, and where the last version is.
            let last = store
                .revisions(a.id)?
                .into_iter()
                .rev()
                .find(|p| p.rev < r.rev && !p.classes.contains(&crate::diff::Class::Takedown));
            let mut line = text::taken_down(
                &text::takedown_reason(r.http_status, Some(&r.final_url)),
                &r.captured_at,
            );
            if let Some(p) = last {
                line.push_str(&format!(
                    "; the last version is rev {} (`redline show {} {}`): {}",
                    p.rev,
                    a.id,
                    p.rev,
                    p.title.as_deref().unwrap_or("(no headline)")
                ));
            }
            writeln!(out, "{line}")?;
            return Ok(Status::Success);
        }
        text::article(out, &ctx.painter, &article)?;
    }
    Ok(Status::Success)
}

/// The line to cite a revision by: article, revision, capture time with its
/// zone, the URL and the SHA-256 of the page as it was served.
pub(super) fn citation(a: &ArticleRow, r: &RevisionRow) -> String {
    format!(
        "#{} rev {}, captured {} from {} (HTTP {}), page SHA-256 {}",
        a.id,
        r.rev,
        text::short_time(&r.captured_at),
        crate::fetch::redact(&r.final_url),
        r.http_status,
        r.raw_sha256
    )
}

/// `redline feeds`: the feeds and sitemaps being followed.
pub fn feeds(ctx: &Context, out: Out<'_>, json: bool) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    for f in store.feeds()? {
        if json {
            json_line(out, &crate::render::json::FeedJson::new(&f))?;
        } else {
            let p = &ctx.painter;
            writeln!(
                out,
                "{} {}",
                p.paint(Role::Header, &format!("feed #{}", f.id)),
                f.url
            )?;
            let mut meta = format!(
                "    {} articles, last read {}, last new article {}",
                f.articles,
                f.last_checked_at
                    .as_deref()
                    .map_or("never".to_owned(), text::short_time),
                f.last_new_at
                    .as_deref()
                    .map_or("never".to_owned(), text::short_time)
            );
            if let Some(e) = &f.last_error {
                meta.push_str(&format!(", last error: {e}"));
            }
            writeln!(out, "{}", p.paint(Role::Meta, &meta))?;
        }
    }
    Ok(Status::Success)
}

/// `redline blame`: each paragraph (or sentence) with the revision that last
/// changed it.
pub fn blame(
    ctx: &Context,
    out: Out<'_>,
    target: &str,
    rev: Option<i64>,
    sentences: bool,
    json: bool,
) -> Result<Status, CliError> {
    use crate::diff::blame::Origins;
    let store = ctx.store_read()?;
    let a = resolve(&store, target)?;
    let upto = revision(&store, &a, rev)?.rev;
    let revisions: Vec<_> = store
        .revisions(a.id)?
        .into_iter()
        .filter(|r| r.rev <= upto)
        .collect();
    let mut bodies: Vec<Article> = Vec::with_capacity(revisions.len());
    let mut origins: Option<Origins> = None;
    for (i, r) in revisions.iter().enumerate() {
        let article = store.revision_article(r)?;
        origins = Some(match (origins, bodies.last()) {
            (Some(o), Some(prev)) => {
                let ops = match store.revision_diff(r)? {
                    Some(d) => d.body,
                    None => diff_articles(prev, &article, &DiffOptions::default()).body,
                };
                o.step(&prev.body, &article.body, &ops, i)
            }
            _ => Origins::first(&article.body, i),
        });
        bodies.push(article);
    }
    let (Some(origins), Some(last)) = (origins, bodies.last()) else {
        return Ok(Status::Success);
    };
    let p = &ctx.painter;
    for (k, (para, (origin, sentence_origins))) in
        last.body.iter().zip(&origins.paragraphs).enumerate()
    {
        let units: Vec<(Option<usize>, &str, usize)> = if sentences {
            crate::diff::words::sentences(para)
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    (
                        Some(i + 1),
                        s,
                        sentence_origins.get(i).copied().unwrap_or(*origin),
                    )
                })
                .collect()
        } else {
            vec![(None, para.as_str(), *origin)]
        };
        for (sentence, text_unit, o) in units {
            let since = &revisions[o];
            if json {
                json_line(
                    out,
                    &crate::render::json::BlameJson {
                        kind: "blame",
                        article_id: a.id,
                        rev: upto,
                        paragraph: k + 1,
                        sentence,
                        text: text_unit,
                        since_rev: since.rev,
                        since: &since.captured_at,
                    },
                )?;
            } else {
                let label = format!("{:>4}  {}", since.rev, text::short_time(&since.captured_at));
                writeln!(out, "{}  {text_unit}", p.paint(Role::Meta, &label))?;
            }
        }
        if sentences && !json && k + 1 < last.body.len() {
            writeln!(out)?;
        }
    }
    Ok(Status::Success)
}

/// `redline status`: is the tracker working?
pub fn status(ctx: &Context, out: Out<'_>, json: bool) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let totals = store.totals()?;
    let problems = store.problems()?;
    let mut report = StatusJson::new(&totals, &problems);
    report.complete(&store, ctx.clock.now())?;
    if json {
        json_line(out, &report)?;
        return Ok(Status::Success);
    }
    let p = &ctx.painter;
    writeln!(
        out,
        "{} articles, {} revisions, {} checks; last check {}",
        report.articles,
        report.revisions,
        report.checks,
        report
            .last_checked_at
            .map_or("never".to_owned(), text::short_time)
    )?;
    for (title, items) in [
        ("failing", &report.failing),
        ("extraction alarms", &report.alarms),
    ] {
        if items.is_empty() {
            continue;
        }
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, &format!("{title} ({})", items.len()))
        )?;
        for i in items {
            writeln!(
                out,
                "  #{} since {} ({} check{}): {}",
                i.id,
                text::short_time(i.since),
                i.checks,
                plural(i.checks),
                i.error.unwrap_or("")
            )?;
        }
    }
    if !report.taken_down.is_empty() {
        let n = report.taken_down.len();
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, &format!("taken down ({n})"))
        )?;
        for t in &report.taken_down {
            writeln!(
                out,
                "  #{} {}: {}",
                t.id,
                text::taken_down(&t.by, &t.since),
                t.title.as_deref().unwrap_or("(no headline)")
            )?;
        }
    }
    let next = report
        .next_due_at
        .as_deref()
        .map_or("none".to_owned(), text::short_time);
    if let Some(pass) = &report.last_pass {
        let secs = pass.duration_ms as f64 / 1000.0;
        writeln!(
            out,
            "last pass: {}, {} article{} in {secs:.1} s ({:.0}/s), {} changed, {} failed",
            text::short_time(&pass.started_at),
            pass.articles,
            plural(pass.articles),
            pass.articles as f64 / secs.max(0.001),
            pass.changed,
            pass.failed
        )?;
    }
    writeln!(out, "due now: {}; next due: {next}", report.due_now)?;
    if let Some(w) = &report.workers {
        let held: Vec<String> = w
            .leases
            .iter()
            .map(|(name, n)| format!("{name} ({n} host{})", plural(*n)))
            .collect();
        writeln!(
            out,
            "workers: {}; {} notification{} waiting",
            if held.is_empty() {
                "none holding hosts".to_owned()
            } else {
                held.join(", ")
            },
            w.notifications_waiting,
            plural(w.notifications_waiting)
        )?;
    }
    if report.read_by_older_rules > 0 {
        let n = report.read_by_older_rules;
        writeln!(
            out,
            "{n} revision{} read by older extraction rules (their dates, headlines or \
             bylines may read differently now); `redline reextract --all` reads them again, \
             as technical changes",
            plural(n)
        )?;
    }
    if !report.refusing_hosts.is_empty() {
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, "hosts refusing (403/429)")
        )?;
        for (host, n) in &report.refusing_hosts {
            writeln!(
                out,
                "  {host}: {n} article{}",
                if *n == 1 { "" } else { "s" }
            )?;
        }
    }
    if !report.quiet_feeds.is_empty() {
        writeln!(
            out,
            "\n{}",
            p.paint(Role::Header, "feeds quiet for two days or more")
        )?;
        for f in &report.quiet_feeds {
            let last = f
                .last_new_at
                .as_deref()
                .map_or("never".to_owned(), text::short_time);
            writeln!(out, "  feed #{} {} (last new article: {last})", f.id, f.url)?;
        }
    }
    if !report.failed_notifications.is_empty() {
        writeln!(
            out,
            "\n{}",
            p.paint(
                Role::Header,
                &format!(
                    "notifications failed in the last week ({})",
                    report.failed_notifications.len()
                )
            )
        )?;
        for d in &report.failed_notifications {
            writeln!(
                out,
                "  {} for #{} rev {} at {} after {} attempt{}: {}",
                d.hook,
                d.article_id,
                d.rev,
                text::short_time(&d.attempted_at),
                d.attempts,
                plural(d.attempts),
                d.error.as_deref().unwrap_or("")
            )?;
        }
    }
    if report.failing.is_empty() && report.alarms.is_empty() && report.articles > 0 {
        writeln!(
            out,
            "{}",
            p.paint(Role::Meta, "no failing articles, no extraction alarms")
        )?;
    }
    Ok(Status::Success)
}

/// `redline config show`: every effective setting and its source.
pub fn config_show(ctx: &Context, out: Out<'_>) -> Result<Status, CliError> {
    let c = &ctx.config;
    let file = match &c.file {
        Some(p) => p.display().to_string(),
        None => match crate::config::default_path(&|k| std::env::var(k).ok()) {
            Some(p) => format!("(none: {} does not exist)", p.display()),
            None => "(none: no HOME or XDG_CONFIG_HOME to look in)".to_owned(),
        },
    };
    writeln!(out, "config file  = {file}")?;
    let db = match &ctx.db {
        Some(p) => format!("{}  # --db or REDLINE_DB", p.display()),
        None => crate::cli::default_db().map_or("(no data directory)".to_owned(), |p| {
            format!("{}  # default", p.display())
        }),
    };
    writeln!(out, "db           = {db}")?;
    writeln!(
        out,
        "timeout      = {}  # {}",
        c.timeout.value, c.timeout.source
    )?;
    let settings: [(&str, String, &crate::config::Source); 7] = [
        (
            "concurrency",
            c.concurrency.value.to_string(),
            &c.concurrency.source,
        ),
        (
            "host_concurrency",
            c.host_concurrency.value.to_string(),
            &c.host_concurrency.source,
        ),
        (
            "host_delay",
            format!("{}s", c.host_delay.value),
            &c.host_delay.source,
        ),
        ("retries", c.retries.value.to_string(), &c.retries.source),
        ("robots", c.robots.value.to_string(), &c.robots.source),
        (
            "extract_budget",
            format!("{}s", c.extract_budget.value),
            &c.extract_budget.source,
        ),
        (
            "times",
            if c.utc.value { "UTC" } else { "local" }.to_owned(),
            &c.utc.source,
        ),
    ];
    for (name, value, source) in settings {
        writeln!(out, "{name:<14} = {value}  # {source}")?;
    }
    writeln!(
        out,
        "user_agent   = {:?}  # {}",
        ctx.policy.user_agent, c.contact.source
    )?;
    let s = &c.schedule.value;
    writeln!(
        out,
        "schedule     = initial {}, factor {}, max {}, retire after {}  # {}",
        crate::schedule::format_duration(s.initial),
        s.factor,
        crate::schedule::format_duration(s.max),
        crate::schedule::format_duration(s.retire_after),
        c.schedule.source
    )?;
    for (i, h) in c.hooks.iter().enumerate() {
        let classes = if h.classes.is_empty() {
            "any change".to_owned()
        } else {
            h.classes.join(", ")
        };
        writeln!(
            out,
            "hook {}       = {} on {classes}  # {file}",
            i + 1,
            h.label()
        )?;
    }
    for (host, rule) in &c.sites {
        writeln!(out, "site {host:?}  # {file}")?;
        if let Some(s) = &rule.select {
            writeln!(out, "  select = {s:?}")?;
        }
        if !rule.remove.is_empty() {
            writeln!(out, "  remove = {:?}", rule.remove)?;
        }
        if let Some(t) = &rule.title {
            writeln!(out, "  title  = {t:?}")?;
        }
    }
    for (host, r) in &c.requests {
        writeln!(out, "requests to {host:?}  # {file}")?;
        for (name, value, secret) in &r.headers {
            let value = if *secret {
                "[from the environment]"
            } else {
                value
            };
            writeln!(out, "  header {name}: {value}")?;
        }
        if let Some(path) = &r.cookie_file {
            writeln!(
                out,
                "  cookies = {} ({} cookies)",
                path.display(),
                r.cookies.len()
            )?;
        }
        if let Some(ua) = &r.user_agent {
            writeln!(out, "  user_agent = {ua:?}")?;
        }
        if let Some(p) = &r.proxy {
            writeln!(out, "  proxy = {}", crate::fetch::redact(p))?;
        }
    }
    Ok(Status::Success)
}
