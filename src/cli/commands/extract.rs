//! `extract` (a file or URL, no store) and `reextract` (stored raw pages).

use super::*;

/// How `extract` reads its inputs.
#[derive(Debug, Clone, Default)]
pub struct ExtractHow {
    pub json: bool,
    /// `--selector`: the body's CSS selector, over any site rule.
    pub selector: Option<String>,
    /// `--url`: the URL one saved file came from.
    pub url: Option<String>,
    /// `--site`: read saved files with this host's site rules.
    pub site: Option<String>,
}

/// `redline extract FILE|URL...`: what would be recorded, with today's
/// rules. A URL is fetched once, politely (robots.txt, the site's headers,
/// cookies and credentials), and read with its host's rules; a saved file
/// with `--site HOST`'s (or `--url`'s host's) rules: the loop for writing a
/// site rule.
pub async fn extract(
    ctx: &Context,
    out: Out<'_>,
    inputs: &[String],
    how: &ExtractHow,
) -> Result<Status, CliError> {
    if let Some(u) = &how.url {
        if inputs.len() > 1 {
            return Err(CliError::usage(
                "--url names the page of one file; give one FILE with it",
            ));
        }
        url::Url::parse(u)
            .map_err(|e| CliError::usage(format!("--url {u:?} is not a URL: {e}")))?;
    }
    if let Some(css) = &how.selector {
        let rule = crate::extract::SiteRule {
            select: Some(css.clone()),
            ..Default::default()
        };
        crate::extract::validate_rule(&rule).map_err(|e| CliError::usage(e.to_string()))?;
    }
    if let Some(host) = &how.site
        && ctx.config.rule_for(host).is_none()
    {
        ctx.hint(&format!(
            "no [sites.\"{host}\"] rule in the config file: the generic extractor reads the page"
        ));
    }
    // The rule of a host, with --selector over its body selector.
    let rule_of = |host: Option<&str>| {
        let mut rule = host.and_then(|h| ctx.config.rule_for(h)).cloned();
        if let Some(css) = &how.selector {
            rule.get_or_insert_with(Default::default).select = Some(css.clone());
        }
        rule
    };
    let mut fetcher = None;
    let mut failed = false;
    for input in inputs {
        let is_url = input.starts_with("http://") || input.starts_with("https://");
        let read = if is_url {
            let fetcher = match &fetcher {
                Some(f) => f,
                None => fetcher.insert(ctx.fetcher()?),
            };
            fetch_page(ctx, fetcher, input, &rule_of).await
        } else {
            let host = how.site.clone().or_else(|| {
                how.url
                    .as_deref()
                    .and_then(|u| url::Url::parse(u).ok()?.host_str().map(str::to_owned))
            });
            read_file(input).and_then(|html| {
                let opts = crate::extract::ExtractOptions {
                    rule: rule_of(host.as_deref()),
                    url: how.url.clone(),
                };
                crate::extract::extract_with(&html, &opts).map_err(|e| format!("{input}: {e}"))
            })
        };
        let article = match read {
            Ok(a) => a,
            Err(e) => {
                out.flush()?;
                ctx.item_error(&e);
                failed = true;
                continue;
            }
        };
        let name = if is_url {
            crate::fetch::redact(input).into_owned()
        } else {
            input.clone()
        };
        if how.json {
            json_line(
                out,
                &ExtractJson {
                    kind: "extract",
                    path: &name,
                    article: ArticleFields::new(&article),
                },
            )?;
        } else {
            if inputs.len() > 1 {
                writeln!(out, "==> {name} <==")?;
            }
            text::article(out, &ctx.painter, &article)?;
        }
    }
    Ok(Status::failed_if(failed))
}

/// A saved page's text, decoded as a browser would.
fn read_file(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{path}: no such file"),
        _ => format!("cannot read {path}: {e}"),
    })?;
    Ok(crate::fetch::charset::decode(&bytes, None).0)
}

/// Fetches `input` once and reads it with its host's rules.
async fn fetch_page(
    ctx: &Context,
    fetcher: &crate::fetch::Fetcher,
    input: &str,
    rule_of: &dyn Fn(Option<&str>) -> Option<crate::extract::SiteRule>,
) -> Result<Article, String> {
    let url = parse_url(input).map_err(|e| e.to_string())?;
    // Credentials from the config file, as a check would send them.
    let opts = tracker_options(ctx);
    let with_credentials = match url.host_str() {
        Some(host) => match crate::extract::rule_for(&opts.credentials, host) {
            Some(c) => c.apply(url.as_str()),
            None => url.to_string(),
        },
        None => url.to_string(),
    };
    let fetch_url = url::Url::parse(&with_credentials).map_err(|e| e.to_string())?;
    let shown = crate::fetch::redact(url.as_str()).into_owned();
    let page = match fetcher
        .fetch(&fetch_url, &crate::fetch::Validators::default())
        .await
    {
        Ok(crate::fetch::Fetched::Page(page)) => page,
        Ok(crate::fetch::Fetched::Gone(page)) => {
            return Err(format!(
                "{shown}: HTTP {}: the page is gone",
                page.response.status
            ));
        }
        Ok(crate::fetch::Fetched::NotModified(_)) => {
            return Err(format!("{shown}: HTTP 304 to an unconditional request"));
        }
        Err(e) => {
            let hint = e.hint().map(|h| format!(" ({h})")).unwrap_or_default();
            return Err(format!("{}{hint}", crate::errors::one_line(&e)));
        }
    };
    let opts = crate::extract::ExtractOptions {
        rule: rule_of(url.host_str()),
        url: Some(url.to_string()),
    };
    crate::extract::extract_with(&page.html, &opts).map_err(|e| format!("{shown}: {e}"))
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
    if all {
        // The whole search index is built again first, whatever state its
        // words' index is in.
        store.rebuild_search_index()?;
    }
    let opts = tracker_options(ctx);
    let (mut changed, mut metadata, mut failed) = (0, 0, false);
    for a in &articles {
        let r = crate::tracker::reextract(&mut store, a, &opts)?;
        changed += r.changed;
        metadata += r.metadata;
        writeln!(
            out,
            "#{}: {} revision{}, {} re-derived, {} technical, {} with dates or other fields read anew",
            a.id,
            r.revisions,
            plural(r.revisions),
            r.changed,
            r.technical,
            r.metadata
        )?;
        for e in &r.errors {
            failed = true;
            out.flush()?;
            ctx.item_error(&format!("#{}: {e} (kept as recorded)", a.id));
        }
    }
    ctx.status(&format!(
        "re-extracted {} article{}, {changed} revision{} changed, {metadata} with dates or other fields read anew",
        articles.len(),
        if articles.len() == 1 { "" } else { "s" },
        plural(changed)
    ));
    Ok(Status::failed_if(failed))
}
