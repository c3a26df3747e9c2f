//! redline tracks news articles over time.
//!
//! The pipeline runs one way: [`fetch`] gets a page politely, [`extract`] turns its
//! HTML into an [`extract::Article`], [`fingerprint`] decides whether the article
//! really changed, [`diff`] says how, and [`store`] records it in one SQLite file.
//! [`tracker`] drives that pipeline for tracked articles; [`render`] turns stored
//! values into text, HTML or JSON; [`export`] writes the history out and reads
//! it back; [`cli`] is one client of all of it. The imports follow the same
//! direction, layer by layer (below).
//!
//! Nothing in the library prints: functions take writers and return values.
//!
//! ## Layers
//!
//! A module imports (`crate::…`) only modules of a lower layer, never one of
//! its own layer or above; `tests/layers.rs` reads this table and fails on
//! any import against it, so the house has no import circle.
//!
//! | layer | modules | what they are |
//! |---|---|---|
//! | 0 | clock, errors, hosts | the one clock; errors as one line; per-host tables |
//! | 1 | extract, fetch, feeds, schedule | leaves: HTML to article, HTTP, feeds, the pace |
//! | 2 | diff, fingerprint | what changed, and whether (they read articles) |
//! | 3 | model | plain data shared above: export records, deliveries |
//! | 4 | check, store, notify | what a check means (pure); the database; hooks (side by side) |
//! | 5 | tracker, config | the pass over fetch, extract, diff and store; settings |
//! | 6 | render | text, HTML and JSON of stored values |
//! | 7 | export, serve, snapshots | history out and in; the local server and samples |
//! | 8 | web | `serve`'s pages and JSON API, read-only |
//! | 9 | cli | one client of all of it |
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
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
pub mod hosts;
pub mod model;
pub mod notify;
pub mod render;
pub mod schedule;
pub mod serve;
pub mod snapshots;
pub mod store;
pub mod tracker;
pub mod web;
