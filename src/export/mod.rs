//! History out: every stored revision in the formats its readers already use.
//!
//! An export reads the store only: stored articles, stored diffs, stored raw
//! pages. Nothing is fetched, extracted or diffed again. [`select`] picks the
//! articles and revisions (by article, time and change class); each format
//! module writes them.

pub mod atom;
pub mod csv;
pub mod git;
pub mod import;
pub mod jsonl;
pub mod markdown;
pub mod site;
pub mod warc;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::store::{ArticleRow, RevisionRow, Store, StoreError};

/// The formats `redline export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
    Markdown,
    Html,
    Atom,
    Git,
    Warc,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Atom => "atom",
            Format::Git => "git",
            Format::Warc => "warc",
        }
    }

    /// Whether the output is a folder (else a file, `-` for stdout where the
    /// format is text).
    pub fn is_folder(self) -> bool {
        matches!(self, Format::Csv | Format::Html | Format::Git)
    }
}

/// Why an export or import failed.
#[derive(Debug, Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {what}", path.display())]
    Invalid { path: PathBuf, what: String },
    #[error("git failed: {0}")]
    Git(String),
    #[error("{} exists; an export never replaces a file unasked", path.display())]
    Exists { path: PathBuf },
    #[error("folder {} holds files that redline did not write", path.display())]
    Foreign { path: PathBuf },
}

impl ExportError {
    pub fn write(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
        move |source| ExportError::Write {
            path: path.to_owned(),
            source,
        }
    }

    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ExportError::Store(e) => e.hint(),
            ExportError::Write { .. } => Some("choose another place with -o PATH"),
            ExportError::Invalid { .. } => {
                Some("import reads files written by `redline export --format jsonl`")
            }
            ExportError::Git(_) => Some("the git export needs git installed and on PATH"),
            ExportError::Read { .. } => None,
            ExportError::Exists { .. } => Some("choose a new name, or add --force to replace it"),
            ExportError::Foreign { .. } => {
                Some("choose a new or empty folder, or add --force to write into this one")
            }
        }
    }
}

/// Which revisions an export holds.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Captured at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Captured before this RFC 3339 time.
    pub until: Option<String>,
    /// Revisions with at least one of these change classes (empty: all).
    pub classes: Vec<crate::diff::Class>,
}

impl Filter {
    fn keeps(&self, r: &RevisionRow) -> bool {
        self.since
            .as_deref()
            .is_none_or(|s| r.captured_at.as_str() >= s)
            && self
                .until
                .as_deref()
                .is_none_or(|u| r.captured_at.as_str() < u)
            && (self.classes.is_empty() || r.classes.iter().any(|c| self.classes.contains(c)))
    }
}

/// An article and its selected revisions, oldest first.
#[derive(Debug, Clone)]
pub struct Selected {
    pub article: ArticleRow,
    pub revisions: Vec<RevisionRow>,
}

/// The articles to export with their revisions that pass `filter`. An article
/// with no revision left is still listed (its record says it is tracked).
pub fn select(
    store: &Store,
    articles: Vec<ArticleRow>,
    filter: &Filter,
) -> Result<Vec<Selected>, StoreError> {
    articles
        .into_iter()
        .map(|article| {
            let revisions = store
                .revisions(article.id)?
                .into_iter()
                .filter(|r| filter.keeps(r))
                .collect();
            Ok(Selected { article, revisions })
        })
        .collect()
}

/// What an export wrote.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub articles: usize,
    pub revisions: usize,
    /// Revisions left out because their raw page was pruned by `gc` (WARC).
    pub pruned: usize,
    /// Revisions already in the output (git, incremental).
    pub skipped: usize,
}

impl Report {
    fn of(selected: &[Selected]) -> Report {
        Report {
            articles: selected.len(),
            revisions: selected.iter().map(|s| s.revisions.len()).sum(),
            ..Report::default()
        }
    }
}

