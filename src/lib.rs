//! redline tracks news articles over time.
//!
//! The pipeline runs one way: [`fetch`] gets a page politely, [`extract`] turns its
//! HTML into an [`extract::Article`], [`fingerprint`] decides whether the article
//! really changed, [`diff`] says how, and [`store`] records it in one SQLite file.
//! [`tracker`] drives that pipeline for tracked articles; [`render`] turns stored
//! values into text, HTML or JSON; [`cli`] is one client of all of it.
//!
//! Nothing in the library prints: functions take writers and return values.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod clock;
pub mod config;
pub mod diff;
pub mod errors;
pub mod export;
pub mod extract;
pub mod feeds;
pub mod fetch;
pub mod fingerprint;
pub mod model;
pub mod notify;
pub mod render;
pub mod schedule;
pub mod serve;
pub mod snapshots;
pub mod store;
pub mod tracker;
