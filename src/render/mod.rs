//! Turning stored values into what people read: terminal text (with or without
//! colour), and the JSON output contract.
//!
//! Renderers write to a `Write` they are given and return `io::Result`; they
//! never decide colour themselves (the CLI does, once) and never touch the store.

pub mod diff;
pub mod json;
pub mod text;

use anstyle::{AnsiColor, Color, Style};

/// Semantic styles, mapped to a palette in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Removed words: red, struck through.
    Removed,
    /// Added words: green, underlined.
    Added,
    /// Headers: bold.
    Header,
    /// Secondary information (times, counts, ids): dimmed.
    Meta,
    /// Moved paragraphs: blue.
    Moved,
    /// Unstyled text.
    Plain,
}

/// How to paint text: with ANSI styles, or with plain-text markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Painter {
    pub color: bool,
}

impl Painter {
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    fn ansi(role: Role) -> Style {
        let fg = |c: AnsiColor| Some(Color::Ansi(c));
        match role {
            Role::Removed => Style::new().fg_color(fg(AnsiColor::Red)).strikethrough(),
            Role::Added => Style::new().fg_color(fg(AnsiColor::Green)).underline(),
            Role::Header => Style::new().bold(),
            Role::Meta => Style::new().dimmed(),
            Role::Moved => Style::new().fg_color(fg(AnsiColor::Blue)).italic(),
            Role::Plain => Style::new(),
        }
    }

    /// `text` in the role's style when colour is on; plain otherwise (for views
    /// whose layout already says what changed, like unified diffs).
    pub fn style(&self, role: Role, text: &str) -> String {
        if self.color {
            self.paint(role, text)
        } else {
            text.to_owned()
        }
    }

    /// `text` in the role's style; with colour off, removed and added text get
    /// git's word-diff markers `[-…-]` and `{+…+}`, other roles stay plain.
    pub fn paint(&self, role: Role, text: &str) -> String {
        if self.color {
            let style = Self::ansi(role);
            format!("{style}{text}{style:#}")
        } else {
            match role {
                Role::Removed => format!("[-{text}-]"),
                Role::Added => format!("{{+{text}+}}"),
                Role::Header | Role::Meta | Role::Moved | Role::Plain => text.to_owned(),
            }
        }
    }
}

/// The width of text on a terminal, ANSI escape sequences excluded.
pub fn visible_width(s: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    let mut width = 0;
    let mut rest = s;
    while let Some(start) = rest.find('\x1b') {
        width += rest[..start].width();
        let after = &rest[start..];
        let end = after.find('m').map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    width + rest.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_without_colour_and_escapes_with() {
        let plain = Painter::new(false);
        assert_eq!(plain.paint(Role::Removed, "old"), "[-old-]");
        assert_eq!(plain.paint(Role::Added, "new"), "{+new+}");
        assert_eq!(plain.paint(Role::Header, "h"), "h");
        assert_eq!(plain.style(Role::Added, "new"), "new");
        assert_eq!(
            visible_width(&Painter::new(true).paint(Role::Added, "new")),
            3
        );
        let color = Painter::new(true).paint(Role::Added, "new");
        assert!(color.starts_with("\x1b[") && color.contains("new") && color.ends_with("\x1b[0m"));
    }
}
