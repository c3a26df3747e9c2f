//! `extract` (a file or URL, no store) and `reextract` (stored raw pages).

use super::*;

pub fn extract(
    ctx: &Context,
    out: Out<'_>,
    files: &[PathBuf],
    json: bool,
    selector: Option<String>,
    url: Option<String>,
) -> Result<Status, CliError> {
    if let Some(u) = &url {
        if files.len() > 1 {
            return Err(CliError::usage(
                "--url names the page of one file; give one FILE with it",
            ));
        }
        url::Url::parse(u)
            .map_err(|e| CliError::usage(format!("--url {u:?} is not a URL: {e}")))?;
    }
    let opts = crate::extract::ExtractOptions {
        rule: selector.map(|css| crate::extract::SiteRule {
            select: Some(css),
            ..Default::default()
        }),
        url,
    };
    if let Some(rule) = &opts.rule {
        crate::extract::validate_rule(rule).map_err(|e| CliError::usage(e.to_string()))?;
    }
    let mut failed = false;
    for path in files {
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                out.flush()?;
                ctx.item_error(&format!("cannot read {name}: {e}"));
                failed = true;
                continue;
            }
        };
        let (html, _) = crate::fetch::charset::decode(&bytes, None);
        let article = match crate::extract::extract_with(&html, &opts) {
            Ok(a) => a,
            Err(e) => {
                out.flush()?;
                ctx.item_error(&format!("{name}: {e}"));
                failed = true;
                continue;
            }
        };
        if json {
            json_line(
                out,
                &ExtractJson {
                    kind: "extract",
                    path: &name,
                    article: ArticleFields::new(&article),
                },
            )?;
        } else {
            if files.len() > 1 {
                writeln!(out, "==> {name} <==")?;
            }
            text::article(out, &ctx.painter, &article)?;
        }
    }
    Ok(Status::failed_if(failed))
}

/// `redline reextract`: re-derive revisions from their raw pages.
pub fn reextract(
    ctx: &Context,
    out: Out<'_>,
    targets: &[String],
    all: bool,
) -> Result<Status, CliError> {
    let mut store = ctx.store()?;
    let articles = targets_or_all(&store, targets, all)?;
    let opts = tracker_options(ctx);
    let (mut changed, mut failed) = (0, false);
    for a in &articles {
        let r = crate::tracker::reextract(&mut store, a, &opts)?;
        changed += r.changed;
        writeln!(
            out,
            "#{}: {} revision{}, {} re-derived, {} technical",
            a.id,
            r.revisions,
            plural(r.revisions),
            r.changed,
            r.technical
        )?;
        for e in &r.errors {
            failed = true;
            out.flush()?;
            ctx.item_error(&format!("#{}: {e} (kept as recorded)", a.id));
        }
    }
    ctx.status(&format!(
        "re-extracted {} article{}, {changed} revision{} changed",
        articles.len(),
        if articles.len() == 1 { "" } else { "s" },
        plural(changed)
    ));
    Ok(Status::failed_if(failed))
}
