//! History out and upkeep: `export`, `import`, `verify`, `gc`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{CliError, Context, Status, json_line, parse_date, plural, resolve};
use crate::cli::args::FormatArg;
use crate::diff::Class;
use crate::export::{self, Filter, Format, Options};
use crate::store::GcRules;

pub struct ExportArgs {
    pub format: FormatArg,
    pub output: PathBuf,
    pub since: Option<String>,
    pub until: Option<String>,
    pub classes: Vec<String>,
    pub with_raw: bool,
    pub force: bool,
}

pub fn export(ctx: &Context, targets: &[String], args: ExportArgs) -> Result<Status, CliError> {
    let format = match args.format {
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Csv => Format::Csv,
        FormatArg::Md => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Atom => Format::Atom,
        FormatArg::Git => Format::Git,
        FormatArg::Warc => Format::Warc,
    };
    let names = Class::names();
    if let Some(bad) = args.classes.iter().find(|c| !names.contains(&c.as_str())) {
        return Err(
            CliError::usage(format!("--class {bad:?} is not a change class"))
                .hint(format!("use one or more of: {}", names.join(", "))),
        );
    }
    if format.is_folder() && args.output == Path::new("-") {
        return Err(CliError::usage(format!(
            "the {} export is a folder and cannot go to stdout",
            format.as_str()
        ))
        .hint("name a folder with -o PATH"));
    }
    if format == Format::Warc && args.output == Path::new("-") {
        return Err(
            CliError::usage("the warc export is binary and cannot go to stdout")
                .hint("name a file with -o PATH.warc.gz"),
        );
    }
    if format.is_folder() && args.output.is_file() {
        return Err(CliError::usage(format!(
            "{} is a file; the {} export writes a folder",
            args.output.display(),
            format.as_str()
        ))
        .hint("name a folder (new or existing) with -o PATH"));
    }
    if !format.is_folder() && args.output.is_dir() {
        return Err(CliError::usage(format!(
            "{} is a folder; the {} export is one file",
            args.output.display(),
            format.as_str()
        ))
        .hint("name a file with -o PATH"));
    }
    let filter = Filter {
        since: args.since.map(|d| parse_date("--since", &d)).transpose()?,
        until: args.until.map(|d| parse_date("--until", &d)).transpose()?,
        classes: args
            .classes
            .iter()
            .filter_map(|c| Class::parse(c))
            .collect(),
    };
    let store = ctx.store_read()?;
    let articles = if targets.is_empty() {
        store.articles()?
    } else {
        targets
            .iter()
            .map(|t| resolve(&store, t))
            .collect::<Result<_, _>>()?
    };
    let selected = export::select(&store, articles, &filter)?;
    let options = Options {
        with_raw: args.with_raw,
        force: args.force,
    };
    let report = export::export(&store, &selected, format, &args.output, &options)?;
    let mut line = format!(
        "exported {} article{} and {} revision{} as {} to {}",
        report.articles,
        plural(report.articles),
        report.revisions,
        plural(report.revisions),
        format.as_str(),
        args.output.display()
    );
    if report.skipped > 0 {
        line.push_str(&format!(" ({} already there)", report.skipped));
    }
    if report.pruned > 0 {
        line.push_str(&format!(
            " ({} left out: raw page removed by gc)",
            report.pruned
        ));
    }
    if args.output != Path::new("-") {
        ctx.status(&line);
    }
    Ok(Status::Success)
}

pub fn import(ctx: &Context, file: &Path) -> Result<Status, CliError> {
    let mut store = ctx.store()?;
    let counts = export::import::import(&mut store, file)?;
    ctx.status(&format!(
        "imported {} new article{} and {} revision{} ({} already stored)",
        counts.articles,
        plural(counts.articles),
        counts.revisions,
        plural(counts.revisions),
        counts.present
    ));
    Ok(Status::Success)
}

#[derive(Serialize)]
struct VerifyJson<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    ok: bool,
    revisions: usize,
    blobs_checked: usize,
    blobs_pruned: usize,
    problems: &'a [String],
}

pub fn verify(ctx: &Context, out: &mut dyn Write, json: bool) -> Result<Status, CliError> {
    let store = ctx.store_read()?;
    let v = store.verify()?;
    if json {
        json_line(
            out,
            &VerifyJson {
                kind: "verify",
                ok: v.problems.is_empty(),
                revisions: v.revisions,
                blobs_checked: v.blobs,
                blobs_pruned: v.pruned,
                problems: &v.problems,
            },
        )?;
    } else {
        for p in &v.problems {
            writeln!(out, "{p}")?;
        }
        let summary = format!(
            "{}: {} revisions, {} blobs re-hashed, {} raw pages removed by gc, {} problem{}",
            store.path().display(),
            v.revisions,
            v.blobs,
            v.pruned,
            v.problems.len(),
            plural(v.problems.len())
        );
        if v.problems.is_empty() {
            writeln!(out, "{summary}: all good")?;
        } else {
            writeln!(out, "{summary}")?;
            ctx.hint("keep a copy of the file; `redline export --format jsonl --with-raw` saves what is readable");
        }
    }
    Ok(Status::failed_if(!v.problems.is_empty()))
}

pub fn gc(
    ctx: &Context,
    keep_last: Option<usize>,
    keep_younger: Option<&str>,
    vacuum: bool,
    dry_run: bool,
    force: bool,
) -> Result<Status, CliError> {
    let keep_since = match keep_younger {
        Some(d) => {
            let age = crate::schedule::parse_duration(d).ok_or_else(|| {
                CliError::usage(format!("--keep-younger {d:?} is not a duration"))
                    .hint("write it like 90d, 12h or 2w")
            })?;
            let since = ctx.clock.now() - jiff::SignedDuration::try_from(age).unwrap_or_default();
            Some(crate::clock::rfc3339(since))
        }
        None => None,
    };
    let mut store = ctx.store()?;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let file_before = size(store.path());
    let report = store.gc(
        &GcRules {
            keep_last,
            keep_since,
            min_saving: if force { 0.0 } else { MIN_SAVING },
        },
        dry_run,
    )?;
    let what = format!(
        "the raw pages of {} revision{} and {} unused blob{}",
        report.pruned,
        plural(report.pruned),
        report.orphans,
        plural(report.orphans),
    );
    let amount = format!(
        "{} KB ({:.1}%) of the {} KB file",
        report.saving() / 1024,
        report.share() * 100.0,
        report.file_bytes / 1024
    );
    if dry_run {
        ctx.status(&format!("would remove {what}: frees {amount}"));
        if report.refused {
            ctx.hint(
                "under 10%: gc would refuse this without --force; raw pages are the evidence of what was served",
            );
        }
        return Ok(Status::Success);
    }
    if report.refused {
        return Err(CliError::runtime(format!(
            "gc removed nothing: removing {what} would free {amount} only"
        ))
        .hint("raw pages are the evidence of what was served; add --force to remove them anyway"));
    }
    ctx.status(&format!("removed {what}: frees {amount}"));
    if vacuum {
        store.vacuum()?;
        ctx.status(&format!(
            "vacuumed: the file went from {} KB to {} KB",
            file_before / 1024,
            size(store.path()) / 1024
        ));
    } else if report.saving() > 0 {
        ctx.hint("the file keeps its size until `redline gc --vacuum`; the freed space is reused");
    }
    Ok(Status::Success)
}

/// The least share of the file that `gc` removes evidence for, unasked.
const MIN_SAVING: f64 = 0.10;
