//! Links the `redline` binary as a position-dependent executable on Linux:
//! the loader then has no relocations to apply at start-up, which is most of
//! the start-up time of a short command such as `redline diff A B`.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
