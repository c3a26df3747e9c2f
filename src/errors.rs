//! Errors as people read them: an error and its causes, each said once.
//!
//! The bottom of the house: imports nothing of redline. The library's errors
//! are `thiserror` enums in the module that raises them; this file only
//! flattens a chain of them for a one-line report or a list of causes.

/// An error and its causes on one line: `outer: cause: root cause`.
pub fn one_line(e: &dyn std::error::Error) -> String {
    std::iter::once(e.to_string())
        .chain(causes(e))
        .collect::<Vec<_>>()
        .join(": ")
}

/// The causes of an error, outermost first, leaving out any whose text the
/// error's own message or an earlier cause already says.
pub fn causes(e: &dyn std::error::Error) -> Vec<String> {
    let message = e.to_string();
    let mut out: Vec<String> = Vec::new();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) && !out.iter().any(|c| c.contains(&text)) {
            out.push(text);
        }
        source = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct E(&'static str, Option<Box<E>>);

    impl std::fmt::Display for E {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for E {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|e| e as _)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let root = E("connection reset", None);
        let mid = E("body error: connection reset", Some(Box::new(root)));
        let top = E(
            "https://a.example/x: the body broke off",
            Some(Box::new(mid)),
        );
        assert_eq!(causes(&top), ["body error: connection reset"]);
        assert_eq!(
            one_line(&top),
            "https://a.example/x: the body broke off: body error: connection reset"
        );
    }
}
