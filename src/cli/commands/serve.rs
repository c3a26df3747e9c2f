//! `serve`: the archive as web pages and a JSON API, read-only.

use super::*;

/// Where `serve` listens unless told: this machine only.
const DEFAULT: &str = "127.0.0.1:8080";

pub async fn serve(
    ctx: &Context,
    listen: Option<&str>,
    allow_writes: bool,
) -> Result<Status, CliError> {
    let given = listen.unwrap_or(DEFAULT);
    let addr: std::net::SocketAddr = given.parse().map_err(|_| {
        CliError::usage(format!("--listen {given:?} is not an address and port"))
            .hint("write it like 127.0.0.1:8080, [::1]:8080, or 0.0.0.0:8080 for every network")
    })?;
    let store = if allow_writes {
        ctx.store()?
    } else {
        ctx.store_read()?
    };
    let db = store.path().display().to_string();
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        CliError::runtime(format!("cannot listen on {addr}: {e}"))
            .hint("choose another port with --listen 127.0.0.1:PORT (0: any free port)")
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::runtime(format!("cannot listen on {addr}: {e}")))?;
    if !crate::web::is_loopback(&local) {
        ctx.warning(&format!(
            "listening on {local}: other machines can read the whole archive (there is no login)"
        ));
    }
    let mut web = crate::web::Web::new(store, ctx.clock);
    if allow_writes {
        web = web.with_writes(crate::web::Writes {
            csrf: crate::web::token(),
            fetcher: ctx.fetcher()?,
            opts: tracker_options(ctx),
            allow_private: ctx.config.serve_private.value,
        });
    }
    ctx.status(&format!(
        "serving {db} {} at http://{local}/ (Ctrl-C stops)",
        if allow_writes {
            "with forms that write (--allow-writes)"
        } else {
            "read-only"
        }
    ));
    crate::web::serve(listener, web, pass::wait_for_signal())
        .await
        .map_err(|e| CliError::runtime(format!("serving on {local}: {e}")))?;
    ctx.status("stopped");
    Ok(Status::Success)
}
