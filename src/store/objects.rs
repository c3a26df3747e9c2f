//! Raw pages in object storage (`--blobs file:///path` or `--blobs
//! s3://bucket/prefix`, any S3-compatible store): whole pages are written
//! there, zstd-compressed and keyed by their SHA-256, *before* the row that
//! names them, so a crash leaves at most an object no row names, which `gc`
//! sweeps. Deltas and extracted texts stay in the database. S3 takes its
//! credentials and endpoint from the usual `AWS_*` variables
//! (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_REGION`).
//!
//! The store is synchronous; the object store's calls run on a runtime of
//! their own and the caller waits for them, as for SQLite.
//!
//! Must not: know of rows; the `blobs` family decides what goes where.

use std::sync::Arc;

use futures_util::StreamExt;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// An object store holding raw pages.
pub struct Objects {
    store: Arc<dyn ObjectStore>,
    prefix: Key,
    /// Always there until dropped.
    runtime: Option<tokio::runtime::Runtime>,
    /// The URL, as given.
    pub url: String,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Objects").field("url", &self.url).finish()
    }
}

impl Drop for Objects {
    fn drop(&mut self) {
        // The store may be dropped inside an async command, where waiting
        // for the runtime's threads is not allowed; every call has ended.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Objects {
    /// Opens the store a `file://` or `s3://` URL names (creating a
    /// `file://` folder if needed).
    pub fn open(url: &str) -> Result<Objects, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
        let (store, prefix): (Arc<dyn ObjectStore>, Key) = match parsed.scheme() {
            "file" => {
                let dir = parsed
                    .to_file_path()
                    .map_err(|()| format!("{url} does not name a local folder"))?;
                crate::store::private_dir(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                let fs = object_store::local::LocalFileSystem::new_with_prefix(&dir)
                    .map_err(|e| e.to_string())?;
                (Arc::new(fs), Key::default())
            }
            "s3" => {
                let mut builder = object_store::aws::AmazonS3Builder::from_env().with_url(url);
                if let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL") {
                    builder = builder
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_endpoint(endpoint);
                }
                let s3 = builder.build().map_err(|e| e.to_string())?;
                let prefix = parsed.path().trim_matches('/');
                (Arc::new(s3), Key::from(prefix))
            }
            other => {
                return Err(format!(
                    "{url}: object storage is file:// or s3://, not {other}://"
                ));
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("objects")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Objects {
            store,
            prefix,
            runtime: Some(runtime),
            url: url.to_owned(),
        })
    }

    /// Runs one call on the store's runtime and waits for it.
    fn run<T: Send + 'static>(
        &self,
        f: impl std::future::Future<Output = object_store::Result<T>> + Send + 'static,
    ) -> Result<T, String> {
        let Some(runtime) = &self.runtime else {
            return Err("the object store was closed".into());
        };
        let task = runtime.spawn(f);
        match futures_executor::block_on(task) {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        }
    }

    fn key(&self, sha: &str) -> Key {
        self.prefix
            .clone()
            .join(sha.get(..2).unwrap_or("00"))
            .join(format!("{sha}.zst"))
    }

    /// Stores a page's compressed content under its hash.
    pub fn put(&self, sha: &str, compressed: Vec<u8>) -> Result<(), String> {
        let (store, key) = (self.store.clone(), self.key(sha));
        self.run(async move { store.put(&key, PutPayload::from(compressed)).await })
            .map(drop)
            .map_err(|e| format!("cannot write {sha} to {}: {e}", self.url))
    }

    /// A page's compressed content; `None` when the store has no such
    /// object.
    pub fn get(&self, sha: &str) -> Result<Option<Vec<u8>>, String> {
        let (store, key) = (self.store.clone(), self.key(sha));
        let got = self.run(async move {
            match store.get(&key).await {
                Ok(r) => r.bytes().await.map(|b| Some(b.to_vec())),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        });
        got.map_err(|e| format!("cannot read {sha} from {}: {e}", self.url))
    }

    /// Removes a page's object (gone already is fine).
    pub fn delete(&self, sha: &str) -> Result<(), String> {
        let (store, key) = (self.store.clone(), self.key(sha));
        self.run(async move {
            match store.delete(&key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(e),
            }
        })
        .map_err(|e| format!("cannot remove {sha} from {}: {e}", self.url))
    }

    /// The hashes of the pages stored before `before` (older ones only, so
    /// that a page just written, whose row is not committed yet, is not
    /// taken for an orphan).
    pub fn list(&self, before: jiff::Timestamp) -> Result<Vec<String>, String> {
        let (store, prefix) = (self.store.clone(), self.prefix.clone());
        self.run(async move {
            let prefix = (!prefix.as_ref().is_empty()).then_some(prefix);
            let mut names = Vec::new();
            let mut listing = store.list(prefix.as_ref());
            while let Some(meta) = listing.next().await {
                let meta = meta?;
                if meta.last_modified.timestamp() >= before.as_second() {
                    continue;
                }
                if let Some(sha) = meta
                    .location
                    .filename()
                    .and_then(|f| f.strip_suffix(".zst"))
                {
                    names.push(sha.to_owned());
                }
            }
            Ok(names)
        })
        .map_err(|e| format!("cannot list {}: {e}", self.url))
    }
}