/// Writes `selected` as `format` at `path`.
pub fn export(
    store: &Store,
    selected: &[Selected],
    format: Format,
    path: &Path,
    options: &Options,
) -> Result<Report, ExportError> {
    check_target(path, format, options.force)?;
    match format {
        Format::Jsonl => jsonl::export(store, selected, path, options),
        Format::Csv => csv::export(store, selected, path),
        Format::Markdown => markdown::export(store, selected, path),
        Format::Html => site::export(store, selected, path),
        Format::Atom => atom::export(store, selected, path),
        Format::Git => git::export(store, selected, path),
        Format::Warc => warc::export(store, selected, path),
    }
}

/// Settings some formats take.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// JSON Lines: include each raw page (base64), for a full backup.
    pub with_raw: bool,
    /// Replace an existing file, or write into a folder holding files
    /// redline did not write.
    pub force: bool,
}

/// The file a folder export leaves in its folder, naming the format; a
/// folder holding it was written by redline and may be written again.
const MARKER: &str = ".redline-export";

/// Refuses to write where an export would replace what is not its own: an
/// existing file, or a non-empty folder redline did not write (the git
/// export's own repository is updated in place).
fn check_target(path: &Path, format: Format, force: bool) -> Result<(), ExportError> {
    if force || path == Path::new("-") || !path.exists() {
        return Ok(());
    }
    if !format.is_folder() {
        return Err(ExportError::Exists {
            path: path.to_owned(),
        });
    }
    let empty = std::fs::read_dir(path)
        .map_err(ExportError::write(path))?
        .next()
        .is_none();
    let ours = match format {
        Format::Git => path.join(".git").join(git::STATE).exists(),
        _ => std::fs::read_to_string(path.join(MARKER)).is_ok_and(|f| f.trim() == format.as_str()),
    };
    if empty || ours {
        Ok(())
    } else {
        Err(ExportError::Foreign {
            path: path.to_owned(),
        })
    }
}

/// Creates an export folder (and its parents), private to its owner, and
/// marks it as written by redline.
pub(crate) fn create_dir(dir: &Path, format: Format) -> Result<(), ExportError> {
    crate::store::private_dir(dir).map_err(ExportError::write(dir))?;
    if format != Format::Git {
        write_file(
            &dir.join(MARKER),
            format!("{}\n", format.as_str()).as_bytes(),
        )?;
    }
    Ok(())
}

/// Writes a whole file, readable by its owner only.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    std::io::Write::write_all(&mut create_file(path)?, bytes).map_err(ExportError::write(path))
}

/// Creates (or truncates) a file, readable by its owner only.
pub(crate) fn create_file(path: &Path) -> Result<std::fs::File, ExportError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(ExportError::write(path))
}

/// What a revision did, for headings, titles and commit messages: "first
/// version", or its change classes.
pub(crate) fn what_changed(r: &RevisionRow) -> String {
    if r.rev == 1 {
        "first version".to_owned()
    } else {
        crate::diff::Class::join(&r.classes, ", ")
    }
}

/// `+A −R words` when the revision added or removed words.
pub(crate) fn word_counts(r: &RevisionRow) -> Option<String> {
    (r.words_added + r.words_removed > 0)
        .then(|| format!("+{} −{} words", r.words_added, r.words_removed))
}

/// A revision's stored changes against the revision before it, as HTML
/// (with `side`, the side-by-side table after them); `None` for a first
/// revision or one without a stored diff.
pub(crate) fn changes_html(
    store: &Store,
    r: &RevisionRow,
    new: &crate::extract::Article,
    side: bool,
) -> Result<Option<String>, StoreError> {
    let context = crate::render::diff::ViewOptions::default().context;
    changes_html_with(store, r, new, side, context)
}

