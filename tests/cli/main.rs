//! CLI integration tests: the real binary, a real HTTP server on 127.0.0.1 and a
//! real SQLite file, nothing outside the machine.

mod common;

mod afternoon;
mod alarms;
mod churn;
mod crash;
mod demo;
mod diff;
mod errors;
mod evidence;
mod exports;
mod extract;
mod feeds;
mod hooks;
mod hostile;
mod many;
mod objects;
mod polite;
mod postgres;
mod real_page;
mod rules;
mod schedule;
mod search;
mod shell;
mod sites;
mod snapshots;
mod track;
mod web;
mod workers;
