//! One connection to SQLite or to PostgreSQL, with the few calls the store
//! makes: execute, one row, many rows (collected or streamed), a batch, and
//! transactions. Statements are written once, in the SQL both engines speak,
//! with SQLite's numbered parameters (`?1`); PostgreSQL gets them as `$1`.
//! Values cross as [`Value`] in both directions, so the store's row readers
//! are the same code whichever engine answers.
//!
//! PostgreSQL is reached with `tokio-postgres`, whose connection runs on a
//! thread of its own; the store's calls block on the answer, as they block
//! on SQLite's, so the store stays synchronous and can be called from async
//! code without a runtime inside a runtime.
//!
//! Must not: hold any of the store's SQL or know its tables.

use std::ops::Deref;

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// Why a statement failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[cfg(feature = "postgres")]
    #[error("{}", pg::message(.0))]
    Postgres(tokio_postgres::Error),
    #[error("the query returned no rows")]
    NoRows,
    #[error("{0}")]
    Config(String),
    #[error("cannot start the PostgreSQL connection's thread")]
    Thread(#[source] std::io::Error),
    #[error("column {column}: {why}")]
    Decode { column: usize, why: String },
}

#[cfg(feature = "postgres")]
impl From<tokio_postgres::Error> for DbError {
    fn from(e: tokio_postgres::Error) -> Self {
        DbError::Postgres(e)
    }
}

impl DbError {
    /// A column that cannot be read as what it should hold.
    pub fn decode(column: usize, why: impl std::fmt::Display) -> DbError {
        DbError::Decode {
            column,
            why: why.to_string(),
        }
    }
}

pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// `.optional()` on a one-row answer: no row is `None`, not an error.
pub trait Optional<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> Optional<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A Rust value that binds as a statement parameter.
pub trait Param {
    fn value(&self) -> Value<'_>;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> Value<'_> {
                Value::Int(*self as i64)
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8);

impl Param for usize {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Param for u64 {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Param for bool {
    fn value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}

impl Param for f64 {
    fn value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}

impl Param for str {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl Param for String {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl Param for [u8] {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl Param for Vec<u8> {
    fn value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}

impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, Param::value)
    }
}

impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value<'_> {
        (**self).value()
    }
}

impl Param for Value<'_> {
    fn value(&self) -> Value<'_> {
        *self
    }
}

/// The parameters of one statement.
pub trait Params {
    fn values(&self) -> Vec<Value<'_>>;
}

impl Params for &[&dyn Param] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(|p| p.value()).collect()
    }
}

impl<T: Param, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(Param::value).collect()
    }
}

impl<T: Param> Params for Vec<T> {
    fn values(&self) -> Vec<Value<'_>> {
        self.iter().map(Param::value).collect()
    }
}

/// Binds any mix of parameter types: `params![id, "text", None::<i64>]`.
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::store::sql::Param]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::store::sql::Param),+] as &[&dyn $crate::store::sql::Param]
    };
}
pub(crate) use params;

/// A Rust value read from a column.
pub trait Column: Sized {
    fn from_value(v: Value<'_>) -> Result<Self, String>;
}

fn int(v: Value<'_>) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(i),
        Value::Null => Err("NULL where a number belongs".into()),
        other => Err(format!("{other:?} where a number belongs")),
    }
}

impl Column for i64 {
    fn from_value(v: Value<'_>) -> Result<Self, String> {
        int(v)
    }
}

macro_rules! narrow_column {
    ($($t:ty),*) => {$(
        impl Column for $t {
            fn from_value(v: Value<'_>) -> Result<Self, String> {
                let i = int(v)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range"))
            }
        }
    )*};
}
narrow_column!(i32, u32, u64, usize, u16, u8);

impl Column for bool {
    fn from_value(v: Value<'_>) -> Result<Self, String> {
        int(v).map(|i| i != 0)
    }
}

impl Column for f64 {
    fn from_value(v: Value<'_>) -> Result<Self, String> {
        match v {
            Value::Real(f) => Ok(f),
            Value::Int(i) => Ok(i as f64),
            other => Err(format!("{other:?} where a number belongs")),
        }
    }
}