/// [`changes_html`] with `context` unchanged paragraphs around each change
/// (0: the changes only).
pub(crate) fn changes_html_with(
    store: &Store,
    r: &RevisionRow,
    new: &crate::extract::Article,
    side: bool,
    context: usize,
) -> Result<Option<String>, StoreError> {
    use crate::render::diff::{DiffInput, ViewOptions, html_changes, html_side};
    let Some(diff) = store.revision_diff(r)? else {
        return Ok(None);
    };
    let Some(before) = store.revision(r.article_id, r.rev - 1)? else {
        return Ok(None);
    };
    let old = store.revision_article(&before)?;
    let input = DiffInput {
        old: &old,
        new,
        diff: &diff,
        old_label: format!("revision {}", before.rev),
        new_label: format!("revision {}", r.rev),
        cite: None,
    };
    let o = ViewOptions {
        context,
        ..ViewOptions::default()
    };
    let mut html = Vec::new();
    html_changes(&mut html, &input, o)
        .and_then(|()| {
            if side {
                html.extend_from_slice(b"<h2>Side by side</h2>\n");
                html_side(&mut html, &input, o)?;
            }
            Ok(())
        })
        .expect("writing to memory cannot fail");
    Ok(Some(String::from_utf8_lossy(&html).into_owned()))
}

/// Opens a file for writing, or stdout for `-`.
pub(crate) fn create(path: &Path) -> Result<Box<dyn std::io::Write>, ExportError> {
    if path == Path::new("-") {
        return Ok(Box::new(std::io::BufWriter::new(std::io::stdout().lock())));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        crate::store::private_dir(dir).map_err(ExportError::write(dir))?;
    }
    Ok(Box::new(std::io::BufWriter::new(create_file(path)?)))
}

/// A short, stable, file-name-safe name for an article URL:
/// `host/path-words`, with a hash of the query when there is one.
pub fn slug(url: &str) -> String {
    let parsed = url::Url::parse(url).ok();
    let host = match parsed
        .as_ref()
        .and_then(|u| u.host_str().map(|h| (h, u.port())))
    {
        Some((h, Some(port))) => format!("{h}_{port}"),
        Some((h, None)) => h.to_owned(),
        None => "article".to_owned(),
    };
    let path = parsed.as_ref().map_or("", |u| u.path());
    let mut name: String = path
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    let mut name = name.trim_matches('-').to_owned();
    if name.len() > 80 {
        let cut = name.len() - 80;
        name = name[cut..].trim_start_matches('-').to_owned();
    }
    if parsed.as_ref().is_some_and(|u| u.query().is_some()) || name.is_empty() {
        let h = crate::fingerprint::sha256_hex(url.as_bytes());
        name = if name.is_empty() {
            h[..12].to_owned()
        } else {
            format!("{name}-{}", &h[..8])
        };
    }
    // The host names a folder: only letters, digits, dots, dashes and
    // underscores, and never a name of dots alone (`..`).
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let host = if host.trim_matches('.').is_empty() {
        "article".to_owned()
    } else {
        host
    };
    format!("{host}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_stable_and_safe() {
        assert_eq!(
            slug("https://news.example/2026/03/council-budget.html"),
            "news.example/2026-03-council-budget-html"
        );
        let q = slug("https://news.example/story?id=7");
        assert!(q.starts_with("news.example/story-"), "{q}");
        assert_ne!(q, slug("https://news.example/story?id=8"));
        let root = slug("http://127.0.0.1:8080/");
        assert!(root.starts_with("127.0.0.1_8080/"), "{root}");
        assert_ne!(
            slug("http://127.0.0.1:8080/a"),
            slug("http://127.0.0.1:9090/a")
        );
        // Whatever the URL, the slug is one folder and one file name, with
        // no way up.
        for url in [
            "http://../x",
            "http://./..",
            "http://[::1]:8080/../../etc/passwd",
            "http://a/%2e%2e/%2e%2e/b",
            "http://a/..%2f..%2fb",
            "not a url/../../x",
        ] {
            let s = slug(url);
            let parts: Vec<&str> = s.split('/').collect();
            assert_eq!(parts.len(), 2, "{url} → {s}");
            assert!(
                parts
                    .iter()
                    .all(|p| !p.is_empty() && !p.trim_matches('.').is_empty()),
                "{url} → {s}"
            );
        }
    }
}
