//! `hooks list` and `hooks test`: the notification hooks of the config file.

use super::*;

/// `redline hooks list`: one line per hook.
pub fn hooks_list(ctx: &Context, out: Out<'_>) -> Result<Status, CliError> {
    let hooks = &ctx.config.hooks;
    if hooks.is_empty() {
        ctx.status("no hooks: add [[hooks]] to the config file (see `redline config show`)");
        return Ok(Status::Success);
    }
    for h in hooks {
        let kind = h.kind().map_or("?", crate::notify::Kind::as_str);
        let classes = if h.classes.is_empty() {
            "any change".to_owned()
        } else {
            h.classes.join(", ")
        };
        let first = if h.first { ", first versions too" } else { "" };
        writeln!(out, "{}  ({kind}; {classes}{first})", h.label())?;
    }
    Ok(Status::Success)
}

/// `redline hooks test [NAME]`: a sample message by each hook, or the one
/// named; fails if any did not go out.
pub async fn hooks_test(
    ctx: &Context,
    out: Out<'_>,
    name: Option<&str>,
) -> Result<Status, CliError> {
    let hooks: Vec<&crate::notify::Hook> = ctx
        .config
        .hooks
        .iter()
        .filter(|h| name.is_none_or(|n| h.name.as_deref() == Some(n) || h.label() == n))
        .collect();
    if hooks.is_empty() {
        let known: Vec<String> = ctx.config.hooks.iter().map(|h| h.label()).collect();
        return Err(match name {
            Some(n) if !known.is_empty() => CliError::usage(format!("no hook is named {n:?}"))
                .hint(format!("the hooks: {}", known.join(", "))),
            _ => CliError::usage("no hooks to test")
                .hint("add [[hooks]] to the config file; `redline config show` names it"),
        });
    }
    let mut failed = 0;
    for h in hooks {
        match crate::notify::try_hook(h, ctx.clock).await {
            Ok(()) => writeln!(out, "sent: {}", h.label())?,
            Err(e) => {
                failed += 1;
                ctx.item_error(&format!("{}: {e}", h.label()));
            }
        }
    }
    Ok(Status::failed_if(failed > 0))
}
