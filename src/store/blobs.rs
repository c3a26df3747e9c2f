//! Content-addressed blobs, compressed with zstd and, where it pays, stored as
//! a delta: compressed with the article's previous version as the dictionary,
//! so that a page whose one paragraph changed costs a few hundred bytes.
//!
//! A delta names its base; a chain of bases is at most [`MAX_DEPTH`] long, so
//! reading any blob decompresses at most that many others. A pruned blob
//! (`redline gc`) keeps its hash and size and loses its content.
//!
//! With an object store ([`super::objects`]), a whole raw page is written
//! there first and its row says `object`; deltas against it stay here.

use super::sql::{self, Conn, Optional, Tx, params};

use crate::fingerprint::sha256_hex;

/// The longest chain of bases behind a delta.
pub const MAX_DEPTH: i64 = 64;
const LEVEL: i32 = 3;

/// Why a blob could not be read.
#[derive(Debug)]
pub enum BlobError {
    Sql(sql::DbError),
    Missing(String),
    Pruned(String),
    Corrupt(String),
    /// In object storage, which this command cannot reach.
    Elsewhere(String),
}

/// Where blobs are read and written: the database, and the object store
/// when there is one.
pub trait Db {
    fn conn(&self) -> &Conn;
    fn objects(&self) -> Option<&Objects> {
        None
    }
}

#[cfg(feature = "objects")]
pub use super::objects::Objects;

/// Without the `objects` feature there is never an object store.
#[cfg(not(feature = "objects"))]
pub enum Objects {}

#[cfg(not(feature = "objects"))]
impl Objects {
    fn put(&self, _: &str, _: Vec<u8>) -> Result<(), String> {
        match *self {}
    }
    fn get(&self, _: &str) -> Result<Option<Vec<u8>>, String> {
        match *self {}
    }
    pub fn list(&self, _: jiff::Timestamp) -> Result<Vec<String>, String> {
        match *self {}
    }
    pub fn delete(&self, _: &str) -> Result<(), String> {
        match *self {}
    }
}

impl Db for Conn {
    fn conn(&self) -> &Conn {
        self
    }
}

impl Db for Tx<'_> {
    fn conn(&self) -> &Conn {
        self
    }
}

/// A connection with the object store beside it.
pub struct With<'a> {
    pub conn: &'a Conn,
    pub objects: Option<&'a Objects>,
}

impl Db for With<'_> {
    fn conn(&self) -> &Conn {
        self.conn
    }
    fn objects(&self) -> Option<&Objects> {
        self.objects
    }
}

impl From<sql::DbError> for BlobError {
    fn from(e: sql::DbError) -> Self {
        BlobError::Sql(e)
    }
}

struct Row {
    size: i64,
    codec: String,
    base: Option<String>,
    data: Vec<u8>,
}

fn row(conn: &Conn, sha: &str) -> sql::Result<Option<Row>> {
    conn.query_row(
        "SELECT size, codec, base, data FROM blobs WHERE sha256 = ?1",
        [sha],
        |r| {
            Ok(Row {
                size: r.get(0)?,
                codec: r.get(1)?,
                base: r.get(2)?,
                data: r.get(3)?,
            })
        },
    )
    .optional()
}

