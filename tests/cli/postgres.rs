//! What only PostgreSQL has: the connection's TLS, as libpq's `sslmode`
//! reads (the rest of the suite runs on PostgreSQL as a whole; see
//! `common::on_postgres`).

use crate::common::{Env, on_postgres, psql};

#[test]
fn sslmode_verify_full_checks_the_servers_certificate() {
    if !on_postgres() {
        eprintln!("runs in the PostgreSQL suite (REDLINE_TEST_POSTGRES=1 inside pg_virtualenv)");
        return;
    }
    let env = Env::new();
    let url = env.db.to_str().unwrap().to_owned();
    if psql(&url, "SHOW ssl") != "on" {
        eprintln!("skipped: this server does not offer TLS");
        return;
    }
    // With no roots it trusts, a verifying client refuses the server.
    env.set_var("SSL_CERT_FILE", "/dev/null");
    env.set_var("SSL_CERT_DIR", "/nonexistent");
    let refused = env.run_db(
        std::path::Path::new(&format!("{url}?sslmode=verify-full")),
        &["status"],
    );
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("invalid peer certificate"),
        "{}",
        refused.stderr
    );
    // Given the server's own certificate as the root, it connects…
    let cert = psql(&url, "SHOW ssl_cert_file");
    env.run_db(
        std::path::Path::new(&format!("{url}?sslmode=verify-full&sslrootcert={cert}")),
        &["status"],
    )
    .expect(0);
    // …and `require` encrypts without asking who signed it, as libpq.
    env.run_db(
        std::path::Path::new(&format!("{url}?sslmode=require")),
        &["status"],
    )
    .expect(0);
}