impl Column for String {
    fn from_value(v: Value<'_>) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.to_owned()),
            Value::Null => Err("NULL where text belongs".into()),
            other => Err(format!("{other:?} where text belongs")),
        }
    }
}

impl Column for Vec<u8> {
    fn from_value(v: Value<'_>) -> Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.to_vec()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            Value::Null => Err("NULL where bytes belong".into()),
            other => Err(format!("{other:?} where bytes belong")),
        }
    }
}

impl<T: Column> Column for Option<T> {
    fn from_value(v: Value<'_>) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One row of an answer.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    #[cfg(feature = "postgres")]
    Postgres(&'a tokio_postgres::Row),
}

impl Row<'_> {
    /// Column `i` (from 0) as `T`.
    pub fn get<T: Column>(&self, i: usize) -> Result<T> {
        self.with(i, |v| {
            T::from_value(v).map_err(|why| DbError::decode(i, why))
        })
    }

    /// Column `i` as it is stored, borrowed for `f`.
    pub fn with<T>(&self, i: usize, f: impl FnOnce(Value<'_>) -> Result<T>) -> Result<T> {
        match self {
            Row::Sqlite(r) => {
                use rusqlite::types::ValueRef;
                let v = match r.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(n) => Value::Int(n),
                    ValueRef::Real(x) => Value::Real(x),
                    ValueRef::Text(t) => {
                        Value::Text(std::str::from_utf8(t).map_err(|e| DbError::decode(i, e))?)
                    }
                    ValueRef::Blob(b) => Value::Blob(b),
                };
                f(v)
            }
            #[cfg(feature = "postgres")]
            Row::Postgres(r) => pg::with(r, i, f),
        }
    }
}

/// How a transaction takes its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Begin {
    /// Reads see one snapshot; the write lock is taken at the first write.
    Deferred,
    /// The write lock taken at once, so two writers queue rather than fail
    /// half-way.
    Immediate,
    /// Nobody else reads or writes meanwhile (schema changes).
    Exclusive,
}

/// An open database connection.
pub enum Conn {
    Sqlite(rusqlite::Connection),
    #[cfg(feature = "postgres")]
    Postgres(pg::Client),
}

impl Conn {
    /// Whether this is PostgreSQL (for the few statements the engines spell
    /// differently).
    pub fn is_postgres(&self) -> bool {
        !matches!(self, Conn::Sqlite(_))
    }

    /// The SQLite connection, for what only SQLite has (pragmas, FTS5).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Conn::Sqlite(c) => Some(c),
            #[cfg(feature = "postgres")]
            Conn::Postgres(_) => None,
        }
    }

    /// Runs statements that take no parameters and return nothing.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => c.batch(sql),
        }
    }

    /// Runs one statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        let values = params.values();
        match self {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(values.iter()))?)
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => c.execute(sql, &values),
        }
    }

    /// Calls `f` on each row of the answer, in order, without holding them
    /// all.
    pub fn each(
        &self,
        sql: &str,
        params: impl Params,
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.each_while(sql, params, |row| f(row).map(|()| true))
    }

    /// Calls `f` on each row of the answer, in order, until it answers
    /// `false`.
    pub fn each_while(
        &self,
        sql: &str,
        params: impl Params,
        mut f: impl FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        let values = params.values();
        match self {
            Conn::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(row) = rows.next()? {
                    if !f(&Row::Sqlite(row))? {
                        break;
                    }
                }
                Ok(())
            }
            #[cfg(feature = "postgres")]
            Conn::Postgres(c) => c.each_while(sql, &values, |row| f(&Row::Postgres(row))),
        }
    }

    /// Every row of the answer, each read by `f`.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: impl Params,
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, params, |row| {
            out.push(f(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row of the answer, read by `f`; [`DbError::NoRows`] when
    /// there is none.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: impl Params,
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        // The first row only: the rest are not read.
        self.each_while(sql, params, |row| {
            if let Some(f) = f.take() {
                out = Some(f(row)?);
            }
            Ok(false)
        })?;
        out.ok_or(DbError::NoRows)
    }

    /// Begins a transaction, rolled back unless committed.
    pub fn transaction(&self, begin: Begin) -> Result<Tx<'_>> {
        let sql = match (self, begin) {
            (Conn::Sqlite(_), Begin::Deferred) => "BEGIN DEFERRED",
            (Conn::Sqlite(_), Begin::Immediate) => "BEGIN IMMEDIATE",
            (Conn::Sqlite(_), Begin::Exclusive) => "BEGIN EXCLUSIVE",
            #[cfg(feature = "postgres")]
            (Conn::Postgres(_), _) => "BEGIN",
        };
        self.execute_batch(sql)?;
        #[cfg(feature = "postgres")]
        if self.is_postgres() && begin == Begin::Exclusive {
            // Schema changes queue behind each other across processes.
            self.execute_batch("SELECT pg_advisory_xact_lock(4242424242)")?;
        }
        Ok(Tx {
            conn: self,
            open: true,
        })
    }
}

