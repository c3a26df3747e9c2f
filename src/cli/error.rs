//! The one classified error of the command line: what went wrong, why, and what
//! to do, with the exit code that goes with it.

use std::fmt;

use crate::fetch::FetchError;
use crate::store::StoreError;

/// The kind decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The command line was wrong: exit 2.
    Usage,
    /// A runtime failure: exit 1.
    Runtime,
}

/// An error as the user reads it: `error: …`, `caused by: …`, `hint: …`.
#[derive(Debug)]
pub struct CliError {
    pub kind: Kind,
    pub message: String,
    pub causes: Vec<String>,
    pub hints: Vec<String>,
    /// Writing to a closed pipe (`redline log | head`): exit quietly.
    pub broken_pipe: bool,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    pub fn runtime(message: impl Into<String>) -> Self {
        Self::new(Kind::Runtime, message)
    }

    fn new(kind: Kind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
            broken_pipe: false,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    fn with_causes(mut self, e: &dyn std::error::Error) -> Self {
        for text in crate::errors::causes(e) {
            if !self.message.contains(&text) && !self.causes.contains(&text) {
                self.causes.push(text);
            }
        }
        self
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Usage => 2,
            Kind::Runtime => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        for c in &self.causes {
            write!(f, "\ncaused by: {c}")?;
        }
        for h in self.hints.iter().take(2) {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}

impl CliError {
    /// A library error: its message, its causes, and its hint if it has one.
    fn from_error(kind: Kind, e: &dyn std::error::Error, hint: Option<&'static str>) -> Self {
        let err = CliError::new(kind, e.to_string()).with_causes(e);
        match hint {
            Some(h) => err.hint(h),
            None => err,
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        let kind = match e {
            StoreError::Query { .. } => Kind::Usage,
            _ => Kind::Runtime,
        };
        CliError::from_error(kind, &e, e.hint())
    }
}

impl From<crate::export::ExportError> for CliError {
    fn from(e: crate::export::ExportError) -> Self {
        CliError::from_error(Kind::Runtime, &e, e.hint())
    }
}

impl From<FetchError> for CliError {
    fn from(e: FetchError) -> Self {
        let kind = match e {
            FetchError::BadUrl { .. } => Kind::Usage,
            _ => Kind::Runtime,
        };
        CliError::from_error(kind, &e, e.hint())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        let mut err = CliError::runtime(format!("writing output: {e}"));
        err.broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        err
    }
}
