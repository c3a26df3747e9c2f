//! Errors as people read them: an error and its causes, each said once.
//!
//! The bottom of the house: imports nothing of redline. The library's errors
//! are `thiserror` enums in the module that raises them; this file only
//! flattens a chain of them for a one-line report or a list of causes.

/// An error and its causes on one line: `outer: cause: root cause`.
pub fn one_line(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        source = cause.source();
    }
    s
}

/// The causes of an error, outermost first, leaving out any whose text the
/// error's own message (or an earlier cause) already says.
pub fn causes(e: &dyn std::error::Error) -> Vec<String> {
    let message = e.to_string();
    let mut out: Vec<String> = Vec::new();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) && !out.contains(&text) {
            out.push(text);
        }
        source = cause.source();
    }
    out
}