/// An open transaction: statements run through it as through its
/// connection; dropped without [`Tx::commit`], it rolls back.
pub struct Tx<'c> {
    conn: &'c Conn,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.execute_batch("COMMIT")
    }

    pub fn rollback(mut self) -> Result<()> {
        self.open = false;
        self.conn.execute_batch("ROLLBACK")
    }
}

impl Deref for Tx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(i),
            Value::Real(x) => ValueRef::Real(x),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// A statement in PostgreSQL's spelling: `?1` becomes `$1` (outside quoted
/// text).
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub fn dollar_params(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted && chars.peek().is_some_and(char::is_ascii_digit) => out.push('$'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(feature = "postgres")]
pub mod pg {
    //! The PostgreSQL side: a client whose connection runs on its own thread.

    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::sync::Arc;

    use bytes::BytesMut;
    use tokio_postgres::types::{IsNull, ToSql, Type, to_sql_checked};
    use tokio_postgres::{Statement, row::Row};

    use super::{DbError, Result, Value, dollar_params};

    /// A statement in PostgreSQL's spelling: `$1` parameters, and the one
    /// function the engines name differently (`instr` is `strpos`).
    fn postgres_sql(sql: &str) -> String {
        dollar_params(sql).replace("instr(", "strpos(")
    }

    /// A connection that comes back: when the server went away (a restart,
    /// a failover), the next statement outside a transaction connects again
    /// and runs; a transaction the loss cut short fails whole, as it would
    /// have on a crash, and the next one runs on a new connection.
    pub struct Client {
        url: String,
        client: RefCell<tokio_postgres::Client>,
        statements: RefCell<HashMap<String, Statement>>,
        in_transaction: std::cell::Cell<bool>,
    }

    /// Whether an error says the connection (or the server) went away.
    pub fn is_lost(e: &DbError) -> bool {
        use tokio_postgres::error::SqlState;
        match e {
            DbError::Postgres(e) => {
                e.is_closed()
                    || matches!(
                        e.code(),
                        Some(&SqlState::ADMIN_SHUTDOWN)
                            | Some(&SqlState::CRASH_SHUTDOWN)
                            | Some(&SqlState::CANNOT_CONNECT_NOW)
                    )
                    || std::error::Error::source(e)
                        .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some())
            }
            _ => false,
        }
    }

    /// Connects to the database `url` names (`postgres://user:pass@host:port/db`).
    pub fn connect(url: &str) -> Result<Client> {
        Ok(Client {
            url: url.to_owned(),
            client: RefCell::new(open(url)?),
            statements: RefCell::new(HashMap::new()),
            in_transaction: std::cell::Cell::new(false),
        })
    }

    /// How the connection is encrypted, as libpq's `sslmode` says:
    /// `disable`; `prefer` (the default: TLS when the server offers it) and
    /// `require` (TLS or nothing) without checking the server's certificate,
    /// as libpq does; `verify-ca` and `verify-full` check it against the
    /// system's roots or the `sslrootcert` file. Returns the URL in the
    /// words tokio-postgres knows, and the TLS settings.
    fn tls(url: &str) -> Result<(String, tokio_postgres_rustls::MakeRustlsConnect)> {
        let bad = DbError::Config;
        let mut parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
        let mut verify = false;
        let mut root: Option<String> = None;
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter_map(|(k, v)| match (k.as_ref(), v.as_ref()) {
                ("sslmode", "verify-ca" | "verify-full") => {
                    verify = true;
                    Some(("sslmode".into(), "require".into()))
                }
                ("sslrootcert", path) => {
                    root = Some(path.to_owned());
                    None
                }
                _ => Some((k.into_owned(), v.into_owned())),
            })
            .collect();
        if kept.is_empty() {
            parsed.set_query(None);
        } else {
            parsed.query_pairs_mut().clear().extend_pairs(kept);
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| bad(e.to_string()))?;
        let config = if verify {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
            if let Some(path) = &root {
                use rustls::pki_types::pem::PemObject;
                let certs = rustls::pki_types::CertificateDer::pem_file_iter(path)
                    .map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
                for cert in certs {
                    roots
                        .add(cert.map_err(|e| bad(format!("sslrootcert {path}: {e}")))?)
                        .map_err(|e| bad(format!("sslrootcert {path}: {e}")))?;
                }
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
                .with_no_client_auth()
        };
        Ok((
            parsed.to_string(),
            tokio_postgres_rustls::MakeRustlsConnect::new(config),
        ))
    }

    /// What libpq does below `verify-ca`: the channel is encrypted and its
    /// signatures checked, the certificate's issuer is not.
    #[derive(Debug)]
    struct Unverified(Arc<rustls::crypto::CryptoProvider>);

    impl rustls::client::danger::ServerCertVerifier for Unverified {
        fn verify_server_cert(
            &self,
            _: &rustls::pki_types::CertificateDer<'_>,
            _: &[rustls::pki_types::CertificateDer<'_>],
            _: &rustls::pki_types::ServerName<'_>,
            _: &[u8],
            _: rustls::pki_types::UnixTime,
        ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.0.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }

    fn open(url: &str) -> Result<tokio_postgres::Client> {
        let (url, tls) = tls(url)?;
        let mut config: tokio_postgres::Config = url.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        config.application_name("redline");
        let (send, answer) = std::sync::mpsc::channel::<Result<tokio_postgres::Client>>();
        std::thread::Builder::new()
            .name("postgres".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = send.send(Err(DbError::Thread(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match config.connect(tls).await {
                        Ok((client, connection)) => {
                            let _ = send.send(Ok(client));
                            // Runs until the client is dropped.
                            let _ = connection.await;
                        }
                        Err(e) => {
                            let _ = send.send(Err(e.into()));
                        }
                    }
                });
            })
            .map_err(DbError::Thread)?;
        answer
            .recv()
            .map_err(|_| DbError::Thread(std::io::Error::other("the connection thread ended")))?
    }

    fn wait<F: std::future::Future>(f: F) -> F::Output {
        futures_executor::block_on(f)
    }

    impl Client {
        /// Runs `f`; when the connection was lost outside a transaction,
        /// connects again (for up to a minute, while the server restarts)
        /// and runs it once more.
        fn again<T>(&self, mut f: impl FnMut() -> Result<T>) -> Result<T> {
            match f() {
                Err(e) if is_lost(&e) && !self.in_transaction.get() => {
                    self.reconnect()?;
                    f()
                }
                Err(e) => {
                    if is_lost(&e) {
                        // The transaction went with the connection.
                        self.in_transaction.set(false);
                    }
                    Err(e)
                }
                ok => ok,
            }
        }

        fn reconnect(&self) -> Result<()> {
            let started = std::time::Instant::now();
            loop {
                match open(&self.url) {
                    Ok(client) => {
                        tracing::warn!("reconnected to PostgreSQL");
                        *self.client.borrow_mut() = client;
                        self.statements.borrow_mut().clear();
                        return Ok(());
                    }
                    Err(e) if started.elapsed() < std::time::Duration::from_secs(60) => {
                        tracing::debug!("PostgreSQL not back yet: {e}");
                        std::thread::sleep(std::time::Duration::from_millis(500));
                    }
                    Err(e) => return Err(e),
                }
            }
        }

        fn statement(&self, sql: &str) -> Result<Statement> {
            if let Some(s) = self.statements.borrow().get(sql) {
                return Ok(s.clone());
            }
            let stmt = wait(self.client.borrow().prepare(&postgres_sql(sql)))?;
            self.statements
                .borrow_mut()
                .insert(sql.to_owned(), stmt.clone());
            Ok(stmt)
        }

        pub fn batch(&self, sql: &str) -> Result<()> {
            let word = sql.split_whitespace().next().unwrap_or("");
            let ran = if word == "BEGIN" {
                self.again(|| Ok(wait(self.client.borrow().batch_execute(sql))?))
            } else {
                let client = self.client.borrow();
                Ok(wait(client.batch_execute(sql))?)
            };
            match word {
                "BEGIN" => self.in_transaction.set(ran.is_ok()),
                "COMMIT" | "ROLLBACK" => self.in_transaction.set(false),
                _ => {}
            }
            ran
        }

        pub fn execute(&self, sql: &str, values: &[Value<'_>]) -> Result<usize> {
            self.again(|| {
                let stmt = self.statement(sql)?;
                let refs: Vec<&(dyn ToSql + Sync)> =
                    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                let n = wait(self.client.borrow().execute(&stmt, &refs))?;
                Ok(usize::try_from(n).unwrap_or(usize::MAX))
            })
        }

        pub fn each_while(
            &self,
            sql: &str,
            values: &[Value<'_>],
            mut f: impl FnMut(&Row) -> Result<bool>,
        ) -> Result<()> {
            use futures_util::StreamExt;
            // Tried again only if no row was handed on yet.
            let handed = std::cell::Cell::new(false);
            let run = |f: &mut dyn FnMut(&Row) -> Result<bool>| -> Result<()> {
                let stmt = self.statement(sql)?;
                let client = self.client.borrow();
                wait(async {
                    let stream = client
                        .query_raw(&stmt, values.iter().map(|v| v as &(dyn ToSql + Sync)))
                        .await?;
                    futures_util::pin_mut!(stream);
                    while let Some(row) = stream.next().await {
                        handed.set(true);
                        if !f(&row?)? {
                            break;
                        }
                    }
                    Ok(())
                })
            };
            match run(&mut f) {
                Err(e) if is_lost(&e) && !handed.get() && !self.in_transaction.get() => {
                    self.reconnect()?;
                    run(&mut f)
                }
                Err(e) => {
                    if is_lost(&e) {
                        self.in_transaction.set(false);
                    }
                    Err(e)
                }
                ok => ok,
            }
        }
    }

    /// What PostgreSQL said, in one line: the server's own message (with
    /// its detail) for a statement it refused, else the client's.
    pub fn message(e: &tokio_postgres::Error) -> String {
        match e.as_db_error() {
            Some(db) => match db.detail() {
                Some(detail) => format!("PostgreSQL: {} ({detail})", db.message()),
                None => format!("PostgreSQL: {}", db.message()),
            },
            None => {
                let mut line = e.to_string();
                let mut source = std::error::Error::source(e);
                while let Some(s) = source {
                    line.push_str(&format!(": {s}"));
                    source = s.source();
                }
                line
            }
        }
    }

    /// Column `i` of a PostgreSQL row as a [`Value`].
    pub fn with<T>(r: &Row, i: usize, f: impl FnOnce(Value<'_>) -> Result<T>) -> Result<T> {
        let ty = r
            .columns()
            .get(i)
            .ok_or_else(|| DbError::decode(i, "no such column"))?
            .type_()
            .clone();
        let v = match ty {
            Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => r
                .try_get::<_, Option<i32>>(i)?
                .map(|n| Value::Int(n.into())),
            Type::INT2 => r
                .try_get::<_, Option<i16>>(i)?
                .map(|n| Value::Int(n.into())),
            Type::BOOL => r
                .try_get::<_, Option<bool>>(i)?
                .map(|b| Value::Int(b.into())),
            Type::FLOAT8 => r.try_get::<_, Option<f64>>(i)?.map(Value::Real),
            Type::FLOAT4 => r
                .try_get::<_, Option<f32>>(i)?
                .map(|x| Value::Real(x.into())),
            Type::BYTEA => r.try_get::<_, Option<&[u8]>>(i)?.map(Value::Blob),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                r.try_get::<_, Option<&str>>(i)?.map(Value::Text)
            }
            other => {
                return Err(DbError::decode(
                    i,
                    format!("type {other} is not one the store reads"),
                ));
            }
        };
        f(v.unwrap_or(Value::Null))
    }

    impl ToSql for Value<'_> {
        fn to_sql(
            &self,
            ty: &Type,
            out: &mut BytesMut,
        ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
            match (*self, ty) {
                (Value::Null, _) => Ok(IsNull::Yes),
                (Value::Int(i), &Type::INT8) => i.to_sql(ty, out),
                (Value::Int(i), &Type::INT4) => i32::try_from(i)?.to_sql(ty, out),
                (Value::Int(i), &Type::INT2) => i16::try_from(i)?.to_sql(ty, out),
                (Value::Int(i), &Type::BOOL) => (i != 0).to_sql(ty, out),
                (Value::Int(i), &Type::FLOAT8) => (i as f64).to_sql(ty, out),
                (Value::Int(i), &Type::TEXT | &Type::VARCHAR) => i.to_string().to_sql(ty, out),
                (Value::Real(x), &Type::FLOAT8) => x.to_sql(ty, out),
                (Value::Real(x), &Type::FLOAT4) => (x as f32).to_sql(ty, out),
                (Value::Text(s), &Type::BYTEA) => s.as_bytes().to_sql(ty, out),
                (Value::Text(s), _) => s.to_sql(ty, out),
                (Value::Blob(b), _) => b.to_sql(ty, out),
                (v, ty) => Err(format!("cannot bind {v:?} as {ty}").into()),
            }
        }

        fn accepts(_: &Type) -> bool {
            true
        }

        to_sql_checked!();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_dollars_outside_quoted_text() {
        assert_eq!(
            dollar_params("SELECT a FROM t WHERE b = ?1 AND c = '?2' AND d = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = '?2' AND d = $12"
        );
    }

    #[test]
    fn values_round_trip_through_sqlite() {
        let conn = Conn::Sqlite(rusqlite::Connection::open_in_memory().unwrap());
        conn.execute_batch("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)")
            .unwrap();
        conn.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
            params![7i64, "seven", b"7".to_vec(), None::<String>],
        )
        .unwrap();
        let row: (i64, String, Vec<u8>, Option<String>, bool) = conn
            .query_row("SELECT i, s, b, n, i FROM t", params![], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap();
        assert_eq!(row, (7, "seven".into(), b"7".to_vec(), None, true));
        let none = conn
            .query_row("SELECT i FROM t WHERE i = 8", params![], |r| {
                r.get::<i64>(0)
            })
            .optional()
            .unwrap();
        assert_eq!(none, None);
        let err = conn
            .query_row("SELECT s FROM t", params![], |r| r.get::<i64>(0))
            .unwrap_err();
        assert!(matches!(err, DbError::Decode { column: 0, .. }), "{err}");
    }

    #[test]
    fn a_transaction_dropped_uncommitted_rolls_back() {
        let conn = Conn::Sqlite(rusqlite::Connection::open_in_memory().unwrap());
        conn.execute_batch("CREATE TABLE t (i INTEGER)").unwrap();
        {
            let tx = conn.transaction(Begin::Immediate).unwrap();
            tx.execute("INSERT INTO t VALUES (1)", params![]).unwrap();
        }
        let tx = conn.transaction(Begin::Immediate).unwrap();
        tx.execute("INSERT INTO t VALUES (2)", params![]).unwrap();
        tx.commit().unwrap();
        let all = conn
            .query_map("SELECT i FROM t", params![], |r| r.get::<i64>(0))
            .unwrap();
        assert_eq!(all, vec![2]);
    }
}