/// Stores `bytes` (if not already stored) and returns their hash. With
/// `prev`, the blob this one most likely resembles, the content is stored as
/// a delta against it when that is smaller.
pub fn put(db: &dyn Db, bytes: &[u8], prev: Option<&str>) -> Result<String, BlobError> {
    let conn = db.conn();
    let sha = sha256_hex(bytes);
    let codec: Option<String> = conn
        .query_row("SELECT codec FROM blobs WHERE sha256 = ?1", [&sha], |r| {
            r.get(0)
        })
        .optional()?;
    match codec.as_deref() {
        None => {}
        // Known by its hash only: the content is back.
        Some("pruned") => {
            conn.execute("DELETE FROM blobs WHERE sha256 = ?1", [&sha])?;
        }
        Some(_) => return Ok(sha),
    }
    let delta = match prev {
        Some(prev) => delta_against(db, prev, bytes)?,
        None => None,
    };
    // A delta under an eighth of the content beats any whole compression of
    // it; only a larger one is weighed against compressing the content alone.
    let delta = match delta {
        Some(d) if d.2.len() < bytes.len() / 8 => Ok(d),
        Some(d) => {
            let whole = compress(bytes);
            if d.2.len() < whole.len() {
                Ok(d)
            } else {
                Err(whole)
            }
        }
        None => Err(compress(bytes)),
    };
    match delta {
        Ok((base, depth, data)) => conn.execute(
            "INSERT INTO blobs (sha256, size, codec, data, base, depth)
             VALUES (?1, ?2, 'zstd-delta', ?3, ?4, ?5)
             ON CONFLICT DO NOTHING",
            params![sha, bytes.len() as i64, data, base, depth],
        )?,
        // Written to the object store before the row that names it.
        Err(whole) if let Some(objects) = db.objects() => {
            objects.put(&sha, whole).map_err(BlobError::Elsewhere)?;
            conn.execute(
                "INSERT INTO blobs (sha256, size, codec, data) VALUES (?1, ?2, 'object', ?3)
                 ON CONFLICT DO NOTHING",
                params![sha, bytes.len() as i64, [0u8; 0].as_slice()],
            )?
        }
        Err(whole) => conn.execute(
            "INSERT INTO blobs (sha256, size, codec, data) VALUES (?1, ?2, 'zstd', ?3)
             ON CONFLICT DO NOTHING",
            params![sha, bytes.len() as i64, whole],
        )?,
    };
    Ok(sha)
}

/// Records a blob known only by its hash and size (imported without its
/// content), unless it is already stored.
pub fn put_absent(db: &dyn Db, sha: &str, size: u64) -> sql::Result<()> {
    let conn = db.conn();
    conn.execute(
        "INSERT INTO blobs (sha256, size, codec, data) VALUES (?1, ?2, 'pruned', ?3)
         ON CONFLICT DO NOTHING",
        params![sha, size as i64, [0u8; 0].as_slice()],
    )?;
    Ok(())
}

/// `bytes` compressed with the content of `base` as dictionary, with the
/// depth the new blob would have; `None` when the base is unreadable or its
/// chain is already as long as allowed.
fn delta_against(
    db: &dyn Db,
    base: &str,
    bytes: &[u8],
) -> sql::Result<Option<(String, i64, Vec<u8>)>> {
    let Some(depth) = db
        .conn()
        .query_row(
            "SELECT depth FROM blobs WHERE sha256 = ?1 AND codec != 'pruned'",
            [base],
            |r| r.get::<i64>(0),
        )
        .optional()?
    else {
        return Ok(None);
    };
    if depth + 1 > MAX_DEPTH {
        return Ok(None);
    }
    let Ok(dictionary) = get(db, base) else {
        return Ok(None);
    };
    Ok(Some((
        base.to_owned(),
        depth + 1,
        compress_against(&dictionary, bytes),
    )))
}

/// A blob's content, decompressed (following its chain of bases) and checked
/// against its hash.
pub fn get(db: &dyn Db, sha: &str) -> Result<Vec<u8>, BlobError> {
    let conn = db.conn();
    // Walk down to a whole blob, then decode back up.
    let mut chain = Vec::new();
    let mut next = Some(sha.to_owned());
    while let Some(s) = next {
        let mut r = row(conn, &s)?.ok_or_else(|| BlobError::Missing(s.clone()))?;
        load(db, &s, &mut r)?;
        if chain.len() as i64 > MAX_DEPTH * 4 {
            return Err(BlobError::Corrupt(format!(
                "blob {sha} has a cycle of bases"
            )));
        }
        next = r.base.clone();
        chain.push((s, r));
    }
    let mut content: Option<Vec<u8>> = None;
    for (s, r) in chain.into_iter().rev() {
        if r.codec == "pruned" {
            return Err(BlobError::Pruned(s));
        }
        let bytes = decode(&s, &r, content.as_deref())
            .map_err(|what| BlobError::Corrupt(format!("blob {s} {what}")))?;
        content = Some(bytes);
    }
    content.ok_or_else(|| BlobError::Missing(sha.to_owned()))
}

/// Brings an `object` row's content in from the object store (it is then
/// read as a whole blob).
fn load(db: &dyn Db, sha: &str, r: &mut Row) -> Result<(), BlobError> {
    if r.codec != "object" {
        return Ok(());
    }
    let Some(objects) = db.objects() else {
        return Err(BlobError::Elsewhere(format!(
            "the raw page {sha} is in object storage, which was not given"
        )));
    };
    r.data = objects
        .get(sha)
        .map_err(BlobError::Elsewhere)?
        .ok_or_else(|| BlobError::Missing(format!("{sha} (in {})", objects_url(objects))))?;
    r.codec = "zstd".into();
    Ok(())
}

#[cfg(feature = "objects")]
fn objects_url(o: &Objects) -> &str {
    &o.url
}

#[cfg(not(feature = "objects"))]
fn objects_url(o: &Objects) -> &str {
    match *o {}
}

/// One blob's content from its row and (for a delta) its base's content,
/// checked against its hash; the error says what is wrong with it.
fn decode(sha: &str, r: &Row, base: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let size = usize::try_from(r.size).unwrap_or(0);
    let bytes = match (r.codec.as_str(), base) {
        ("zstd", None) => zstd::bulk::decompress(&r.data, size).map_err(|e| e.to_string()),
        ("zstd-delta", Some(base)) => decompress_against(base, &r.data, size),
        (codec, _) => return Err(format!("has an unexpected codec {codec}")),
    }
    .map_err(|e| format!("does not decompress: {e}"))?;
    if sha256_hex(&bytes) != sha {
        return Err("does not match its hash".into());
    }
    Ok(bytes)
}

fn compress(bytes: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(bytes, LEVEL).expect("compressing to memory cannot fail")
}

/// `bytes` compressed with `base` as history (a zstd prefix: like a raw
/// content dictionary, without the cost of digesting it first).
fn compress_against(base: &[u8], bytes: &[u8]) -> Vec<u8> {
    use zstd::zstd_safe::{CCtx, CParameter};
    let mut cctx = CCtx::create();
    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(bytes.len()));
    cctx.set_parameter(CParameter::CompressionLevel(LEVEL))
        .and_then(|_| cctx.ref_prefix(base))
        .and_then(|_| cctx.compress2(&mut out, bytes))
        .expect("compressing to memory cannot fail");
    out
}

/// The content of a delta compressed against `base`.
fn decompress_against(base: &[u8], data: &[u8], size: usize) -> Result<Vec<u8>, String> {
    use zstd::zstd_safe::DCtx;
    let mut dctx = DCtx::create();
    let mut out = Vec::with_capacity(size);
    dctx.ref_prefix(base)
        .and_then(|_| dctx.decompress(&mut out, data))
        .map_err(|code| zstd::zstd_safe::get_error_name(code).to_owned())?;
    Ok(out)
}

/// Stores a blob whole again (no base), so that its base can go.
pub fn make_whole(db: &dyn Db, sha: &str) -> Result<(), BlobError> {
    let conn = db.conn();
    let bytes = get(db, sha)?;
    let whole = compress(&bytes);
    conn.execute(
        "UPDATE blobs SET codec = 'zstd', data = ?2, base = NULL, depth = 0 WHERE sha256 = ?1",
        params![sha, whole],
    )?;
    Ok(())
}

/// Removes a blob's content, keeping its hash and size. Blobs that use it as
/// their base are first stored whole.
pub fn prune(db: &dyn Db, sha: &str) -> Result<(), BlobError> {
    let conn = db.conn();
    let dependents: Vec<String> =
        conn.query_map("SELECT sha256 FROM blobs WHERE base = ?1", [sha], |r| {
            r.get(0)
        })?;
    for d in dependents {
        make_whole(db, &d)?;
    }
    conn.execute(
        "UPDATE blobs SET codec = 'pruned', data = ?2, base = NULL, depth = 0 WHERE sha256 = ?1",
        params![sha, [0u8; 0].as_slice()],
    )?;
    Ok(())
}

/// Deletes blobs no revision uses and no other blob builds on; returns how
/// many went.
pub fn remove_orphans(db: &dyn Db) -> sql::Result<usize> {
    let conn = db.conn();
    let mut total = 0;
    loop {
        let n = conn.execute(
            "DELETE FROM blobs WHERE sha256 NOT IN (SELECT raw_sha256 FROM revisions)
                 AND sha256 NOT IN (SELECT text_sha256 FROM revisions)
                 AND sha256 NOT IN (SELECT base FROM blobs WHERE base IS NOT NULL)",
            params![],
        )?;
        if n == 0 {
            return Ok(total);
        }
        total += n;
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default)]
pub struct BlobCheck {
    /// Blobs decoded and re-hashed.
    pub checked: usize,
    /// Blobs whose content `gc` removed (hash and size kept).
    pub pruned: usize,
    /// One line per blob that is missing its base, fails to decode, or does
    /// not match its hash (with the blobs built on it).
    pub problems: Vec<(String, String)>,
}

/// Decodes and re-hashes every blob, each once: whole blobs first, then the
/// deltas built on each, depth first, so only one chain is held in memory.
pub fn verify(db: &dyn Db) -> sql::Result<BlobCheck> {
    let conn = db.conn();
    let mut report = BlobCheck::default();
    let total: i64 = conn.query_row("SELECT count(*) FROM blobs", params![], |r| r.get(0))?;
    report.pruned = conn.query_row(
        "SELECT count(*) FROM blobs WHERE codec = 'pruned'",
        params![],
        |r| r.get::<i64>(0),
    )? as usize;
    let roots: Vec<String> = conn.query_map(
        "SELECT sha256 FROM blobs WHERE base IS NULL AND codec != 'pruned'",
        params![],
        |r| r.get(0),
    )?;
    let mut visited = report.pruned;
    let mut stack: Vec<(String, Option<std::rc::Rc<Vec<u8>>>)> =
        roots.into_iter().map(|s| (s, None)).collect();
    while let Some((sha, dict)) = stack.pop() {
        visited += 1;
        let Some(mut r) = row(conn, &sha)? else {
            continue;
        };
        if let Err(e) = load(db, &sha, &mut r) {
            report.problems.push((
                sha.clone(),
                match e {
                    BlobError::Missing(_) => "its object is missing from the object store".into(),
                    BlobError::Elsewhere(what) | BlobError::Corrupt(what) => what,
                    BlobError::Pruned(_) => "it was pruned".into(),
                    BlobError::Sql(e) => return Err(e),
                },
            ));
            continue;
        }
        let bytes = match decode(&sha, &r, dict.as_deref().map(Vec::as_slice)) {
            Ok(bytes) => bytes,
            Err(what) => {
                report.problems.push((sha.clone(), what));
                continue;
            }
        };
        report.checked += 1;
        let content = std::rc::Rc::new(bytes);
        conn.each("SELECT sha256 FROM blobs WHERE base = ?1", [&sha], |r| {
            stack.push((r.get(0)?, Some(content.clone())));
            Ok(())
        })?;
    }
    let dangling: Vec<String> = conn.query_map(
        "SELECT sha256 FROM blobs WHERE base IS NOT NULL
             AND base NOT IN (SELECT sha256 FROM blobs WHERE codec != 'pruned')",
        params![],
        |r| r.get(0),
    )?;
    let unreached = (total as usize).saturating_sub(visited + dangling.len());
    for sha in dangling {
        report
            .problems
            .push((sha, "the blob it is a delta against is missing".into()));
    }
    if unreached > 0 {
        report.problems.push((
            String::new(),
            format!("{unreached} blobs built on damaged ones could not be checked"),
        ));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_delta_and_a_raw_dictionary_delta_read_the_same() {
        let base: Vec<u8> = (0..50_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let mut next = base.clone();
        next[1000..1010].copy_from_slice(b"0123456789");
        let by_prefix = compress_against(&base, &next);
        assert!(by_prefix.len() < 200, "{} bytes", by_prefix.len());
        assert_eq!(
            decompress_against(&base, &by_prefix, next.len()).unwrap(),
            next
        );
        // Blobs written with a raw-content dictionary read the same way.
        let by_dict = zstd::bulk::Compressor::with_dictionary(LEVEL, &base)
            .and_then(|mut c| c.compress(&next))
            .unwrap();
        assert_eq!(
            decompress_against(&base, &by_dict, next.len()).unwrap(),
            next
        );
    }
}
